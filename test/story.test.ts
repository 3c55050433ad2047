// The join and PRT story told from event logs (issue 5): attempts, codes in every form, findings
// merged with the dsregcmd ones, and a timeline.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeInputs, diagnose } from '../src/diagnose.js';
import type { EventRecord } from '../src/events/types.js';
import { joinAttempts, prtAttempts } from '../src/story/attempts.js';
import { codesIn, drsResponse, keyValues } from '../src/story/values.js';
import { contract } from './schema.js';

const UDR = 'Microsoft-Windows-User Device Registration';
const AAD = 'Microsoft-Windows-AAD';
let id = 100;
function ev(
  provider: string,
  eventId: number,
  time: string,
  data: Record<string, string> = {},
  message?: string,
): EventRecord {
  const r: EventRecord = { source: 'log.xml', recordId: id++, time, provider, eventId, level: 2, data };
  if (message !== undefined) r.message = message;
  return r;
}
const fixture = (name: string) => ({
  name,
  bytes: new Uint8Array(readFileSync(`test/fixtures/events/${name}`)),
});
const validate = contract('diagnosis');

describe('event values', () => {
  it('reads codes as signed or unsigned decimal, hex, or inside text', () => {
    expect(codesIn('3399811100')).toEqual([0xcaa5001c]);
    expect(codesIn('-2145647630')).toEqual([0x801c03f2]);
    expect(codesIn('0x801C03F2')).toEqual([0x801c03f2]);
    expect(codesIn('Unknown HResult Error code: 0x801c03f2')).toEqual([0x801c03f2]);
    expect(
      codesIn('Operation name: GetTokenSilently, Error: -2146959355 (0x80080005), Description: x'),
    ).toEqual([0x80080005]);
    expect(codesIn('Error: -2146959355')).toEqual([0x80080005]);
    expect(codesIn('Keyset does not exist')).toEqual([]);
    expect(codesIn('99999999999')).toEqual([]);
  });
  it('reads DebugOutput key: value lines, with literal \\r\\n too', () => {
    expect(keyValues('joinMode: Join\r\nerrorPhase: auth\nadalResponseCode: 0xcaa1000e')).toMatchObject({
      errorPhase: 'auth',
      adalResponseCode: '0xcaa1000e',
    });
    expect(keyValues('Debug Output:\\r\\n errorPhase: discover').errorPhase).toBe('discover');
  });
  it('reads DRS errors as JSON or as "DirectoryError: message"', () => {
    expect(drsResponse('{"ErrorType":"DirectoryError","Message":"m","TraceId":"t"}')).toEqual({
      errorType: 'DirectoryError',
      message: 'm',
    });
    expect(drsResponse('DirectoryError: The device object is not found.')).toEqual({
      errorType: 'DirectoryError',
      message: 'The device object is not found.',
    });
    expect(drsResponse('{not json')).toEqual({});
  });
});

describe('join attempts', () => {
  it('304 with a short value list: the debug dump sits in TenantType, %4 and %5 stay literal', () => {
    const a = joinAttempts([
      ev(UDR, 304, '2024-01-01T10:00:00.000Z', {
        ExitCode: '-2146893802',
        ServerErrorMessage: 'empty',
        TenantType:
          'joinMode: Join\ndrsInstance: azure\nregistrationType: sync\ntenantType: managed\nerrorPhase: join\nadalResponseCode: 0x0\nRegistration type: %4\nDebug Output:\n%5',
      }),
    ]);
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({
      outcome: 'failure',
      phase: 'join',
      codes: [0x80090016],
      registrationType: 'sync',
    });
    expect(a[0]!.serverMessage).toBeUndefined();
  });

  it('304 errorPhase auth with the ADAL response code as sub-code', () => {
    const a = joinAttempts([
      ev(UDR, 304, '2024-01-01T10:00:00.000Z', {
        ExitCode: '-894947614',
        ServerErrorMessage: '',
        TenantType: 'Federated',
        JoinType: 'fed',
        DebugOutput: 'joinMode: Join\nerrorPhase: auth\nadalResponseCode: 0xcaa82ee2',
      }),
    ]);
    expect(a[0]).toMatchObject({ phase: 'auth', codes: [0xcaa82ee2] });
  });

  it('307 is discover; 220 with 1317 points at replication; 306 after failures is a success', () => {
    const events = [
      ev(UDR, 220, '2024-01-01T09:00:00.000Z', { Format: '5', ErrorCode: '1317' }),
      ev(UDR, 304, '2024-01-01T09:00:01.000Z', { ExitCode: '-2145648611' }),
      ev(UDR, 307, '2024-01-01T10:00:00.000Z', { ExitCode: '-2145648611' }),
      ev(UDR, 306, '2024-01-01T11:00:00.000Z'),
    ];
    const a = joinAttempts(events);
    expect(a.map((x) => [x.outcome, x.phase])).toEqual([
      ['failure', 'join'],
      ['failure', 'discover'],
      ['success', null],
    ]);
    expect(a[0]!.codes).toEqual([0x801c001d, 1317]);
    const d = diagnose({ captures: [], events });
    expect(d.findings.map((f) => f.id)).toContain('event-join-recovered');
    expect(d.verdict).toBe('healthy');
    expect(d.joinType).toBe('hybrid');
    expect(d.attempts?.join).toEqual({
      count: 3,
      failures: 2,
      firstFailure: '2024-01-01T09:00:01.000Z',
      lastFailure: '2024-01-01T10:00:00.000Z',
      lastSuccess: '2024-01-01T11:00:00.000Z',
    });
  });

  it('204 gives the DRS server error of the attempt it belongs to', () => {
    const d = diagnose({
      captures: [],
      events: [
        ev(UDR, 204, '2024-01-01T10:00:00.000Z', {
          ExitCode: '-2145647630',
          ActivityId: '{00000000-0000-0000-0000-000000000001}',
          HttpStatus: '400',
          ServerResponse:
            '{"ErrorType":"DirectoryError","Message":"The device object by the given id (x) is not found."}',
        }),
        ev(UDR, 304, '2024-01-01T10:00:01.000Z', { ExitCode: '-2145647630' }),
      ],
    });
    expect(d.phase).toBe('join');
    expect(d.findings[0]).toMatchObject({ id: 'drs-device-not-found', serverErrorCode: 'DirectoryError' });
    expect(d.findings[0]!.evidence.map((e) => e.recordId)).toHaveLength(2);
    expect(d.joinType).toBe('domain-joined');
  });
});

describe('PRT attempts', () => {
  it('groups the events between 1006 and 1007 and reads 1081, 1084, 1022 and 1144', () => {
    const events = [
      ev(AAD, 1006, '2024-01-01T10:00:00.000Z'),
      ev(AAD, 1144, '2024-01-01T10:00:00.100Z', {
        value: '1',
        Method: 'ann@contoso.local',
        EndpointUri: 'x',
      }),
      ev(AAD, 1022, '2024-01-01T10:00:00.200Z', {
        value: 'https://login.microsoftonline.com/common/oauth2/token',
      }),
      ev(AAD, 1081, '2024-01-01T10:00:00.300Z', {
        Error: 'invalid_request',
        ErrorDescription: "AADSTS90002: Tenant 'contoso.local' not found.",
        CorrelationID: 'c',
      }),
      ev(AAD, 1097, '2024-01-01T10:00:00.350Z', {
        Error: '2326069467',
        ErrorMessage: 'cache',
        AdditionalInformation: '',
      }),
      ev(AAD, 1007, '2024-01-01T10:00:00.400Z', { Status: '3221225680' }),
    ];
    const [a] = prtAttempts(events);
    expect(a).toMatchObject({
      outcome: 'failure',
      codes: [0xc00000d0],
      upn: 'ann@contoso.local',
      serverCode: 'invalid_request',
      endpoint: 'https://login.microsoftonline.com/common/oauth2/token',
    });
    const d = diagnose({ captures: [], events });
    const f = d.findings[0]!;
    expect(f.id).toBe('aadsts90002');
    expect(f.cause).toMatch(/ann@contoso\.local/);
    // 1097 is noise: never cited.
    expect(f.evidence.some((e) => e.text.startsWith('Event 1097'))).toBe(false);
  });

  it('a 1007 with status 0 is a success; 1097 alone is never a finding', () => {
    const events = [
      ev(AAD, 1006, '2024-01-01T10:00:00.000Z'),
      ev(AAD, 1007, '2024-01-01T10:00:01.000Z', { Status: '0' }),
      ev(AAD, 1097, '2024-01-01T10:05:00.000Z', {
        Error: '2326069467',
        ErrorMessage: 'x',
        AdditionalInformation: 'y',
      }),
    ];
    expect(prtAttempts(events).map((a) => a.outcome)).toEqual(['success']);
    const d = diagnose({ captures: [], events });
    expect(d.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('Operational errors without the Analytic brackets still make an attempt', () => {
    const events = [
      ev(AAD, 1098, '2024-01-01T10:00:00.000Z', {
        Error: '3399811100',
        ErrorMessage: 'Token broker operation failed.',
        AdditionalInformation:
          'Operation name: GetTokenSilently, Error: -2147012889 (0x80072ee7), Description: x',
      }),
      ev(AAD, 1104, '2024-01-01T10:00:00.500Z', { API: 'Get token', Result: '3221225567' }),
    ];
    const [a] = prtAttempts(events);
    expect(a!.codes).toEqual([0xcaa5001c, 0x80072ee7, 0xc000005f]);
  });
});

describe('event rules', () => {
  it("'event-join-failure' and 'event-prt-failure' name the last failed attempt", () => {
    const d = diagnose({
      captures: [],
      events: [
        ev(UDR, 307, '2024-01-01T10:00:00.000Z', { ExitCode: '-2145648611' }),
        ev(AAD, 1006, '2024-01-01T10:01:00.000Z'),
        ev(AAD, 1084, '2024-01-01T10:01:01.000Z', { Result: '-2147012894', Target: 'c' }),
        ev(AAD, 1007, '2024-01-01T10:01:02.000Z', { Status: '3221226044' }),
      ],
    });
    expect(d.findings.map((f) => f.id)).toEqual([
      'discover-phase-failed',
      'prt-attempt-failed',
      'join-type-inferred',
    ]);
    expect(d.phase).toBe('discover');
    expect(d.findings[1]!.codes.map((c) => c.hex)).toEqual(['0xc000023c', '0x80072ee2']);
  });

  it("'whfb-prerequisites' lists what failed, from a localized 360", () => {
    const d = diagnose({
      captures: [],
      events: [
        ev(UDR, 360, '2024-01-01T10:00:00.000Z', {
          Message: 'İş İçin Windows Hello sağlaması başlatılmayacak.',
          DeviceIsJoined: 'Yes',
          AADPrt: 'No',
          NgcPolicyEnabled: 'Yes',
          UserIsRemote: 'Yes',
        }),
      ],
    });
    const f = d.findings.find((x) => x.id === 'whfb-prerequisites');
    expect(f?.severity).toBe('info');
    expect(f?.cause).toMatch(/AADPrt, UserIsRemote/);
  });
});

describe('diagnose with event logs (fixtures)', () => {
  it('a failed join told by the same events in every export format', () => {
    for (const f of [
      'join-fail.wevtutil.xml',
      'join-fail.eventviewer.xml',
      'join-fail.getwinevent.json',
      'join-fail.eventviewer.csv',
    ]) {
      const { diagnosis: d, inputs } = analyzeInputs([fixture(f)]);
      expect(inputs[0]!.used, f).toBe(true);
      expect(d.verdict, f).toBe('failed');
      expect(d.phase, f).toBe('join');
      expect(d.findings[0]!.id, f).toBe('drs-public-key-not-found');
      expect(
        d.findings[0]!.codes.map((c) => c.hex),
        f,
      ).toEqual(['0x801c03f2']);
      expect(d.attempts?.join?.failures, f).toBe(2);
      expect(d.timeline?.length, f).toBe(2);
      expect(d.findings[0]!.evidence[0]!.recordId, f).toBeTypeOf('number');
      expect(validate(d), f).toBe('');
    }
  });

  it('a federated join failing in the authentication phase, also from a German export', () => {
    for (const f of [
      'federated-fail.wevtutil.xml',
      'federated-fail.de-DE.eventviewer.xml',
      'federated-fail.de-DE.eventviewer.csv',
    ]) {
      const d = analyzeInputs([fixture(f)]).diagnosis;
      expect(d.phase, f).toBe('auth');
      expect(d.findings[0]!.codes[0]!.name, f).toBe('ERROR_ADAL_FAILED_TO_PARSE_XML');
    }
  });

  it('a PRT failure from the AAD log, in XML, JSON and CSV', () => {
    for (const f of ['prt-fail.wevtutil.xml', 'prt-fail.getwinevent.json', 'prt-fail.powershell.csv']) {
      const d = analyzeInputs([fixture(f)]).diagnosis;
      expect(d.phase, f).toBe('post-join');
      expect(d.findings[0]!.codes[0]!.name, f).toBe('STATUS_NETWORK_UNREACHABLE');
      expect(
        d.findings[0]!.codes.map((c) => c.hex),
        f,
      ).toContain('0x80072ee7');
      expect(d.attempts?.prt?.failures, f).toBe(2);
    }
  });

  it('a capture and event logs in one call: one diagnosis, evidence from both merged', () => {
    const capture = {
      name: 'status.txt',
      bytes: new TextEncoder().encode(
        'AzureAdJoined : NO\nDomainJoined : YES\nPrevious Registration : 2026-10-03 08:58:32.000 UTC\nError Phase : join\nClient ErrorCode : 0x801c03f2\nServer ErrorCode : DirectoryError\nServer Message : The public key user certificate is not found on the device object with id: (0f3c9a71-5b2e-4d8a-a6c4-93e1b7d2f058).\n',
      ),
    };
    const { diagnosis: d } = analyzeInputs([
      capture,
      fixture('join-fail.wevtutil.xml'),
      fixture('prt-fail.wevtutil.xml'),
    ]);
    expect(d.joinType).toBe('domain-joined');
    const join = d.findings.filter((f) => f.id === 'drs-public-key-not-found');
    expect(join).toHaveLength(1);
    const sources = new Set(join[0]!.evidence.map((e) => e.source));
    expect(sources).toEqual(new Set(['status.txt', 'join-fail.wevtutil.xml']));
    expect(d.sources).toEqual(['status.txt', 'join-fail.wevtutil.xml', 'prt-fail.wevtutil.xml']);
    expect(d.timeline!.map((t) => t.kind)).toEqual(['join', 'join', 'prt', 'prt']);
    expect(validate(d)).toBe('');
  });

  it('an input that is neither a capture nor an event log is an error naming it', () => {
    expect(() => analyzeInputs([{ name: 'notes.txt', bytes: new TextEncoder().encode('hello\n') }])).toThrow(
      /^notes\.txt: neither/,
    );
    const lenient = analyzeInputs([{ name: 'notes.txt', bytes: new TextEncoder().encode('hello\n') }], {
      lenient: true,
    });
    expect(lenient.inputs).toEqual([
      { name: 'notes.txt', kind: 'unknown', used: false, reason: 'neither dsregcmd output nor an event log' },
    ]);
  });
});

describe('307 and 304 of one run', () => {
  it('are one attempt in the discover phase', () => {
    const a = joinAttempts([
      ev(UDR, 307, '2024-01-01T10:00:00.000Z', { ExitCode: '-2145648611' }),
      ev(UDR, 304, '2024-01-01T10:00:00.500Z', { ExitCode: '-2145648611', DebugOutput: 'undefined' }),
    ]);
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({ phase: 'discover', codes: [0x801c001d] });
    expect(a[0]!.records.map((r) => r.eventId)).toEqual([307, 304]);
  });
});

describe('event failures older than the capture', () => {
  const capture = (text: string) => ({ name: 'status.txt', bytes: new TextEncoder().encode(text) });
  it("a PRT updated after the last failed attempt is not an error ('event-prt-failure' stays quiet)", () => {
    const events = new TextEncoder().encode(
      JSON.stringify([
        { Id: 1006, ProviderName: AAD, RecordId: 1, TimeCreated: '2024-01-01T10:00:00Z', Properties: [] },
        {
          Id: 1007,
          ProviderName: AAD,
          RecordId: 2,
          TimeCreated: '2024-01-01T10:00:01Z',
          Properties: [{ Value: 3221225581 }],
        },
      ]),
    );
    const healthy =
      'AzureAdJoined : YES\nDomainJoined : YES\nAzureAdPrt : YES\nAzureAdPrtUpdateTime : 2024-01-02 08:00:00.000 UTC\n';
    const d = analyzeInputs([capture(healthy), { name: 'aad.json', bytes: events }]).diagnosis;
    expect(d.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(d.timeline).toHaveLength(1);
    const stale = healthy.replace('2024-01-02 08:00', '2023-12-31 08:00');
    const d2 = analyzeInputs([capture(stale), { name: 'aad.json', bytes: events }]).diagnosis;
    expect(d2.findings[0]!.id).toBe('prt-attempt-failed');
  });
  it('a capture showing the device joined outweighs an older failed join in the log', () => {
    const d = diagnose({
      captures: [],
      events: [ev(UDR, 304, '2024-01-01T10:00:00.000Z', { ExitCode: '-2145647630' })],
    });
    expect(d.verdict).toBe('failed');
    const joined = analyzeInputs([
      capture('AzureAdJoined : YES\nDomainJoined : YES\n'),
      {
        name: 'udr.json',
        bytes: new TextEncoder().encode(
          JSON.stringify([
            {
              Id: 304,
              ProviderName: UDR,
              RecordId: 1,
              TimeCreated: '2024-01-01T10:00:00Z',
              Properties: [{ Value: -2145647630 }],
            },
          ]),
        ),
      },
    ]).diagnosis;
    expect(joined.verdict).toBe('healthy');
    expect(joined.timeline?.[0]?.outcome).toBe('failure');
  });
});
