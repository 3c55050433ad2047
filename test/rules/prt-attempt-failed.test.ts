import { expect } from 'vitest';
import { AADJ, example, HYBRID, sample, testRule } from './tester.js';

testRule('prt-attempt-failed', {
  invalid: [
    {
      name: 'a WinHTTP timeout, decoded as a sub-code',
      text: `${HYBRID}AzureAdPrt : NO\nAttempt Status : 0xc000023c\nHTTP Error : 0x2ee2\n`,
      findings: ['prt-attempt-failed'],
      expect: (d) => {
        expect(d.findings[0]!.codes.map((c) => c.hex)).toEqual(['0xc000023c', '0x2ee2']);
        expect(d.findings[0]!.codes[1]!.name).toBe('ERROR_WINHTTP_TIMEOUT');
      },
    },
    {
      name: 'AADSTS50155',
      text: `${AADJ}AzureAdPrt : NO\nAttempt Status : 0xc000006d\nServer Error Code : invalid_grant\nServer Error Description : AADSTS50155: Device authentication failed.\n`,
      findings: ['aadsts50155'],
    },
    {
      name: 'a deleted hybrid device (example)',
      text: example('hybrid-device-deleted-aadsts50155.txt'),
      findings: ['aadsts50155'],
    },
    {
      name: 'AADSTS50034',
      text: `${AADJ}AzureAdPrt : NO\nAttempt Status : 0xc000006d\nServer Error Description : AADSTS50034: The user account {EmailHidden} does not exist in the tenant.\n`,
      findings: ['aadsts50034'],
    },
    {
      name: "the guide's bad password (public sample 013)",
      text: sample('013-doc-prt-fail-0xc000006d-aadsts50126.txt'),
      findings: ['aadsts50126'],
      expect: (d) => expect(d.phase).toBe('post-join'),
    },
    {
      name: 'a .local UPN (public sample 037)',
      text: sample('037-hybrid-joined-prt-fail-aadsts90002-nonsynced-admin-local-upn.txt'),
      findings: ['aadsts90002'],
      expect: (d) => expect(d.findings.find((f) => f.id === 'aadsts90002')!.cause).toMatch(/non-routable/),
    },
  ],
  valid: [
    { name: 'a PRT', text: `${HYBRID}AzureAdPrt : YES\n` },
    { name: 'no PRT and no diagnostics', text: `${HYBRID}AzureAdPrt : NO\n` },
  ],
});
