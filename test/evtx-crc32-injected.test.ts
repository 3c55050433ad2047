// The CRC-32 handed to the reader (EvtxReadOptions.crc32; the CLI passes Node's zlib.crc32 through
// src/node/crc32.ts): it is the one the checksums are checked with, and the records, JSON lines and
// warnings are the same as with the reader's own, on every sample and on chunks damaged here.
import { readdirSync, readFileSync } from 'node:fs';
import { crc32 as zlibCrc32Fn } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../src/evtx/crc32.js';
import { bytesSource, type Crc32, type EvtxReadOptions, readEvtx, readEvtxJson } from '../src/evtx/index.js';
import type { ReadWarning } from '../src/evtx/record.js';
import { lazyCrc32, nodeCrc32, zlibCrc32 } from '../src/node/crc32.js';

const DIR = '../shared/samples/evtx';
const SAMPLES = readdirSync(DIR).filter((f) => f.endsWith('.evtx'));

function read(bytes: Uint8Array, options: EvtxReadOptions = {}) {
  const warnings: ReadWarning[] = [];
  const opts = { ...options, source: 'x.evtx', onWarning: (w: ReadWarning) => warnings.push(w) };
  const records = [...readEvtx(bytesSource(bytes), opts)];
  const lines = [...readEvtxJson(bytesSource(bytes), opts)];
  return { records, lines, warnings };
}

/** security.evtx with a byte of chunk 3's records and one of chunk 5's header changed. */
function damaged(): Uint8Array {
  const b = new Uint8Array(readFileSync(`${DIR}/security.evtx`));
  b[4096 + 3 * 65536 + 4000]! ^= 0x01; // inside a record of chunk 3: its records checksum
  b[4096 + 5 * 65536 + 100]! ^= 0x01; // unused header bytes of chunk 5: its header checksum
  return b;
}

describe('the injected CRC-32', () => {
  it('gives the same records, JSON lines and warnings as the reader’s own on every sample', () => {
    expect(SAMPLES.length).toBeGreaterThan(10);
    for (const name of SAMPLES) {
      const bytes = readFileSync(`${DIR}/${name}`);
      const own = read(bytes);
      expect(read(bytes, { crc32: nodeCrc32 }), name).toEqual(own);
      expect(read(bytes, { crc32: zlibCrc32Fn }), name).toEqual(own);
    }
  });

  it('finds the same damaged chunks, with the same computed checksums', () => {
    const bytes = damaged();
    const own = read(bytes);
    const checksums = own.warnings.filter((w) => w.code?.endsWith('checksum'));
    // Once for readEvtx, once for readEvtxJson.
    const once = [
      ['evtx-records-checksum', 3],
      ['evtx-chunk-checksum', 5],
    ];
    expect(checksums.map((w) => [w.code, w.chunk])).toEqual([...once, ...once]);
    expect(read(bytes, { crc32: nodeCrc32 })).toEqual(own);
    expect(read(bytes, { crc32: zlibCrc32Fn })).toEqual(own);
  });

  it('is the one the checksums are checked with, and is not called with checksums off', () => {
    const bytes = readFileSync(`${DIR}/system.evtx`);
    const calls: number[] = [];
    const counting: Crc32 = (b, value) => {
      calls.push(b.length);
      return zlibCrc32Fn(b, value);
    };
    expect(read(bytes, { crc32: counting }).warnings).toEqual([]);
    // The file header (once a pass), then each chunk's header in two pieces and its records.
    let chunks = 0;
    for (let o = 4096; o < bytes.length; o += 65536) if (bytes[o] === 0x45) chunks++; // "ElfChnk"
    expect(chunks).toBe(15); // and two blocks of zeros after them
    expect(calls.length).toBe(2 * (1 + 3 * chunks));
    expect(calls.slice(0, 4)).toEqual([120, 120, 384, calls[3]]);
    // A CRC-32 that is always wrong makes every checksum mismatch.
    const { warnings } = read(bytes, { crc32: () => 0 });
    const codes = warnings.filter((w) => w.chunk === undefined || w.chunk === 0).map((w) => w.code);
    expect(codes.slice(0, 3)).toEqual(['evtx-file-checksum', 'evtx-chunk-checksum', 'evtx-records-checksum']);
    calls.length = 0;
    read(bytes, { crc32: counting, checksums: false });
    expect(calls.length).toBe(2); // only the file header's
  });
});

describe('nodeCrc32', () => {
  const buf = new Uint8Array(5000);
  for (let i = 0; i < buf.length; i++) buf[i] = (Math.imul(i + 7, 2654435761) >>> 11) & 0xff;

  it('is the reader’s CRC-32, continued across pieces', () => {
    for (const [start, end] of [
      [0, 0],
      [0, 1],
      [3, 120],
      [1, 4999],
      [0, 5000],
    ] as const)
      expect(nodeCrc32(buf.subarray(start, end))).toBe(crc32(buf, start, end));
    expect(nodeCrc32(buf.subarray(1000, 5000), nodeCrc32(buf.subarray(0, 1000)))).toBe(crc32(buf, 0, 5000));
  });

  it('loads zlib on its first call only, and falls back to the reader’s own without zlib.crc32', () => {
    let loads = 0;
    const lazy = lazyCrc32(() => {
      loads++;
      return { crc32: zlibCrc32Fn };
    });
    expect(loads).toBe(0);
    expect(lazy(buf)).toBe(crc32(buf, 0, buf.length));
    expect(lazy(buf.subarray(9), 12345)).toBe(crc32(buf, 9, buf.length, 12345));
    expect(loads).toBe(1);
    // Node before 20.15 (no zlib.crc32) and before 20.16 (no process.getBuiltinModule).
    for (const lib of [{}, undefined, { crc32: 'not a function' }]) {
      expect(zlibCrc32(lib)).toBeUndefined();
      const fallback = lazyCrc32(() => lib);
      expect(fallback(buf)).toBe(crc32(buf, 0, buf.length));
      expect(fallback(buf.subarray(100), 99)).toBe(crc32(buf, 100, buf.length, 99));
    }
    expect(zlibCrc32({ crc32: zlibCrc32Fn })).toBe(zlibCrc32Fn);
  });
});
