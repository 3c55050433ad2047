import { expect } from 'vitest';
import { AADJ, example, sample, testRule } from './tester.js';

testRule('device-auth-status', {
  invalid: [
    {
      name: 'disabled or deleted',
      text: `${AADJ}DeviceAuthStatus : FAILED. Device is either disabled or deleted.\n`,
      findings: ['device-disabled-or-deleted'],
    },
    {
      name: 'a three-line fragment from a support blog (public sample 041)',
      text: sample('041-fragment-hybrid-pending-deviceauthstatus-failed-deleted.txt'),
      findings: ['device-disabled-or-deleted'],
      expect: (d) => expect(d.joinType).toBe('hybrid'),
    },
    {
      name: 'a deleted hybrid device (example)',
      text: example('hybrid-device-deleted-aadsts50155.txt'),
      findings: ['device-disabled-or-deleted'],
    },
    {
      name: 'an error instead of a result',
      text: `${AADJ}DeviceAuthStatus : FAILED. ERROR\n`,
      findings: ['device-auth-status-unknown'],
    },
  ],
  valid: [{ name: 'SUCCESS', text: `${AADJ}DeviceAuthStatus : SUCCESS\n` }],
});
