// Every substitution value type and the template rules, on records built byte by byte: what the
// reader renders must be what Windows writes in an event's XML (event.schema.json).
import { describe, expect, it } from 'vitest';
import type { EventRecord, ReadWarning } from '../src/events/types.js';
import { bytesSource, readEvtx } from '../src/evtx/index.js';
import { type BinXmlWriter, ChunkBuilder, evtxFile, T, type Value, val } from './fixtures/evtx/builder.js';

function read(bytes: Uint8Array): { records: EventRecord[]; warnings: ReadWarning[] } {
  const warnings: ReadWarning[] = [];
  const records = [...readEvtx(bytesSource(bytes), { onWarning: (w) => warnings.push(w) })];
  return { records, warnings };
}

/** One record: <Event><System>...</System><EventData><Data Name=...>%i</Data>...</EventData></Event>. */
function eventWith(values: Array<[string, Value]>, opts: { optional?: boolean } = {}) {
  const chunk = new ChunkBuilder();
  chunk.record(7, 0n, (w) => {
    w.fragmentHeader();
    w.template(
      'event',
      (t) =>
        t.element('Event', [], (e) => {
          e.element('System', [], (s) => {
            s.element('Provider', [['Name', (a) => a.text('Test-Provider')]]);
            s.element('EventID', [], (x) => x.text('42'));
            s.element('Level', [], (x) => x.text('4'));
            s.element('TimeCreated', [['SystemTime', (a) => a.text('2024-01-02T03:04:05.0000000Z')]]);
            s.element('EventRecordID', [], (x) => x.text('7'));
          });
          e.element('EventData', [], (d) =>
            values.forEach(([name, v], i) => {
              d.element('Data', [['Name', (a) => a.text(name)]], (x) =>
                x.substitution(i, v.type, opts.optional),
              );
            }),
          );
        }),
      values.map(([, v]) => v),
    );
    w.eof();
  });
  return read(evtxFile([chunk.finish()]));
}

describe('value types render as Windows writes them', () => {
  it('renders numbers, strings, GUIDs, SIDs, times, hex and binary', () => {
    const { records, warnings } = eventWith([
      ['string', val.string('héllo <world> & "you"')],
      ['ansi', val.ansi('plain ansi')],
      ['int8', val.int8(-5)],
      ['uint8', val.uint8(250)],
      ['int16', val.int16(-300)],
      ['uint16', val.uint16(65535)],
      ['int32', val.int32(-895156196)],
      ['uint32', val.uint32(3399811100)],
      ['int64', val.int64(-9007199254740993n)],
      ['uint64', val.uint64(18446744073709551615n)],
      ['real32', val.real32(0.1)],
      ['real64', val.real64(-2.5)],
      ['bool', val.bool(1)],
      ['boolFalse', val.bool(0)],
      ['binary', val.binary([0xd9, 0x06, 0x00, 0x0a])],
      ['guid', val.guid('{4de9bc9c-b27a-43c9-8994-0915f1a5e24f}')],
      ['sizeT32', val.sizeT32(0x1f)],
      ['sizeT64', val.sizeT64(0x1234567890n)],
      ['filetime', val.time('2024-11-14T16:20:06.267Z', 8434n)],
      ['systime', val.systime([2017, 5, 5, 19, 2, 2, 36, 203])],
      ['sid', val.sid('S-1-5-21-186559946-3925841745-111227986-500')],
      ['hex32', val.hex32(0xcaa5001c)],
      ['hex64', val.hex64(0x391d2n)],
      ['hex64big', val.hex64(0x8000000000000000n)],
    ]);
    expect(warnings).toEqual([]);
    expect(records).toHaveLength(1);
    expect(records[0]!.data).toEqual({
      string: 'héllo <world> & "you"',
      ansi: 'plain ansi',
      int8: '-5',
      uint8: '250',
      int16: '-300',
      uint16: '65535',
      int32: '-895156196',
      uint32: '3399811100',
      int64: '-9007199254740993',
      uint64: '18446744073709551615',
      real32: '0.1',
      real64: '-2.5',
      bool: 'true',
      boolFalse: 'false',
      binary: 'D906000A',
      guid: '{4DE9BC9C-B27A-43C9-8994-0915F1A5E24F}',
      sizeT32: '0x1f',
      sizeT64: '0x1234567890',
      filetime: '2024-11-14T16:20:06.2678434Z',
      systime: '2017-05-02T02:36:02.203Z'.replace('05-02T02:36:02', '05-19T02:02:36'),
      sid: 'S-1-5-21-186559946-3925841745-111227986-500',
      hex32: '0xcaa5001c',
      hex64: '0x391d2',
      hex64big: '0x8000000000000000',
    });
  });

  it('treats any non-zero boolean as true (sample-with-irregular-bool-values has 16 and 65536)', () => {
    const { records } = eventWith([
      ['a', val.bool(16)],
      ['b', val.bool(65536)],
      ['c', val.bool(0)],
    ]);
    expect(records[0]!.data).toEqual({ a: 'true', b: 'true', c: 'false' });
  });

  it('cuts a sized string at its first NUL and keeps lone surrogates readable', () => {
    const { records } = eventWith([
      ['nul', val.raw(T.String, [0x41, 0, 0x42, 0, 0, 0, 0x43, 0])],
      ['surrogate', val.raw(T.String, [0x41, 0, 0x00, 0xd8, 0x42, 0])],
      ['empty', val.string('', false)],
    ]);
    expect(records[0]!.data).toEqual({ nul: 'AB', surrogate: 'A\ufffdB', empty: '' });
  });

  it('renders FILETIME 0 and the largest FILETIME without losing precision', () => {
    const { records } = eventWith([
      ['zero', val.filetime(0n)],
      ['max', val.filetime(0xffffffffffffffffn)],
    ]);
    expect(records[0]!.data.zero).toBe('1601-01-01T00:00:00.0000000Z');
    expect(records[0]!.data.max).toBe('60056-05-28T05:36:10.9551615Z');
  });

  it('renders a SID whose authority needs 48 bits in hex, as Windows does', () => {
    const { records } = eventWith([['sid', val.raw(T.Sid, [1, 1, 0x12, 0x34, 0, 0, 0, 1, 7, 0, 0, 0])]]);
    expect(records[0]!.data.sid).toBe('S-1-0x123400000001-7');
  });

  it('reports a value too small for its type and renders it empty', () => {
    const { records, warnings } = eventWith([
      ['short', val.raw(T.UInt32, [1, 2])],
      ['ok', val.uint8(3)],
    ]);
    expect(records[0]!.data).toEqual({ short: '', ok: '3' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/value 0 of type 0x8 has a size of 2 bytes/);
    expect(warnings[0]!.recordId).toBe(7);
  });
});

describe('template rules', () => {
  it('repeats the element of an array substitution once per item, numbering repeated keys', () => {
    const { records } = eventWith([
      ['Ports', val.array(T.UInt16, (w) => w.u16(80).u16(443).u16(8080))],
      ['Names', val.stringArray(['', 'Intel(R) 82574L'])],
      ['None', val.array(T.UInt32, () => {})],
      ['Guids', val.array(T.Guid, (w) => w.bytes(new Array(16).fill(0xab)))],
    ]);
    expect(records[0]!.data).toEqual({
      Ports: '80',
      'Ports#1': '443',
      'Ports#2': '8080',
      Names: '',
      'Names#1': 'Intel(R) 82574L',
      None: '',
      Guids: '{ABABABAB-ABAB-ABAB-ABAB-ABABABABABAB}',
    });
  });

  it('numbers unnamed Data elements #0, #1, ... and keeps Binary', () => {
    const chunk = new ChunkBuilder();
    chunk.record(1, 0n, (w) => {
      w.fragmentHeader();
      w.template(
        'classic',
        (t) =>
          t.element('Event', [], (e) => {
            e.element('System', [], (s) =>
              s.element('EventID', [['Qualifiers', (a) => a.text('16384')]], (x) => x.text('7036')),
            );
            e.element('EventData', [], (d) => {
              d.element('Data', [], (x) => x.substitution(0, T.String));
              d.element('Data', [], (x) => x.substitution(1, T.String));
              d.element('Binary', [], (x) => x.substitution(2, T.Binary));
            });
          }),
        [val.string('Windows Update'), val.string('running'), val.binary([0x72, 0x00])],
      );
      w.eof();
    });
    const { records } = read(evtxFile([chunk.finish()]));
    expect(records[0]!.eventId).toBe(7036);
    expect(records[0]!.data).toEqual({ '#0': 'Windows Update', '#1': 'running', Binary: '7200' });
  });

  it('drops an attribute whose optional substitution is NULL, keeps the element', () => {
    const chunk = new ChunkBuilder();
    chunk.record(1, 0n, (w) => {
      w.fragmentHeader();
      w.template(
        'opt',
        (t) =>
          t.element('Event', [], (e) =>
            e.element('UserData', [], (u) =>
              u.element('Info', [], (i) => {
                i.element('Correlation', [['ActivityID', (a) => a.substitution(0, T.Guid, true)]]);
                i.element('Value', [], (x) => x.substitution(1, T.String, true));
              }),
            ),
          ),
        [val.null(), val.null()],
      );
      w.eof();
    });
    const { records } = read(evtxFile([chunk.finish()]));
    expect(records[0]!.data).toEqual({ 'Info.Correlation': '', 'Info.Value': '' });
  });

  it('flattens UserData to dotted paths with attributes, entity and character references decoded', () => {
    const chunk = new ChunkBuilder();
    chunk.record(1, 0n, (w) => {
      w.fragmentHeader();
      w.template(
        'user',
        (t) =>
          t.element('Event', [], (e) =>
            e.element('UserData', [], (u) =>
              u.element('EventXML', [['xmlns', (a) => a.text('LoadPerf')]], (x) => {
                x.element('param1', [], (p) => p.substitution(0, T.String));
                x.element('URL', [['scheme', (a) => a.text('http')]], (p) => {
                  p.text('a');
                  p.entityRef('amp');
                  p.text('b');
                  p.charRef(0x3c);
                });
                x.element('Error', [['Code', (a) => a.entityRef('quot')]]);
                x.element('Header', [], (p) => p.text('one'));
                x.element('Header', [], (p) => p.cdata('two <raw>'));
              }),
            ),
          ),
        [val.string('WmiApRpl')],
      );
      w.eof();
    });
    const { records, warnings } = read(evtxFile([chunk.finish()]));
    expect(warnings).toEqual([]);
    expect(records[0]!.data).toEqual({
      'EventXML.param1': 'WmiApRpl',
      'EventXML.URL@scheme': 'http',
      'EventXML.URL': 'a&b<',
      'EventXML.Error@Code': '"',
      'EventXML.Error': '',
      'EventXML.Header': 'one',
      'EventXML.Header#1': 'two <raw>',
    });
  });

  it('splices Binary XML values, nested twice, where their substitution stands', () => {
    const inner = (w: BinXmlWriter) =>
      w
        .fragmentHeader()
        .template(
          'inner',
          (t) => t.element('Data', [['Name', (a) => a.text('Deep')]], (x) => x.substitution(0, T.String)),
          [val.string('value')],
        );
    const chunk = new ChunkBuilder();
    chunk.record(1, 0n, (w) => {
      w.fragmentHeader();
      w.template(
        'outer',
        (t) =>
          t.element('Event', [], (e) => e.element('EventData', [], (d) => d.substitution(0, T.BinXml, true))),
        [
          val.binxml((x) =>
            x
              .fragmentHeader()
              .template('middle', (t) => t.substitution(0, T.BinXml), [val.binxml((y) => inner(y).eof())]),
          ),
        ],
      );
      w.eof();
    });
    const { records, warnings } = read(evtxFile([chunk.finish()]));
    expect(warnings).toEqual([]);
    expect(records[0]!.data).toEqual({ Deep: 'value' });
  });

  it('reads elements written directly in the record, without templates (forwarded events)', () => {
    const chunk = new ChunkBuilder();
    chunk.record(3229, 0n, (w) => {
      w.fragmentHeader();
      w.element('Event', [], (e) => {
        e.element('System', [], (s) => {
          s.element('Provider', [['Name', (a) => a.text('MSExchange CmdletLogs')]]);
          s.element('EventID', [], (x) => x.text('1'));
          s.element('TimeCreated', [['SystemTime', (a) => a.text('2021-11-19T16:52:33.833733500Z')]]);
          s.element('EventRecordID', [], (x) => x.text('3229'));
        });
        e.element('EventData', [], (d) => {
          d.element('Data', [], (x) => x.text('Set-Mailbox'));
          d.element('Data');
        });
      });
      w.eof();
    });
    const { records } = read(evtxFile([chunk.finish()]));
    expect(records[0]).toMatchObject({
      recordId: 3229,
      provider: 'MSExchange CmdletLogs',
      time: '2021-11-19T16:52:33.833733500Z',
      data: { '#0': 'Set-Mailbox', '#1': '' },
    });
  });

  it('accepts an element start without a dependency identifier inside a template definition', () => {
    const chunk = new ChunkBuilder();
    chunk.record(1, 0n, (w) => {
      w.fragmentHeader();
      w.template(
        'nodep',
        (t) =>
          t.element(
            'Event',
            [],
            (e) =>
              e.element(
                'EventData',
                [],
                (d) => d.element('Data', [['Name', (a) => a.text('X')]], (x) => x.substitution(0, T.UInt8)),
                { dependencyId: false },
              ),
            { dependencyId: false },
          ),
        [val.uint8(9)],
      );
      w.eof();
    });
    const { records, warnings } = read(evtxFile([chunk.finish()]));
    expect(warnings).toEqual([]);
    expect(records[0]!.data).toEqual({ X: '9' });
  });

  it('uses the record header when the XML has no EventRecordID or TimeCreated', () => {
    const chunk = new ChunkBuilder();
    chunk.record(99, 133_000_000_000_000_000n, (w) => {
      w.fragmentHeader();
      w.element('Event', [], (e) =>
        e.element('System', [], (s) => s.element('Provider', [['Name', (a) => a.text('P')]])),
      );
      w.eof();
    });
    const { records } = read(evtxFile([chunk.finish()]));
    expect(records[0]).toEqual({
      recordId: 99,
      time: '2022-06-18T04:26:40.0000000Z',
      provider: 'P',
      eventId: 0,
      level: 0,
      data: {},
    });
  });

  it('reports a substitution past the end of the values and keeps the record', () => {
    const chunk = new ChunkBuilder();
    chunk.record(5, 0n, (w) => {
      w.fragmentHeader();
      w.template(
        'past',
        (t) =>
          t.element('Event', [], (e) =>
            e.element('EventData', [], (d) => {
              d.element('Data', [['Name', (a) => a.text('A')]], (x) => x.substitution(0, T.String));
              d.element('Data', [['Name', (a) => a.text('B')]], (x) => x.substitution(4, T.String));
            }),
          ),
        [val.string('a')],
      );
      w.eof();
    });
    const { records, warnings } = read(evtxFile([chunk.finish()]));
    expect(records[0]!.data).toEqual({ A: 'a', B: '' });
    expect(warnings.map((x) => x.message)).toEqual([
      expect.stringMatching(/substitution 4 refers past the 1 values/),
    ]);
  });
});
