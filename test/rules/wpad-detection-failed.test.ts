import { DJ, testRule } from './tester.js';

testRule('wpad-detection-failed', {
  invalid: [
    {
      name: 'no PAC script found',
      text: `${DJ}Auto Detect PAC Status : Failed to auto detect the PAC script using WPAD. code: 0x80072f94\n`,
      findings: ['wpad-detection-failed'],
    },
  ],
  valid: [{ name: 'auto detect on', text: `${DJ}Auto Detect Settings : YES\n` }],
});
