// CRC-32 as RFC 1952 defines it (the zlib polynomial, initial value 0), which the file header and
// the chunks use. Slicing-by-16 tables, sixteen bytes a step read as four aligned 32-bit words
// (every chunk's records are checked, so this runs over nearly every byte of the file; sixteen
// bytes a step take about three quarters of the time of eight). A faster one can be handed to the
// reader (EvtxReadOptions.crc32: Node's zlib.crc32, at the Node edge); this one is the fallback.

/**
 * A CRC-32 of all of `bytes` (RFC 1952, as zlib computes it), continued from `value` (the result
 * over the bytes before; 0 or absent to begin): the signature of Node's zlib.crc32.
 */
export type Crc32 = (bytes: Uint8Array, value?: number) => number;

/** Table k holds the CRC of each byte followed by k zero bytes; made on first use. */
let TABLES: Int32Array | null = null;
function tables(): Int32Array {
  const t = new Int32Array(256 * 16);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 16; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  TABLES = t;
  LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
  return t;
}

/** Whether this machine stores words little-endian, as the format does (every usual one does); set with TABLES. */
let LITTLE_ENDIAN = true;

/** Continue a CRC-32 over `b[start, end)`; pass the previous result as `crc` (0 to begin). */
export function crc32(b: Uint8Array, start: number, end: number, crc = 0): number {
  const t = TABLES ?? tables();
  let c = ~crc;
  let i = start;
  // Bytes up to a word boundary, then the aligned middle read as 32-bit words.
  for (; i < end && ((b.byteOffset + i) & 3) !== 0; i++) c = t[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  if (LITTLE_ENDIAN && end - i >= 16) {
    const w = new Int32Array(b.buffer, b.byteOffset + i, (end - i) >>> 2);
    const n = w.length & ~3;
    // The byte at place j of the sixteen goes through table 15 - j.
    for (let k = 0; k < n; k += 4) {
      const w0 = c ^ w[k]!;
      const w1 = w[k + 1]!;
      const w2 = w[k + 2]!;
      const w3 = w[k + 3]!;
      c =
        t[3840 + (w0 & 0xff)]! ^
        t[3584 + ((w0 >>> 8) & 0xff)]! ^
        t[3328 + ((w0 >>> 16) & 0xff)]! ^
        t[3072 + (w0 >>> 24)]! ^
        t[2816 + (w1 & 0xff)]! ^
        t[2560 + ((w1 >>> 8) & 0xff)]! ^
        t[2304 + ((w1 >>> 16) & 0xff)]! ^
        t[2048 + (w1 >>> 24)]! ^
        t[1792 + (w2 & 0xff)]! ^
        t[1536 + ((w2 >>> 8) & 0xff)]! ^
        t[1280 + ((w2 >>> 16) & 0xff)]! ^
        t[1024 + (w2 >>> 24)]! ^
        t[768 + (w3 & 0xff)]! ^
        t[512 + ((w3 >>> 8) & 0xff)]! ^
        t[256 + ((w3 >>> 16) & 0xff)]! ^
        t[w3 >>> 24]!;
    }
    i += 4 * n;
  }
  for (; i < end; i++) c = t[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** The CRC-32 of `b[start, end)` continued from `crc`, by `fn` when given, else by crc32 above. */
export function crc32With(fn: Crc32 | undefined, b: Uint8Array, start: number, end: number, crc = 0): number {
  return fn === undefined ? crc32(b, start, end, crc) : fn(b.subarray(start, end), crc) >>> 0;
}
