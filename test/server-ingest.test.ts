// The ingest path without HTTP: a check-in body read (body.ts), diagnosed (diagnose.ts) and turned
// into what store_checkins takes (store.ts). Each input is sniffed once whatever the body (a zip's
// entries by its classification, which the diagnosis reuses), and the batch carries the inputs'
// values as bytes, each named by its place in them.
import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it, vi } from 'vitest';
import * as sniffModule from '../src/input/sniff.js';
import { parseCheckin } from '../src/server/body.js';
import { diagnoseCheckin } from '../src/server/diagnose.js';
import { batchInputs, getCheckinInputs } from '../src/server/store.js';
import { BACKENDS, freshDb, startFleet, stopPostgres } from './server-helpers.js';

vi.mock('../src/input/sniff.js', async (original) => {
  const real = await original<typeof import('../src/input/sniff.js')>();
  return { ...real, sniff: vi.fn(real.sniff) };
});

const SAMPLES = '../shared/samples/dsregcmd';
const NOT_SYNCED = 'examples/dsregcmd/join-fail-device-not-synced.txt';
const SCP_MISSING = `${SAMPLES}/003-domain-joined-ws2022-scp-missing-0x801c001d.txt`;
const JOIN_XML = 'examples/events/join-fail.wevtutil.xml';
const read = (p: string) => new Uint8Array(readFileSync(p));
const LIMITS = { maxBody: 5 << 20, maxInflated: 20 << 20 };
const EVTX = 'test/fixtures/evtx/aad-operational.evtx';
const sniffCalls = () => vi.mocked(sniffModule.sniff).mock.calls.map((c) => c[1]);

describe('a check-in is sniffed once per input', () => {
  it('zip: the entries the classification sniffed are not sniffed again by the diagnosis', async () => {
    const zip = zipSync({
      'a/status.txt': read(NOT_SYNCED),
      'a/events.xml': read(JOIN_XML),
      'b/status.txt': read(SCP_MISSING),
      'b/notes.txt': new TextEncoder().encode('nothing to see'),
    });
    vi.mocked(sniffModule.sniff).mockClear();
    const body = await parseCheckin('application/zip', zip, undefined, LIMITS);
    const devices = diagnoseCheckin(body.inputs, body.hints);
    expect(devices).toHaveLength(2);
    // Four entries, four sniffs (the notes are sniffed to be left out), none twice.
    const z = (name: string) => `checkin.zip/${name}`;
    expect(sniffCalls().sort()).toEqual(
      ['a/events.xml', 'a/status.txt', 'b/notes.txt', 'b/status.txt'].map(z),
    );
    expect(devices.map((d) => d.inputs.map((i) => i.name))).toEqual([
      [z('a/events.xml'), z('a/status.txt')],
      [z('b/status.txt')],
    ]);
  });

  it('plain text: sniffed once, by the diagnosis', async () => {
    vi.mocked(sniffModule.sniff).mockClear();
    const body = await parseCheckin('text/plain; charset=utf-8', read(NOT_SYNCED), 'PC-1', LIMITS);
    const [device] = diagnoseCheckin(body.inputs, body.hints);
    expect(device?.diagnosis.verdict).toBe('failed');
    expect(sniffCalls()).toEqual(['dsregcmd-status.txt']);
  });
});

describe('the batch store_checkins takes', () => {
  it('moves each diagnosis and input value into the bytes, in order, by UTF-8 byte offsets', () => {
    type Input = { name: string; text?: string; base64?: string; omitted?: string };
    const item = (key: string, diagnosis: unknown, inputs: Input[]) =>
      ({ key, diagnosis, inputs }) as unknown as Parameters<typeof batchInputs>[0][number];
    const { items, bytes } = batchInputs([
      item('a', { verdict: 'failed', note: 'É' }, [
        { name: 'status.txt', text: 'Device Name : PC-É1\r\n' },
        { name: 'empty.txt', text: '' },
      ]),
      item('b', { verdict: 'healthy' }, [
        { name: 'log.evtx', base64: 'RWxmRmlsZQ==' },
        { name: 'gone.evtx', omitted: 'not kept' },
      ]),
    ]);
    type Ref = { name: string; field: string; at: number; len: number };
    type Item = {
      key: string;
      diagnosis?: unknown;
      diagnosis_at: number;
      diagnosis_len: number;
      inputs: Ref[];
    };
    const list = items as Item[];
    const value = (at: number, len: number) => bytes.subarray(at, at + len).toString('utf8');
    // The diagnosis leaves the JSON for the bytes, as the JSON text the store keeps.
    expect(list.map((i) => i.diagnosis)).toEqual([undefined, undefined]);
    expect(list.map((i) => JSON.parse(value(i.diagnosis_at, i.diagnosis_len)))).toEqual([
      { verdict: 'failed', note: 'É' },
      { verdict: 'healthy' },
    ]);
    expect(list.map((i) => [i.key, i.inputs.map((r) => r.field)])).toEqual([
      ['a', ['text', 'text']],
      ['b', ['base64', 'omitted']],
    ]);
    const refs = list.flatMap((i) => i.inputs);
    expect(refs.map((r) => r.name)).toEqual(['status.txt', 'empty.txt', 'log.evtx', 'gone.evtx']);
    expect(refs.map((r) => value(r.at, r.len))).toEqual([
      'Device Name : PC-É1\r\n',
      '',
      'RWxmRmlsZQ==',
      'not kept',
    ]);
    // É takes two bytes: the offsets count bytes, not characters.
    const first = list[0]!;
    expect(refs[0]!.at).toBe(first.diagnosis_at + first.diagnosis_len);
    expect(first.diagnosis_len).toBe(Buffer.byteLength(JSON.stringify({ verdict: 'failed', note: 'É' })));
    const runs = [...list.map((i) => i.diagnosis_len), ...refs.map((r) => r.len)];
    expect(bytes.length).toBe(runs.reduce((n, len) => n + len, 0));
  });
});

afterAll(stopPostgres, 60_000);

describe.each(BACKENDS)('what a check-in keeps of its inputs, on %s', (backend) => {
  it('gives back the capture as its text and a binary event log as its base64, or why it was left out', async () => {
    const zip = zipSync({ 'pc/status.txt': read(NOT_SYNCED), 'pc/aad.evtx': read(EVTX) });
    for (const redactAtRest of [false, true]) {
      const d = await freshDb(backend);
      const s = await startFleet(await d.open(), { redactAtRest });
      const r = await s.checkin(zip, 'application/zip');
      expect(r.status).toBe(202);
      const a = (await r.json()) as { id: string; device: string };
      const page = (await (await s.admin(`/api/v1/devices/${encodeURIComponent(a.device)}`)).json()) as {
        diagnosis: { verdict: string; findings: { id: string }[] };
      };
      const body = await parseCheckin('application/zip', zip, undefined, LIMITS);
      const [core] = diagnoseCheckin(body.inputs, body.hints);
      expect(page.diagnosis).toEqual(JSON.parse(JSON.stringify(core!.diagnosis)));
      await s.stop();
      const db = await d.open();
      const kept = await getCheckinInputs(db, a.device, a.id);
      await db.close();
      d.cleanup();
      const byName = Object.fromEntries((kept ?? []).map((i) => [i.name, i]));
      const capture = byName['checkin.zip/pc/status.txt'];
      const log = byName['checkin.zip/pc/aad.evtx'];
      expect(Object.keys(byName).sort()).toEqual(['checkin.zip/pc/aad.evtx', 'checkin.zip/pc/status.txt']);
      if (redactAtRest) {
        expect(capture?.text).toMatch(/Device Name/);
        expect(log).toEqual({ name: 'checkin.zip/pc/aad.evtx', omitted: expect.stringMatching(/not kept/) });
      } else {
        expect(capture).toEqual({
          name: 'checkin.zip/pc/status.txt',
          text: readFileSync(NOT_SYNCED, 'utf8'),
        });
        expect(log).toEqual({
          name: 'checkin.zip/pc/aad.evtx',
          base64: readFileSync(EVTX).toString('base64'),
        });
      }
    }
  }, 120_000);
});
