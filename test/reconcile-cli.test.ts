// `dsreg-doctor reconcile` end to end on the fixture forest: every output format, the action
// lists, exit codes and one-line errors.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import * as formats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { memoryIO } from './helpers.js';

const DIR = 'test/fixtures/reconcile/';
const FILES = [
  `${DIR}ad-computers.ldif`,
  `${DIR}entra-mgdevice.json`,
  `${DIR}wks-left-logs`,
  `${DIR}diagnoses.jsonl`,
];
const NOW = ['--now', '2026-12-01T12:00:00Z'];

async function run(args: string[], files: Record<string, string | Uint8Array> = {}) {
  const m = memoryIO(files);
  const code = await main(['reconcile', ...args], m.io);
  return { code, out: m.out(), err: m.err() };
}

const addFormats = (formats as unknown as { default: (ajv: Ajv2020) => void }).default;
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema(JSON.parse(readFileSync('../shared/contract/diagnosis.schema.json', 'utf8')));
const validate = ajv.compile(JSON.parse(readFileSync('../shared/contract/reconcile.schema.json', 'utf8')));

describe('reconcile command', () => {
  it('prints JSON that holds to the contract, and exits 1 for the findings', async () => {
    const r = await run([...FILES, ...NOW, '--format', 'json']);
    expect(r.err).toBe(
      `dsreg-doctor reconcile: warning: ${DIR}ad-computers.ldif: 1 entry that is not a computer skipped\n`,
    );
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    expect(validate(json) ? '' : ajv.errorsText(validate.errors)).toBe('');
    expect(json.asOf).toBe('2026-12-01T12:00:00.000Z');
    expect(json.inputs.map((i: { kind: string; rows: number }) => [i.kind, i.rows])).toEqual([
      ['ad-computers', 15],
      ['entra-devices', 13],
      ['device-diagnosis', 1],
      ['device-diagnosis', 3],
    ]);
    // The log collection (a folder) is one device: WKS-LEFT, joined to an object that is gone.
    const left = json.devices.find((d: { name: string }) => d.name === 'WKS-LEFT');
    expect(left.states).toEqual(['not-synced', 'contradiction']);
    expect(left.diagnosis.joinType).toBe('hybrid');
  });
  it('reads a computer in two AD exports under two DNs as one device, and warns on standard error', async () => {
    const ad = readFileSync(`${DIR}ad-computers.csv`, 'utf8');
    const moved = ad.replace('CN=WKS-REG,OU=Workstations', 'CN=WKS-REG,OU=Moved');
    expect(moved).not.toBe(ad);
    const r = await run(
      [`${DIR}ad-computers.csv`, 'moved.csv', `${DIR}entra-graph.json`, ...NOW, '--format', 'json'],
      { 'moved.csv': moved },
    );
    expect(r.err).toBe(
      'dsreg-doctor reconcile: warning: moved.csv: line 2: CN=WKS-REG,OU=Moved,DC=corp,DC=fabrikam,DC=example has the objectGUID 6a1e0c3d-0001-4b2a-9c8d-7e6f5a4b3c01 of CN=WKS-REG,OU=Workstations,DC=corp,DC=fabrikam,DC=example (test/fixtures/reconcile/ad-computers.csv:2): one computer moved or renamed between the exports, read as one (the row with the later logon)\n',
    );
    const json = JSON.parse(r.out);
    expect(validate(json) ? '' : ajv.errorsText(validate.errors)).toBe('');
    const reg = json.devices.filter((d: { name: string }) => d.name === 'WKS-REG');
    expect(reg.map((d: { states: string[] }) => d.states)).toEqual([['registered']]);
    // Every other computer of the second export is the same one as in the first: no not-synced twin.
    expect(json.summary['not-synced']).toBe(7);
  });
  it('prints text within 80 columns with the summary table and the devices of each state', async () => {
    const r = await run([...FILES, ...NOW]);
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    expect(lines.filter((l) => l.length > 80)).toEqual([]);
    expect(r.out).toMatch(/^pending\s+1\s+synced, registration pending$/m);
    expect(r.out).toMatch(/^not-synced\s+7\s/m);
    expect(r.out).toMatch(/^PENDING \(1\)/m);
    expect(r.out).toMatch(/^ {4}WKS-PEND\s+6a1e0c3d-0002-4b2a-9c8d-7e6f5a4b3c02/m);
    expect(r.out).toContain('Reconciliation as of 2026-12-01T12:00:00.000Z');
  });
  it('prints one CSV row a device with its states', async () => {
    const r = await run([...FILES, ...NOW, '--format', 'csv']);
    const rows = r.out.trimEnd().split('\r\n');
    expect(rows[0]).toBe(
      'name,states,objectGuid,deviceId,entraObjectIds,trustType,matchedBy,lastSignIn,lastLogon,distinguishedName,findings,asOf',
    );
    expect(rows).toHaveLength(19);
    expect(rows.find((x) => x.startsWith('WKS-TWIN,'))).toMatch(/^WKS-TWIN,registered duplicate,/);
  });
  it('writes Markdown and a self-contained HTML page with a chart of states', async () => {
    const md = await run([...FILES, ...NOW, '--format', 'md']);
    expect(md.out).toMatch(/^\| pending \| 1 \| synced, registration pending \|$/m);
    const html = await run([...FILES, ...NOW, '--format', 'html']);
    expect(html.out).toContain("default-src 'none'");
    expect(html.out).toContain('<svg role="img" aria-label="Devices by state"');
    expect(html.out).not.toMatch(/<script|<link|src="http/);
    expect(html.out).toContain(
      '<a href="https://learn.microsoft.com/entra/identity/devices/manage-stale-devices">',
    );
  });
  it('writes one CSV per action with --lists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reconcile-lists-'));
    const r = await run([...FILES, ...NOW, '--lists', dir, '--format', 'json', '--out', join(dir, 'r.json')]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).schemaVersion).toBe(1);
    const read = (f: string) => readFileSync(join(dir, f), 'utf8').trimEnd().split('\r\n');
    expect(read('dns-to-check.csv')).toHaveLength(7);
    expect(read('dns-to-check.csv')[0]).toBe('distinguishedName,name,states,reason');
    expect(read('objectids-to-disable.csv').slice(1)).toEqual([
      expect.stringMatching(
        /^0b000012-5c4d-4e3f-8a2b-1c0d9e8f7a6b,6a1e0c3d-0012-4b2a-9c8d-7e6f5a4b3c12,WKS-TWIN,ServerAd,/,
      ),
    ]);
    expect(read('devices-to-leave.csv').slice(1)).toEqual([
      expect.stringMatching(/^WKS-LEFT,6a1e0c3d-0015-4b2a-9c8d-7e6f5a4b3c15,/),
    ]);
  });
  it('reads a zipped log collection as one device', async () => {
    const r = await run([
      `${DIR}ad-computers.csv`,
      'examples/bundles/authlogs-wks0417.zip',
      ...NOW,
      '--format',
      'json',
    ]);
    const json = JSON.parse(r.out);
    expect(json.inputs[1]).toEqual({
      source: 'examples/bundles/authlogs-wks0417.zip',
      kind: 'device-diagnosis',
      rows: 1,
      skipped: 0,
      warnings: [],
    });
    // WKS-0417 is in neither export: told so, with what its own diagnosis says.
    const device = json.devices.find((d: { diagnosis?: unknown }) => d.diagnosis);
    expect(device).toMatchObject({ name: 'WKS-0417', states: ['not-synced'] });
    expect(device.diagnosis).toMatchObject({ verdict: 'failed', joinType: 'domain-joined', phase: 'join' });
    expect(device.findings.map((f: { id: string }) => f.id)).toEqual(['device-not-in-exports']);
    expect(device.findings[0].cause).toMatch(
      /own diagnosis .*: failed in the join phase \(drs-public-key-not-found\)/,
    );
    expect(device.findings[0].evidence.map((e: { source: string }) => e.source)).toEqual([
      'examples/bundles/authlogs-wks0417.zip',
    ]);
  });
  it('reads an export from standard input', async () => {
    const r = await run(['-', `${DIR}entra-admin-center.csv`, ...NOW, '--format', 'json'], {
      '-': readFileSync(`${DIR}ad-computers.json`),
    });
    expect(JSON.parse(r.out).inputs[0]).toMatchObject({ source: '-', kind: 'ad-computers', rows: 15 });
  });
  it('exits 0 with --fail-on never, and with nothing to report', async () => {
    expect((await run([...FILES, ...NOW, '--fail-on', 'never', '--format', 'json'])).code).toBe(0);
    const one =
      'Name,ObjectGUID,OperatingSystem,whenCreated\nWKS-1,6a1e0c3d-0001-4b2a-9c8d-7e6f5a4b3c01,Windows 11,2026-12-01T11:00:00Z\n';
    const r = await run(['ad.csv', ...NOW, '--fail-on', 'warning'], { 'ad.csv': one });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/created too recently/);
  });
  it('says in one line what is wrong with an input, and exits 2', async () => {
    const r = await run([`${DIR}ad-computers.csv`, 'nope.csv']);
    expect(r).toMatchObject({ code: 2, out: '', err: 'dsreg-doctor reconcile: nope.csv: no such file\n' });
    const bad = await run(['x.csv'], { 'x.csv': 'Name,ObjectGUID\n"WKS-1,\n' });
    expect(bad).toMatchObject({
      code: 2,
      err: 'dsreg-doctor reconcile: x.csv: the file ends inside a quoted field\n',
    });
    const junk = await run(['junk.txt'], { 'junk.txt': 'hello world\n' });
    expect(junk.code).toBe(2);
    expect(junk.err.trimEnd().split('\n')).toHaveLength(1);
    expect(junk.err).toMatch(/^dsreg-doctor reconcile: junk\.txt: not an export reconcile reads/);
  });
  it('moves a device into stale with --stale-days and --now', async () => {
    const stale = async (args: string[]) => {
      const r = await run([`${DIR}ad-computers.csv`, `${DIR}entra-graph.json`, ...args, '--format', 'json']);
      const j = JSON.parse(r.out) as {
        asOf: string;
        staleDays: number;
        devices: { name: string; states: string[] }[];
      };
      return {
        asOf: j.asOf,
        staleDays: j.staleDays,
        names: j.devices.filter((d) => d.states.includes('stale')).map((d) => d.name),
      };
    };
    // WKS-OFF was last seen on 2026-11-20.
    expect(await stale([...NOW])).toEqual({
      asOf: '2026-12-01T12:00:00.000Z',
      staleDays: 90,
      names: ['WKS-OLD'],
    });
    expect(await stale([...NOW, '--stale-days', '21'])).toMatchObject({ staleDays: 21, names: ['WKS-OLD'] });
    expect(await stale(['--now', '2026-12-20T00:00:00Z', '--stale-days', '21'])).toEqual({
      asOf: '2026-12-20T00:00:00.000Z',
      staleDays: 21,
      names: expect.arrayContaining(['WKS-OFF', 'WKS-OLD']),
    });
  });
  it('refuses a staleness threshold under 21 days', async () => {
    const r = await run([`${DIR}ad-computers.csv`, '--stale-days', '14']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--stale-days.*at least|from 21 to 3650/);
  });
});
