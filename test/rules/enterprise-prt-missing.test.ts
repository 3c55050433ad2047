import { expect } from 'vitest';
import { HYBRID, testRule } from './tester.js';

// The guide's SSO State example (troubleshoot post-join, step 1), with the enterprise PRT refused
// by AD FS: the diagnostics of a request to the AD FS token endpoint that failed with MSIS9682,
// whose text is the one the AAD log's event 1081 carries in a published example.
const SSO_STATE_ADFS_REFUSED = `+----------------------------------------------------------------------+
| SSO State                                                            |
+----------------------------------------------------------------------+

                AzureAdPrt : YES
      AzureAdPrtUpdateTime : 2020-07-12 22:57:53.000 UTC
      AzureAdPrtExpiryTime : 2020-07-26 22:57:53.000 UTC
       AzureAdPrtAuthority : https://login.microsoftonline.com/aaaabbbb-0000-cccc-1111-dddd2222eeee
     AcquirePrtDiagnostics : PRESENT
      Previous Prt Attempt : 2020-07-12 22:58:10.000 UTC
            Attempt Status : 0xc000006d
             User Identity : john@contoso.com
           Credential Type : Password
            Correlation ID : 12d0e4f1-0000-4000-8000-000000000001
              Endpoint URI : https://corp.hybridadfs.contoso.com/adfs/oauth2/token/
               HTTP Method : POST
                HTTP Error : 0x0
               HTTP status : 400
         Server Error Code : invalid_grant
  Server Error Description : MSIS9682: Received invalid OAuth JWT Bearer request. The certificate used to sign JWT Bearer request is not from a registered device with a Transport key.
             EnterprisePrt : NO
    EnterprisePrtAuthority : https://corp.hybridadfs.contoso.com:443/adfs

+----------------------------------------------------------------------+
`;

testRule('enterprise-prt-missing', {
  invalid: [
    {
      name: 'a known federation service',
      text: `${HYBRID}AzureAdPrt : YES\nEnterprisePrt : NO\nEnterprisePrtAuthority : https://fs.fabrikam.example:443/adfs\n`,
      findings: ['enterprise-prt-missing'],
    },
    {
      name: 'AD FS refused the enterprise PRT with MSIS9682 (the guide SSO State, changed)',
      text: SSO_STATE_ADFS_REFUSED,
      findings: ['enterprise-prt-failed'],
      expect: (d) => {
        // No longer healthy: a failure in the post-join phase, the device unknown to AD FS.
        expect(d.verdict).toBe('failed');
        expect(d.phase).toBe('post-join');
        const f = d.findings.find((x) => x.id === 'enterprise-prt-failed')!;
        expect(f.title).toBe(
          'No enterprise PRT: AD FS does not know the device that signed the request (MSIS9682)',
        );
        expect(f.serverErrorCode).toBe('MSIS9682');
        expect(f.codes.map((c) => c.hex)).toEqual(['0xc000006d']);
        expect(f.cause).toMatch(/device writeback/);
        expect(f.fix!.join(' ')).toMatch(/Enable device writeback in Microsoft Entra Connect/);
        expect(f.evidence.map((e) => e.line)).toContain(21);
        // The Entra PRT is fine: no PRT failure is reported for it.
        expect(d.findings.map((x) => x.id)).not.toContain('prt-attempt-failed');
      },
    },
    {
      name: 'the same diagnostics in a fragment without the AzureAdPrt line',
      text: SSO_STATE_ADFS_REFUSED.split('\n')
        .filter((l) => !/^\s*AzureAdPrt\s*:/.test(l))
        .join('\n'),
      findings: ['enterprise-prt-failed'],
      expect: (d) => {
        expect(d.findings.find((x) => x.id === 'enterprise-prt-failed')!.cause).toMatch(/no AzureAdPrt line/);
        expect(d.findings.map((x) => x.id)).not.toContain('prt-attempt-failed');
      },
    },
    {
      name: 'an AD FS error the knowledge base does not describe',
      text: `${HYBRID}AzureAdPrt : YES\nAttempt Status : 0xc000006d\nEndpoint URI : https://fs.fabrikam.example/adfs/oauth2/token/\nServer Error Description : MSIS7065: There are no registered protocol handlers.\nEnterprisePrt : NO\n`,
      findings: ['enterprise-prt-failed'],
      expect: (d) =>
        expect(d.findings[0]!.title).toBe('No enterprise PRT: AD FS refused the request (MSIS7065)'),
    },
  ],
  valid: [
    {
      name: 'no federation service',
      text: `${HYBRID}AzureAdPrt : YES\nEnterprisePrt : NO\nEnterprisePrtAuthority :\n`,
    },
    {
      name: 'the guide SSO State, both PRTs present',
      text: SSO_STATE_ADFS_REFUSED.replace('EnterprisePrt : NO', 'EnterprisePrt : YES'),
    },
    {
      name: 'a failed Entra PRT attempt is not the enterprise PRT (prt-attempt-failed speaks)',
      text: `${HYBRID}AzureAdPrt : NO\nAttempt Status : 0xc000006d\nServer Error Description : AADSTS50126: Error validating credentials.\nEnterprisePrt : NO\n`,
    },
  ],
});
