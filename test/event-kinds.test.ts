// Every event kind issue 5 names, written as `wevtutil qe /f:xml` prints it, read by `events` and
// told by `diagnose`: what each one must make of it.
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { memoryIO } from './helpers.js';

const UDR = [
  'Microsoft-Windows-User Device Registration',
  '{23B8D46B-67DD-40A3-B636-D43E50552C6D}',
  'Microsoft-Windows-User Device Registration/Admin',
];
const AADOP = [
  'Microsoft-Windows-AAD',
  '{4DE9BC9C-B27A-43C9-8994-0915F1A5E24F}',
  'Microsoft-Windows-AAD/Operational',
];
const AADAN = [
  'Microsoft-Windows-AAD',
  '{4DE9BC9C-B27A-43C9-8994-0915F1A5E24F}',
  'Microsoft-Windows-AAD/Analytic',
];

let rid = 1;
function event(p: string[], id: number, level: number, time: string, data: Record<string, string>): string {
  const values = Object.entries(data)
    .map(([k, v]) => `<Data Name='${k}'>${v.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Data>`)
    .join('');
  return `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='${p[0]}' Guid='${p[1]}'/><EventID>${id}</EventID><Version>0</Version><Level>${level}</Level><Task>0</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='${time}'/><EventRecordID>${rid++}</EventRecordID><Correlation/><Execution ProcessID='1' ThreadID='2'/><Channel>${p[2]}</Channel><Computer>PC-1.corp.example</Computer><Security UserID='S-1-5-18'/></System><EventData>${values}</EventData></Event>`;
}

async function both(xml: string) {
  const files = { 'log.xml': xml };
  const ev = memoryIO(files);
  expect(await main(['events', 'log.xml', '--format', 'jsonl'], ev.io)).toBe(0);
  const records = ev
    .out()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const dg = memoryIO(files);
  await main(['diagnose', 'log.xml', '--format', 'json'], dg.io);
  return { records, d: JSON.parse(dg.out()) };
}

const T = (s: number) => `2026-10-03T08:00:${String(s).padStart(2, '0')}.0000000Z`;

describe('each event kind, through events and diagnose', () => {
  it('201: discovery failed (exit code, HTTP status, server message)', async () => {
    const { records, d } = await both(
      event(UDR, 201, 2, T(1), { ExitCode: '-2147012894', HttpStatus: '0', ServerMessage: '' }) +
        event(UDR, 304, 2, T(2), {
          ExitCode: '-2145648607',
          ServerErrorMessage: '',
          TenantType: 'Managed',
          JoinType: 'sync',
          DebugOutput: 'errorPhase: discover',
        }),
    );
    expect(records.map((r: { eventId: number }) => r.eventId)).toEqual([201, 304]);
    expect(d.phase).toBe('discover');
    expect(d.findings[0].codes.map((c: { hex: string }) => c.hex)).toEqual(['0x801c0021', '0x80072ee2']);
  });

  it('204: the DRS JSON in ServerResponse', async () => {
    const { d } = await both(
      event(UDR, 204, 2, T(1), {
        ExitCode: '-2145647630',
        ActivityId: '{A}',
        HttpStatus: '400',
        ServerResponse:
          '{"ErrorType":"DirectoryError","Message":"Your request is throttled temporarily. Please try after 300 seconds."}',
      }) + event(UDR, 304, 2, T(2), { ExitCode: '-2145647630' }),
    );
    expect(d.findings[0].id).toBe('drs-throttled');
    expect(d.findings[0].serverErrorCode).toBe('DirectoryError');
  });

  it('220: computer object unreadable, 1317 is AD replication', async () => {
    const { d } = await both(
      event(UDR, 220, 2, T(1), { Format: '5', ErrorCode: '1317' }) +
        event(UDR, 304, 2, T(2), { ExitCode: '-2145648611' }),
    );
    expect(d.findings[0].codes.map((c: { name: string }) => c.name)).toEqual([
      'DSREG_AUTOJOIN_ADCONFIG_READ_FAILED',
      'ERROR_NO_SUCH_USER',
    ]);
    expect(d.findings[0].cause).toMatch(/replication/);
  });

  it('304: the DebugOutput block decides the phase (auth) and adds the ADAL response code', async () => {
    const { d } = await both(
      event(UDR, 304, 2, T(1), {
        ExitCode: '-894894036',
        ServerErrorMessage: '',
        TenantType: 'Federated',
        JoinType: 'fed',
        DebugOutput:
          'joinMode: Join\ndrsInstance: azure\nregistrationType: fed\ntenantType: Federated\nerrorPhase: auth\nadalResponseCode: 0xcaa9002c',
      }),
    );
    expect(d.phase).toBe('auth');
    expect(d.findings[0].codes[0].name).toBe('ERROR_ADAL_FAILED_TO_PARSE_XML');
  });

  it('305: authentication phase with the ADAL message and code', async () => {
    const { d } = await both(
      event(UDR, 305, 2, T(1), {
        ExitCode: '-894894045',
        ServerErrorMessage: 'AdalMessage: no WS-Trust endpoint\nAdalErrorCode: 0xcaa90023',
        TenantType: 'Federated',
        TenantName: 'fs.example',
      }),
    );
    expect(d.phase).toBe('auth');
    expect(d.findings[0].codes[0].name).toBe('ERROR_ADAL_COULDNOT_DISCOVER_USERNAME_PASSWORD_ENDPOINT');
  });

  it('306 after 307: a success after an SCP failure is a note', async () => {
    const { d } = await both(
      event(UDR, 307, 2, T(1), { ExitCode: '-2145648611' }) + event(UDR, 306, 4, T(9), {}),
    );
    expect(d.verdict).toBe('healthy');
    expect(d.findings.map((f: { id: string }) => f.id)).toContain('event-join-recovered');
    expect(d.attempts.join).toMatchObject({ count: 2, failures: 1 });
  });

  it('334: no domain controller: the precheck phase', async () => {
    const { d } = await both(event(UDR, 334, 3, T(1), {}));
    expect(d.phase).toBe('precheck');
  });

  it('335: already joined', async () => {
    const { d } = await both(event(UDR, 335, 4, T(1), {}));
    expect(d.joinType).toBe('hybrid');
    expect(d.timeline[0]).toMatchObject({ outcome: 'success', summary: 'already joined' });
  });

  it('362: Windows Hello for Business prerequisites, newer fields kept', async () => {
    const { records, d } = await both(
      event(UDR, 362, 3, T(1), {
        Message: 'Windows Hello for Business provisioning will not be launched.',
        DeviceIsJoined: 'Yes',
        AADPrt: 'Yes',
        NgcPolicyEnabled: 'No',
        NgcPostLogonProvisioningEnabled: 'Yes',
        NgcHardwarePolicyMet: 'Yes',
        UserIsRemote: 'No',
        LogonCertRequired: 'Yes',
        ADFSRaReady: 'No',
        RATemplateReady: 'No',
        ADFSPrtPresent: 'No',
        MachinePolicySource: 'GP',
        UseCloudTrust: 'No',
      }),
    );
    expect(records[0].data.UseCloudTrust).toBe('No');
    expect(d.findings.find((f: { id: string }) => f.id === 'whfb-prerequisites').cause).toMatch(
      /NgcPolicyEnabled/,
    );
  });

  it('1088: the WS-Trust error of a PRT attempt', async () => {
    const { d } = await both(
      event(AADAN, 1006, 4, T(1), {}) +
        event(AADOP, 1088, 2, T(2), {
          Error: 'InvalidScope',
          ErrorDescription: 'ID3082: The request scope is not valid or is unsupported.',
        }) +
        event(AADOP, 1084, 2, T(3), { Result: '-2147187519', Target: 'c' }) +
        event(AADAN, 1007, 4, T(4), { Status: '3221521601' }),
    );
    const f = d.findings[0];
    expect(f.codes[0].name).toBe('AAD_CLOUDAP_E_WSTRUST_SAML_TOKENS_ARE_EMPTY');
    expect(f.cause).toMatch(/WS-Trust: InvalidScope/);
  });

  it('1097 alone is never flagged; 1104 gives its code', async () => {
    const quiet = await both(
      event(AADOP, 1097, 3, T(1), {
        Error: '2326069467',
        ErrorMessage: 'The cache has been partitioned successfully.',
        AdditionalInformation: 'Logged at x',
      }),
    );
    expect(quiet.d.findings).toEqual([]);
    const { d } = await both(event(AADOP, 1104, 2, T(1), { API: 'Get token', Result: '3221225567' }));
    expect(d.findings[0].codes[0].name).toBe('STATUS_NO_SUCH_LOGON_SESSION');
  });
});
