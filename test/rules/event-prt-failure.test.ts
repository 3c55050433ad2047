import { expect } from 'vitest';
import { AAD, event, fixtureEvents, testRule } from './tester.js';

/** One PRT attempt: 1006, the errors between, 1007 with its status. */
const attempt = (status: string, ...between: ReturnType<typeof event>[]) => [
  event(AAD, 1006, '2024-01-01T10:01:00.000Z'),
  ...between,
  event(AAD, 1007, '2024-01-01T10:01:02.000Z', { Status: status }),
];
const serverError = (description: string) =>
  event(AAD, 1081, '2024-01-01T10:01:01.000Z', {
    Error: 'invalid_grant',
    ErrorDescription: description,
  });

testRule('event-prt-failure', {
  invalid: [
    {
      name: 'a network error (1084)',
      events: attempt(
        '3221226044',
        event(AAD, 1084, '2024-01-01T10:01:01.000Z', { Result: '-2147012894', Target: 'c' }),
      ),
      findings: ['prt-attempt-failed'],
      expect: (d) => expect(d.findings[0]!.codes.map((c) => c.hex)).toEqual(['0xc000023c', '0x80072ee2']),
    },
    {
      name: 'the AAD log in XML',
      events: fixtureEvents('prt-fail.wevtutil.xml'),
      findings: ['prt-attempt-failed'],
    },
    {
      name: 'the AAD log in CSV',
      events: fixtureEvents('prt-fail.powershell.csv'),
      findings: ['prt-attempt-failed'],
    },
    {
      name: 'AADSTS50155',
      events: attempt('3221225581', serverError('AADSTS50155: Device authentication failed.')),
      findings: ['aadsts50155'],
    },
    {
      name: 'AADSTS50034',
      events: attempt(
        '3221225581',
        serverError('AADSTS50034: The user account does not exist in the tenant.'),
      ),
      findings: ['aadsts50034'],
    },
    {
      name: 'AADSTS50126',
      events: attempt(
        '3221225581',
        serverError('AADSTS50126: Error validating credentials due to invalid username or password.'),
      ),
      findings: ['aadsts50126'],
    },
    {
      name: 'AADSTS90002',
      events: attempt('3221225581', serverError('AADSTS90002: Tenant contoso.local not found.')),
      findings: ['aadsts90002'],
    },
    {
      name: 'AD FS refused the request (1081 with MSIS9682, as in a published AAD log)',
      events: attempt(
        '3221225581',
        serverError(
          'MSIS9682: Received invalid OAuth JWT Bearer request. The certificate used to sign JWT Bearer request is not from a registered device with a Transport key.',
        ),
      ),
      findings: ['prt-attempt-failed'],
      expect: (d) => {
        expect(d.findings[0]!.serverErrorCode).toBe('MSIS9682');
        expect(d.findings[0]!.cause).toMatch(/device writeback/);
      },
    },
  ],
  valid: [
    { name: 'a successful attempt', events: attempt('0') },
    {
      name: 'a capture with a PRT updated after the failure',
      text: 'AzureAdJoined : YES\nDomainJoined : YES\nAzureAdPrt : YES\nAzureAdPrtUpdateTime : 2024-01-02 08:00:00.000 UTC\n',
      events: attempt('3221225581'),
    },
  ],
});
