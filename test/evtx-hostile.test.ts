// Hostile and damaged input: the reader never throws, never loops, never allocates without bound,
// reads every record it can and names the damage (chunk, record, file offset) in a warning.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { EventRecord, ReadWarning } from '../src/events/types.js';
import { EventSink } from '../src/evtx/event.js';
import { type ByteSource, bytesSource, isEvtx, readEvtx } from '../src/evtx/index.js';
import { PlanReader } from '../src/evtx/plan.js';
import { MAX_ELEMENTS } from '../src/evtx/render.js';
import { ChunkBuilder, evtxFile, T, type Value, val } from './fixtures/evtx/builder.js';

function read(bytes: Uint8Array): { records: EventRecord[]; warnings: ReadWarning[] } {
  const warnings: ReadWarning[] = [];
  const records = [...readEvtx(bytesSource(bytes), { onWarning: (w) => warnings.push(w) })];
  return { records, warnings };
}

const security = new Uint8Array(readFileSync('../shared/samples/evtx/security.evtx'));
/** The file header and the first two chunks of security.evtx (91 + 86 records). */
const twoChunks = security.slice(0, 4096 + 2 * 65536);

/** A record holding one Data element whose value is `value`. */
function recordWith(chunk: ChunkBuilder, id: number, value: Value, type = value.type): void {
  chunk.record(id, 0n, (w) => {
    w.fragmentHeader();
    w.template(
      'one',
      (t) =>
        t.element('Event', [], (e) =>
          e.element('EventData', [], (d) =>
            d.element('Data', [['Name', (a) => a.text('V')]], (x) => x.substitution(0, type, true)),
          ),
        ),
      [value],
    );
    w.eof();
  });
}

describe('not an event log, or too little of one', () => {
  it('yields nothing from an empty file, with a warning', () => {
    const { records, warnings } = read(new Uint8Array(0));
    expect(records).toEqual([]);
    expect(warnings).toEqual([
      {
        code: 'evtx-file-too-short',
        message: 'file is too short for an event log file header (0 bytes)',
        offset: 0,
      },
    ]);
  });

  it('yields nothing from text, and isEvtx says no', () => {
    const text = new TextEncoder().encode('Device State\n  AzureAdJoined : YES\n'.repeat(200));
    expect(text.length).toBe(4096 + 2904);
    expect(isEvtx(text)).toBe(false);
    const { records, warnings } = read(text);
    expect(records).toEqual([]);
    expect(warnings.map((w) => w.message)).toEqual([
      'file header has no "ElfFile" signature: looking for chunks anyway',
      'chunk signature missing, and the chunk is cut short (2904 of 65536 bytes): scanning the chunk for records',
    ]);
  });

  it('reports a file that ends in its header', () => {
    const { records, warnings } = read(security.slice(0, 3000));
    expect(records).toEqual([]);
    expect(warnings).toEqual([
      { code: 'evtx-file-no-chunks', message: 'file ends before its first chunk', offset: 3000 },
    ]);
  });

  it('reads the records before a cut and names the chunk that is cut short', () => {
    const cut = 4096 + 65536 + 30000;
    const { records, warnings } = read(security.slice(0, cut));
    expect(records.length).toBeGreaterThan(91);
    expect(records.length).toBeLessThan(177);
    expect(records.slice(0, 91).map((r) => r.recordId)).toEqual(Array.from({ length: 91 }, (_, i) => i + 1));
    expect(warnings[0]).toMatchObject({
      code: 'evtx-chunk-cut-short',
      chunk: 1,
      message: 'chunk cut short (30000 of 65536 bytes)',
    });
  });

  it('survives a cut at every length around a chunk boundary and in the header', () => {
    for (const cut of [0, 1, 7, 8, 127, 128, 4095, 4096, 4097, 4096 + 511, 4096 + 512, 4096 + 513]) {
      expect(() => read(security.slice(0, cut))).not.toThrow();
    }
    for (let cut = 4096 + 512; cut < 4096 + 65536; cut += 997) {
      const { records } = read(twoChunks.slice(0, cut));
      for (const r of records) expect(r.recordId).toBeLessThanOrEqual(91);
    }
  });
});

describe('damaged records', () => {
  it('skips a record with an impossible size and recovers the next one', () => {
    const bytes = twoChunks.slice();
    const dv = new DataView(bytes.buffer);
    const second = 4096 + 512 + dv.getUint32(4096 + 512 + 4, true); // record 2
    dv.setUint32(second + 4, 0xffffffff, true);
    const { records, warnings } = read(bytes);
    expect(records.map((r) => r.recordId).slice(0, 3)).toEqual([1, 3, 4]);
    expect(records).toHaveLength(176);
    expect(warnings).toContainEqual({
      code: 'evtx-record-header',
      message: expect.stringMatching(
        /^impossible record size \(4294967295\): skipped to the next record, at offset \d+$/,
      ),
      chunk: 0,
      offset: second,
      recordId: 2,
    });
  });

  it('reports a bit flip inside a record and keeps every other record', () => {
    const bytes = twoChunks.slice();
    // Break record 1's template: the first token after its fragment header becomes unknown.
    const at = 4096 + 512 + 24 + 4;
    expect(bytes[at]).toBe(0x0c);
    bytes[at] = 0x1c;
    const { records, warnings } = read(bytes);
    expect(records).toHaveLength(176);
    expect(records[0]!.recordId).toBe(2);
    expect(warnings).toContainEqual(
      expect.objectContaining({
        chunk: 0,
        recordId: 1,
        offset: 4096 + 512,
        message: `record cannot be read: unknown binary XML token 0x1c (at offset ${at}); skipped`,
      }),
    );
  });

  it('never throws on thousands of bit-flipped and byte-smashed variants', () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let i = 0; i < 400; i++) {
      const bytes = twoChunks.slice();
      for (let k = 0; k < 1 + rand(24); k++) {
        const p = 4096 + rand(2 * 65536);
        if (rand(2)) bytes[p] = bytes[p]! ^ (1 << rand(8));
        else bytes[p] = [0, 0xff, 0x01, 0x0c, 0x21, 0x41][rand(6)]!;
      }
      const { records } = read(bytes);
      for (const r of records) expect(typeof r.recordId).toBe('number');
    }
  });
});

describe('records made to expand without bound', () => {
  it('rejects Binary XML values nested beyond the limit', () => {
    const nest = (n: number): Value =>
      val.binxml((x) =>
        x
          .fragmentHeader()
          .template('level', (t) => t.element('L', [], (c) => c.substitution(0, T.BinXml, true)), [
            n > 0 ? nest(n - 1) : val.null(),
          ])
          .eof(),
      );
    const chunk = new ChunkBuilder();
    recordWith(chunk, 1, nest(40));
    recordWith(chunk, 2, val.string('fine'), T.String);
    const { records, warnings } = read(evtxFile([chunk.finish()]));
    expect(records.map((r) => [r.recordId, r.data.V])).toEqual([[2, 'fine']]);
    expect(warnings).toEqual([
      expect.objectContaining({ chunk: 0, recordId: 1, message: expect.stringMatching(/nested too deeply/) }),
    ]);
  });

  // The work is counted, not timed: the elements the generic expansion opens and the streams the
  // plans run stay within the budget (the timeout only catches a hang).
  it('stops a template that expands exponentially (a billion elements) at the element budget', {
    timeout: 60_000,
  }, () => {
    // Each level's template repeats its one Binary XML value 400 times: 400^3 elements.
    const level = (n: number): Value =>
      val.binxml((x) =>
        x
          .fragmentHeader()
          .template(
            `fan${n}`,
            (t) =>
              t.element('F', [], (c) => {
                for (let i = 0; i < 400; i++) c.substitution(0, T.BinXml, true);
              }),
            [n > 0 ? level(n - 1) : val.string('leaf')],
          )
          .eof(),
      );
    const chunk = new ChunkBuilder();
    recordWith(chunk, 1, level(3));
    const opened = vi.spyOn(EventSink.prototype, 'open');
    const streams = vi.spyOn(PlanReader.prototype as unknown as { stream(): boolean }, 'stream');
    const { records, warnings } = read(evtxFile([chunk.finish()]));
    const work = [opened.mock.calls.length, streams.mock.calls.length];
    vi.restoreAllMocks();
    // Both paths did try the record (the plans first, then the generic expansion) and both stopped
    // at a budget (of elements or of characters: 400 leaves of text per element reach the latter).
    expect(work[0]).toBeGreaterThan(1000);
    expect(work[1]).toBeGreaterThan(1000);
    expect(work[0]).toBeLessThanOrEqual(MAX_ELEMENTS + 1);
    expect(work[1]).toBeLessThanOrEqual(MAX_ELEMENTS + 1);
    expect(records).toEqual([]);
    expect(warnings[0]!.message).toMatch(
      /^record cannot be read: record expands to more than \d+ (elements|characters)/,
    );
  });

  it('rejects elements nested hundreds deep without exhausting the stack', () => {
    const chunk = new ChunkBuilder();
    chunk.record(1, 0n, (w) => {
      w.fragmentHeader();
      const deep = (n: number): void => {
        if (n === 0) return;
        w.element('a', [], () => deep(n - 1));
      };
      deep(600);
      w.eof();
    });
    const { records, warnings } = read(evtxFile([chunk.finish()]));
    expect(records).toEqual([]);
    expect(warnings[0]!.message).toMatch(/elements are nested too deeply/);
  });
});

describe('records and chunks that point where they should not', () => {
  it('reports names, templates and values that point outside the chunk', () => {
    const chunk = new ChunkBuilder();
    // A name offset past the end of the chunk.
    chunk.record(1, 0n, (w) => w.fragmentHeader().u8(0x01).u32(0).u32(0x7fff0000).u8(0x03).eof());
    // A template definition offset into the chunk header.
    chunk.record(2, 0n, (w) => w.fragmentHeader().u8(0x0c).u8(1).u32(1).u32(100).u32(0).eof());
    // A template instance claiming 2^31 values.
    chunk.record(3, 0n, (w) => {
      w.fragmentHeader();
      w.template('t', (t) => t.element('E'), []);
      w.patch32(w.pos - 4, 0x80000000);
      w.eof();
    });
    const { records, warnings } = read(evtxFile([chunk.finish()]));
    expect(records).toEqual([]);
    expect(warnings.map((w) => [w.recordId, w.message.replace(/ \(at offset \d+\); skipped$/, '')])).toEqual([
      [1, 'record cannot be read: name offset 0x7fff0000 is outside the chunk'],
      [2, 'record cannot be read: template definition offset 0x64 is outside the chunk'],
      [3, 'record cannot be read: template instance claims 2147483648 values, more than the record holds'],
    ]);
  });

  it('bounds the template definitions one chunk may parse', () => {
    const chunk = new ChunkBuilder();
    const defs: number[] = [];
    // Record 1 ends its XML at once; after that, 20 definition headers each claiming 60,000 bytes.
    chunk.record(1, 0n, (w) => {
      w.fragmentHeader().eof();
      for (let i = 0; i < 20; i++) {
        defs.push(w.pos);
        w.u32(0).bytes(new Array(16).fill(i)).u32(60_000).eof();
      }
    });
    defs.forEach((def, i) => {
      chunk.record(2 + i, 0n, (w) => w.fragmentHeader().u8(0x0c).u8(1).u32(i).u32(def).u32(0).eof());
    });
    const { records, warnings } = read(evtxFile([chunk.finish()]));
    expect(records.map((r) => r.recordId)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    expect(warnings.map((w) => w.recordId)).toEqual([19, 20, 21]);
    expect(warnings[0]!.message).toMatch(
      /^record cannot be read: the chunk's template definitions add up to more than 1048576 bytes/,
    );
  });

  it('reports the first ten faults of one record, then says there are more', () => {
    const chunk = new ChunkBuilder();
    chunk.record(1, 0n, (w) => {
      w.fragmentHeader();
      w.template(
        'many',
        (t) =>
          t.element('Event', [], (e) =>
            e.element('EventData', [], (d) => {
              for (let i = 0; i < 30; i++) d.element('Data', [], (x) => x.substitution(100 + i, T.String));
            }),
          ),
        [],
      );
      w.eof();
    });
    const { records, warnings } = read(evtxFile([chunk.finish()]));
    expect(Object.keys(records[0]!.data)).toHaveLength(30);
    expect(warnings).toHaveLength(11);
    expect(warnings[10]!.message).toBe('more problems in this record are not reported one by one');
    expect(warnings.slice(0, 10).every((w) => w.code === 'evtx-value-missing')).toBe(true);
    expect(warnings[10]!.code).toBe('evtx-record-more-problems');
  });

  it('does not loop on a template instance that points at itself', () => {
    const chunk = new ChunkBuilder();
    chunk.record(1, 0n, (w) => {
      w.fragmentHeader();
      const at = w.pos;
      w.u8(0x0c).u8(1).u32(1).u32(at).u32(0).eof();
    });
    const { records } = read(evtxFile([chunk.finish()]));
    // The bytes at the offset read as an empty definition: the point is that it ends.
    expect(records.length).toBeLessThanOrEqual(1);
  });
});

describe('chunks with impossible fields or stale copies', () => {
  it('reads up to the end of a chunk whose free space offset is impossible', () => {
    const bytes = twoChunks.slice();
    new DataView(bytes.buffer).setUint32(4096 + 48, 0x12345678, true);
    const { records, warnings } = read(bytes);
    expect(records).toHaveLength(177);
    expect(warnings[0]).toMatchObject({ code: 'evtx-chunk-free-space', chunk: 0, offset: 4096 + 48 });
    expect(warnings[0]!.message).toMatch(/impossible free space offset/);
  });

  it('drops a stale copy of a record found again in the same chunk', () => {
    const chunk = new ChunkBuilder();
    recordWith(chunk, 10, val.string('first'), T.String);
    recordWith(chunk, 10, val.string('again'), T.String);
    recordWith(chunk, 11, val.string('next'), T.String);
    const { records, warnings } = read(evtxFile([chunk.finish()]));
    expect(records.map((r) => r.data.V)).toEqual(['first', 'next']);
    expect(warnings[0]).toMatchObject({
      code: 'evtx-record-copy',
      recordId: 10,
      message: 'second copy of a record already read in this chunk: skipped',
    });
  });

  it('types every warning with a code and the file offset, as the Rust crate types its errors', () => {
    const codes = new Set<string>();
    // Damage of each kind: header, chunk header, record headers and record contents.
    const bytes = twoChunks.slice();
    const view = new DataView(bytes.buffer);
    view.setUint32(124, 0, true); // file header checksum
    view.setUint32(4096 + 124, 0, true); // chunk header checksum
    for (let at = 4096 + 65536 + 600; at < 4096 + 65536 + 20000; at += 997) bytes[at] = bytes[at]! ^ 0x5a;
    const { warnings } = read(bytes);
    for (const w of warnings) {
      expect(w.code).toMatch(/^evtx-[a-z]+(-[a-z]+)*$/);
      expect(typeof w.offset).toBe('number');
      expect(w.offset!).toBeLessThan(bytes.length);
      codes.add(w.code!);
    }
    expect(codes).toContain('evtx-file-checksum');
    expect(codes).toContain('evtx-chunk-checksum');
    expect(codes).toContain('evtx-records-checksum');
    expect(codes).toContain('evtx-record-unreadable');
    expect(read(new Uint8Array(100)).warnings.map((w) => w.code)).toEqual(['evtx-file-too-short']);
  });
});

describe('streaming', () => {
  /** A ByteSource that records what the reader asks for. */
  function counting(bytes: Uint8Array): ByteSource & { reads: Array<[number, number]> } {
    const reads: Array<[number, number]> = [];
    return {
      size: bytes.length,
      reads,
      read(offset, length) {
        reads.push([offset, length]);
        return bytes.subarray(offset, offset + length);
      },
    };
  }

  it('reads one chunk at a time and stops reading when the caller stops', () => {
    const source = counting(security);
    for (const r of readEvtx(source)) {
      expect(r.recordId).toBe(1);
      break;
    }
    expect(source.reads).toEqual([
      [0, 128],
      [4096, 65536],
    ]);
  });

  it('never asks for more than one chunk at once over a whole file', () => {
    const source = counting(security);
    let n = 0;
    for (const _ of readEvtx(source)) n++;
    expect(n).toBe(2261);
    expect(Math.max(...source.reads.map(([, length]) => length))).toBe(65536);
    expect(source.reads).toHaveLength(1 + (security.length - 4096) / 65536);
  });

  it('stops between chunks when its signal is aborted', () => {
    const controller = new AbortController();
    let n = 0;
    for (const r of readEvtx(bytesSource(security), { signal: controller.signal })) {
      n++;
      if (r.recordId === 5) controller.abort();
    }
    expect(n).toBe(91); // the rest of the first chunk, then no more
  });
});
