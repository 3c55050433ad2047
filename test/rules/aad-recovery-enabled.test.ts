import { HYBRID, testRule } from './tester.js';

testRule('aad-recovery-enabled', {
  invalid: [{ name: 'YES', text: `${HYBRID}AadRecoveryEnabled : YES\n`, findings: ['aad-recovery-enabled'] }],
  valid: [{ name: 'NO', text: `${HYBRID}AadRecoveryEnabled: NO\n` }],
});
