import { DJ, testRule } from './tester.js';

testRule('sync-join-fallback-disabled', {
  invalid: [
    {
      name: 'DISABLED',
      text: `${DJ}Fallback to Sync-Join : DISABLED\n`,
      findings: ['sync-join-fallback-disabled'],
    },
  ],
  valid: [{ name: 'ENABLED', text: `${DJ}Fallback to Sync-Join : ENABLED\n` }],
});
