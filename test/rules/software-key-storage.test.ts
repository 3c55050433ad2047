import { AADJ, sample, testRule } from './tester.js';

testRule('software-key-storage', {
  invalid: [
    {
      name: 'software provider, no TPM',
      text: `${AADJ}KeyProvider : Microsoft Software Key Storage Provider\nTpmProtected : NO\n`,
      findings: ['software-key-storage'],
    },
    {
      name: 'a lab VM (public sample 001)',
      text: sample('001-entra-joined-win10-lab-software-ksp.txt'),
      findings: ['software-key-storage'],
    },
  ],
  valid: [
    { name: 'a TPM', text: `${AADJ}KeyProvider : Microsoft Platform Crypto Provider\nTpmProtected : YES\n` },
  ],
});
