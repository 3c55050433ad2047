// The chunk checksums' CRC-32 (src/evtx/crc32.ts, sixteen bytes a step over aligned words) against
// zlib's, at every alignment and length around the step, continued across pieces, and on views
// that do not start at their buffer's first byte.
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../src/evtx/crc32.js';

const buf = new Uint8Array(4096 + 64);
for (let i = 0; i < buf.length; i++) buf[i] = (Math.imul(i + 1, 2654435761) >>> 13) & 0xff;

describe('crc32', () => {
  it('is zlib CRC-32 at every start and length around the sixteen-byte step', () => {
    for (let start = 0; start < 20; start++)
      for (let len = 0; len < 70; len++)
        expect(crc32(buf, start, start + len), `${start} + ${len}`).toBe(
          zlibCrc32(buf.subarray(start, start + len)),
        );
  });

  it('is zlib CRC-32 over a whole chunk, in pieces and on an offset view', () => {
    expect(crc32(buf, 0, 4096)).toBe(zlibCrc32(buf.subarray(0, 4096)));
    expect(crc32(buf, 1000, 4096, crc32(buf, 3, 1000))).toBe(zlibCrc32(buf.subarray(3, 4096)));
    const view = buf.subarray(5, 4101);
    expect(crc32(view, 0, view.length)).toBe(zlibCrc32(view));
    expect(crc32(view, 7, 3003)).toBe(zlibCrc32(view.subarray(7, 3003)));
  });
});
