// readEvtxJson against what it stands in for, JSON.stringify of readEvtx's records: the same text
// byte for byte and the same warnings, on every public sample, our fixtures, damaged copies, and
// records made to reach each case of the writer (keys JSON.stringify would reorder or an object
// would not keep, values to escape, payloads that are not <Data>), and the text really written
// from the plans on the common records.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReadWarning } from '../src/events/types.js';
import { bytesSource, readEvtx, readEvtxJson } from '../src/evtx/index.js';
import { PlanReader } from '../src/evtx/plan.js';
import { damagedCopy, EVTX_FILES, mulberry32 } from './evtx-helpers.js';
import { ChunkBuilder, eventRecord, evtxFile, T, type Value, val } from './fixtures/evtx/builder.js';

interface Read {
  lines: string[];
  warnings: ReadWarning[];
}

function both(bytes: Uint8Array, source?: string): { stringified: Read; direct: Read } {
  const run = (json: boolean): Read => {
    const warnings: ReadWarning[] = [];
    const options = { source, onWarning: (w: ReadWarning) => warnings.push(w) };
    const lines = json
      ? [...readEvtxJson(bytesSource(bytes), options)]
      : [...readEvtx(bytesSource(bytes), options)].map((r) => JSON.stringify(r));
    return { lines, warnings };
  };
  return { stringified: run(false), direct: run(true) };
}

/** A manifest event (System template, then EventData as a Binary XML value) with these data values. */
function manifestEvent(chunk: ChunkBuilder, recordId: number, dataKey: string, data: Array<[string, Value]>) {
  eventRecord(chunk, {
    provider: 'Microsoft-Windows-User Device Registration',
    guid: '{23b8d46b-67dd-40a3-b636-d43e50552c6d}',
    channel: 'Microsoft-Windows-User Device Registration/Admin',
    computer: 'pc-01.corp.example',
    eventId: 304,
    level: 2,
    keywords: 0x8000000000000000n,
    time: '2026-11-20T09:13:58.1234567Z',
    recordId,
    dataKey,
    data,
  });
}

/** A record whose one template puts `body` in <Event>, with these values. */
function plainRecord(
  chunk: ChunkBuilder,
  id: number,
  body: Parameters<ChunkBuilder['record']>[2] extends (w: infer W) => void ? (w: W) => void : never,
  values: Value[],
  key: string,
) {
  chunk.record(id, 0n, (w) => {
    w.fragmentHeader();
    w.template(key, (t) => t.element('Event', [], body), values);
    w.eof();
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('readEvtxJson', () => {
  it.each(EVTX_FILES)('writes %s as JSON.stringify writes its records', (file) => {
    const bytes = readFileSync(file);
    const { stringified, direct } = both(bytes, file);
    expect(direct.lines.length).toBeGreaterThan(0);
    expect(direct).toEqual(stringified);
    // And without a source name (no "source" key).
    const bare = both(bytes);
    expect(bare.direct).toEqual(bare.stringified);
  });

  it('agrees with JSON.stringify on 150 damaged copies', () => {
    const next = mulberry32(20261202);
    let warned = 0;
    for (let i = 0; i < 150; i++) {
      const b = damagedCopy(next);
      const { stringified, direct } = both(b, 'damaged.evtx');
      expect(direct).toEqual(stringified);
      if (direct.warnings.length > 0) warned++;
    }
    expect(warned).toBeGreaterThan(20);
  });

  it('writes the data of the common records from the plans, without JSON.stringify', () => {
    const spy = vi.spyOn(PlanReader.prototype, 'readJson');
    const stringify = vi.spyOn(JSON, 'stringify');
    const lines = [...readEvtxJson(bytesSource(readFileSync('../shared/samples/evtx/security.evtx')))];
    const fast = spy.mock.results.filter((r) => r.type === 'return' && r.value !== null).length;
    expect(lines.length).toBe(2261);
    expect(fast).toBeGreaterThan(0.9 * lines.length);
    // JSON.stringify is left for the strings that need escaping and for the few records (or data
    // maps) the plans do not write: no record object is built and stringified for the others.
    const objects = stringify.mock.calls.filter(([value]) => typeof value !== 'string').length;
    expect(objects).toBeLessThan(0.1 * lines.length);
  });
});

describe('readEvtxJson on records made for each case of the writer', () => {
  it('escapes quotes, backslashes, control characters and lone surrogates as JSON.stringify does', () => {
    const chunk = new ChunkBuilder();
    const long = `C:\\Program Files\\${'x'.repeat(80)}\\"quoted"`;
    manifestEvent(chunk, 1, 'escapes', [
      ['Path', val.string('C:\\Windows\\System32\\dsreg.dll')],
      ['Quote', val.string('say "hi"')],
      ['Controls', val.string('tab\there\r\nnew line\u0001')],
      ['Lone', val.raw(T.String, [0x41, 0x00, 0x00, 0xd8, 0x42, 0x00])],
      ['Long', val.string(long)],
      ['Ansi', val.ansi('ansi "quoted" \\ value')],
      // ANSI strings: the bytes tell what JSON escapes (Windows-1252 makes 0x80-0x9f no control).
      ['AnsiControls', val.ansi('a\tb\u0001c')],
      ['AnsiHigh', val.raw(T.AnsiString, [0x80, 0x81, 0x9f, 0xa0, 0xff, 0x41, 0x00])],
      ['AnsiLong', val.ansi(`"${'y'.repeat(100)}\\`)],
      ['AnsiLongPlain', val.ansi('z'.repeat(100))],
      ['Plain', val.string('nothing to escape')],
    ]);
    // Constant text in a template: a character reference to a lone surrogate, and a quote.
    plainRecord(
      chunk,
      2,
      (e) =>
        e.element('EventData', [], (d) =>
          d.element('Data', [['Name', (a) => a.text('K"ey')]], (x) => x.text('a"b').charRef(0xdc00)),
        ),
      [],
      'constants',
    );
    const { stringified, direct } = both(evtxFile([chunk.finish()]), 'C:\\logs\\"x".evtx');
    expect(direct).toEqual(stringified);
    const first = JSON.parse(direct.lines[0]!);
    expect(first.data).toEqual({
      Path: 'C:\\Windows\\System32\\dsreg.dll',
      Quote: 'say "hi"',
      Controls: 'tab\there\r\nnew line\u0001',
      Lone: 'A\ufffdB',
      Long: long,
      Ansi: 'ansi "quoted" \\ value',
      AnsiControls: 'a\tb\u0001c',
      // 0x80-0x9f as code page 1252 (0x81, which it leaves undefined, as U+0081, as Windows shows it).
      AnsiHigh: '\u20ac\u0081\u0178\u00a0\u00ffA',
      AnsiLong: `"${'y'.repeat(100)}\\`,
      AnsiLongPlain: 'z'.repeat(100),
      Plain: 'nothing to escape',
    });
    expect(direct.lines[1]).toContain('"K\\"ey":"a\\"b\\udc00"');
  });

  it('keeps the order and the keys JSON.stringify gives: array indexes, repeats, Object property names', () => {
    const chunk = new ChunkBuilder();
    manifestEvent(chunk, 1, 'indexes', [
      ['b', val.string('first')],
      ['1', val.string('index one')],
      ['0', val.string('index zero')],
      ['4294967295', val.string('not an index')],
    ]);
    manifestEvent(chunk, 2, 'repeats', [
      ['A', val.string('1')],
      ['A', val.string('2')],
      ['', val.string('unnamed')],
      ['#0', val.string('named like an unnamed one')],
    ]);
    manifestEvent(chunk, 3, 'proto', [
      ['__proto__', val.string('p')],
      ['constructor', val.string('c')],
      ['toString', val.string('t')],
    ]);
    const { stringified, direct } = both(evtxFile([chunk.finish()]));
    expect(direct).toEqual(stringified);
    expect(direct.lines[0]).toContain('"data":{"0":"index zero","1":"index one","b":"first","4294967295"');
    expect(JSON.parse(direct.lines[1]!).data).toEqual({
      A: '1',
      'A#1': '2',
      '#0': 'unnamed',
      '#0#1': 'named like an unnamed one',
    });
    expect(direct.lines[2]).toContain('"data":{"__proto__":"p","constructor":"c","toString":"t"}');
  });

  it('writes UserData, other payloads and a dynamic Data name as JSON.stringify does', () => {
    const chunk = new ChunkBuilder();
    plainRecord(
      chunk,
      1,
      (e) =>
        e.element('UserData', [], (u) =>
          u.element('EventXML', [['xmlns', (a) => a.text('urn:x')]], (x) => {
            x.element('param1', [], (p) => p.substitution(0, T.String, true));
            x.element('param2', [['Kind', (a) => a.substitution(1, T.UInt32, true)]]);
          }),
        ),
      [val.string('user "data"'), val.uint32(7)],
      'userdata',
    );
    plainRecord(
      chunk,
      2,
      (e) =>
        e.element('EventData', [], (d) => {
          d.element('Data', [['Name', (a) => a.substitution(0, T.String, true)]], (x) =>
            x.substitution(1, T.String, true),
          );
          d.element('Binary', [], (x) => x.substitution(2, T.Binary, true));
        }),
      [val.string('FromValue'), val.string('v'), val.binary([0xde, 0xad])],
      'dynamic',
    );
    const { stringified, direct } = both(evtxFile([chunk.finish()]));
    expect(direct).toEqual(stringified);
    expect(JSON.parse(direct.lines[0]!).data).toEqual({
      'EventXML.param1': 'user "data"',
      'EventXML.param2@Kind': '7',
      'EventXML.param2': '',
    });
    expect(JSON.parse(direct.lines[1]!).data).toEqual({ FromValue: 'v', Binary: 'DEAD' });
  });
});
