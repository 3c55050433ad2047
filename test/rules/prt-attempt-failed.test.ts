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
      name: 'the same PRT block without its AzureAdPrt line: every code of the block reported',
      text: sample('013-doc-prt-fail-0xc000006d-aadsts50126.txt')
        .split('\n')
        .filter((l) => !/^\s*AzureAdPrt\s*:/.test(l))
        .join('\n'),
      findings: ['aadsts50126'],
      expect: (d) => {
        const f = d.findings.find((x) => x.id === 'aadsts50126')!;
        expect(f.codes.map((c) => c.hex)).toEqual(['0xc000006d']);
        expect(f.serverErrorCode).toBe('AADSTS50126');
        expect(f.cause).toMatch(/no AzureAdPrt line/);
        expect(f.cause).toMatch(/HTTP status 400 and the error invalid_grant/);
        expect(f.evidence.map((e) => e.text)).toContain('Attempt Status : 0xc000006d');
        expect(d.phase).toBe('post-join');
      },
    },
    {
      name: 'Attempt Status and HTTP Error alone, no AzureAdPrt line',
      text: 'Attempt Status : 0xc000023c\nHTTP Error : 0x80072ee2\n',
      findings: ['prt-attempt-failed'],
      expect: (d) => expect(d.findings[0]!.codes.map((c) => c.hex)).toEqual(['0xc000023c', '0x80072ee2']),
    },
    {
      name: 'AD FS refused the PRT itself (MSIS9682 with AzureAdPrt NO)',
      text: `${HYBRID}AzureAdPrt : NO\nAttempt Status : 0xc000006d\nEndpoint URI : https://fs.fabrikam.example/adfs/oauth2/token/\nServer Error Code : invalid_grant\nServer Error Description : MSIS9682: Received invalid OAuth JWT Bearer request.\n`,
      findings: ['prt-attempt-failed'],
      expect: (d) => {
        const f = d.findings[0]!;
        expect(f.serverErrorCode).toBe('MSIS9682');
        expect(f.title).toBe('No PRT: AD FS does not know the device that signed the request (MSIS9682)');
        expect(f.fix![0]).toMatch(/device writeback/);
      },
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
    { name: 'an Attempt Status of 0 is no failure', text: 'Attempt Status : 0x0\nHTTP Error : 0x0\n' },
    {
      name: 'a PRT with diagnostics of an AD FS attempt (enterprise-prt-missing speaks)',
      text: `${HYBRID}Attempt Status : 0xc000006d\nServer Error Description : MSIS9682: Received invalid OAuth JWT Bearer request.\n`,
    },
  ],
});
