import { expect } from 'vitest';
import { event, fixtureEvents, testRule, UDR } from './tester.js';

const T0 = '2024-01-01T10:00:00.000Z';
const T1 = '2024-01-01T10:00:01.000Z';
/** A 204 with the registration service's answer, then the 304 that ends the attempt. */
const drs = (errorType: string, message: string) => [
  event(UDR, 204, T0, {
    ExitCode: '-2145647630',
    HttpStatus: '400',
    ServerResponse: JSON.stringify({ ErrorType: errorType, Message: message }),
  }),
  event(UDR, 304, T1, { ExitCode: '-2145647630' }),
];

testRule('event-join-failure', {
  invalid: [
    {
      name: 'no domain controller (334)',
      events: [event(UDR, 334, T0, { ExitCode: '-2147023541' })],
      findings: ['precheck-phase-failed'],
    },
    {
      name: 'the SCP lookup failed (307)',
      events: [event(UDR, 307, T0, { ExitCode: '-2145648611' })],
      findings: ['discover-phase-failed'],
    },
    {
      name: 'a federated join in the auth phase, from wevtutil',
      events: fixtureEvents('federated-fail.wevtutil.xml'),
      findings: ['auth-phase-failed'],
    },
    {
      name: 'the same from a German Event Viewer export',
      events: fixtureEvents('federated-fail.de-DE.eventviewer.xml'),
      findings: ['auth-phase-failed'],
    },
    {
      name: 'a join-phase failure (304) with no server message',
      events: [event(UDR, 304, T0, { ExitCode: '-2146893802' })],
      findings: ['join-phase-failed'],
    },
    {
      name: 'a computer object Active Directory could not read (220 with 1317)',
      events: [
        event(UDR, 220, T0, { Format: '5', ErrorCode: '1317' }),
        event(UDR, 304, T1, { ExitCode: '-2145648611' }),
      ],
      findings: ['join-phase-failed'],
      expect: (d) => expect(d.findings[0]!.cause).toMatch(/Event 220: .*replication\.$/),
    },
    {
      name: 'throttled',
      events: drs('DirectoryError', 'Your request is throttled temporarily. Please try after 300 seconds.'),
      findings: ['drs-throttled'],
    },
    {
      name: 'tenant not found',
      events: drs('DirectoryError', 'AADSTS90002: Tenant 11111111-0000-0000-0000-000000000000 not found.'),
      findings: ['drs-tenant-not-found'],
    },
    {
      name: 'the device object is not synchronized yet',
      events: drs('DirectoryError', 'The device object by the given id (x) is not found.'),
      findings: ['drs-device-not-found'],
      expect: (d) => {
        expect(d.findings[0]).toMatchObject({ serverErrorCode: 'DirectoryError', phase: 'join' });
        expect(d.findings[0]!.evidence).toHaveLength(2);
      },
    },
    {
      name: "the computer's certificate is not synchronized yet, from every export format",
      events: fixtureEvents('join-fail.wevtutil.xml'),
      findings: ['drs-public-key-not-found'],
    },
    {
      name: 'the same, from CSV',
      events: fixtureEvents('join-fail.eventviewer.csv'),
      findings: ['drs-public-key-not-found'],
    },
    {
      name: 'the same, from Get-WinEvent JSON',
      events: fixtureEvents('join-fail.getwinevent.json'),
      findings: ['drs-public-key-not-found'],
    },
    {
      name: 'SID verification',
      events: drs('AuthenticationError', "The verification of the target computer's SID failed."),
      findings: ['drs-sid-verification'],
    },
  ],
  valid: [
    { name: 'a successful join (306)', events: [event(UDR, 306, T0)] },
    {
      name: 'a failure, then a success',
      events: [event(UDR, 304, T0, { ExitCode: '-2145647630' }), event(UDR, 306, '2024-01-01T11:00:00.000Z')],
    },
    {
      name: 'a capture that shows the device joined, after a failure in the log',
      text: 'AzureAdJoined : YES\nDomainJoined : YES\n',
      events: [event(UDR, 304, T0, { ExitCode: '-2145647630' })],
    },
  ],
});
