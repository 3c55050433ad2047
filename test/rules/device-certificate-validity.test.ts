import { AADJ, testRule } from './tester.js';

const validity = (from: string, to: string) =>
  `${AADJ}DeviceCertificateValidity : [ ${from} 00:00:00.000 UTC -- ${to} 00:00:00.000 UTC ]\n`;

testRule('device-certificate-validity', {
  invalid: [
    {
      name: 'expired',
      text: validity('2014-01-01', '2024-01-01'),
      now: '2025-01-01T00:00:00Z',
      findings: ['device-certificate-expired'],
    },
    {
      name: 'not yet valid',
      text: validity('2026-01-01', '2036-01-01'),
      now: '2025-01-01T00:00:00Z',
      findings: ['device-certificate-not-yet-valid'],
    },
  ],
  valid: [
    { name: 'valid', text: validity('2020-01-01', '2030-01-01'), now: '2025-01-01T00:00:00Z' },
    // Without a capture time the dates are not judged (never against the wall clock).
    { name: 'no capture time', text: validity('2014-01-01', '2024-01-01') },
  ],
});
