import { HYBRID, sample, testRule } from './tester.js';

testRule('key-sign-test', {
  invalid: [
    {
      name: 'failed',
      text: `${HYBRID}KeySignTest : FAILED 0x80090016\n`,
      findings: ['key-sign-test-failed'],
    },
    {
      name: 'not elevated',
      text: `${HYBRID}KeySignTest: : MUST Run elevated to test.\n`,
      findings: ['key-sign-test-not-run'],
    },
    {
      name: 'the old layout of the guide (public sample 008)',
      text: sample('008-doc-old-format-hybrid-joined-keysigntest-must-run-elevated.txt'),
      findings: ['key-sign-test-not-run'],
    },
  ],
  valid: [
    { name: 'PASSED', text: `${HYBRID}KeySignTest : PASSED\n` },
    { name: 'PASSED, old layout', text: `${HYBRID}KeySignTest: : PASSED\n` },
  ],
});
