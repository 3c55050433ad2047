// CRC-32 as RFC 1952 defines it (the zlib polynomial, initial value 0), which the file header and
// the chunks use. Slicing-by-8 tables, eight bytes a step read as two aligned 32-bit words (every
// chunk's records are checked, so this runs over nearly every byte of the file).

const TABLES = (() => {
  const t = new Int32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
})();

/** Whether this machine stores words little-endian, as the format does (every usual one does). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Continue a CRC-32 over `b[start, end)`; pass the previous result as `crc` (0 to begin). */
export function crc32(b: Uint8Array, start: number, end: number, crc = 0): number {
  const t = TABLES;
  let c = ~crc;
  let i = start;
  // Bytes up to a word boundary, then the aligned middle read as 32-bit words.
  for (; i < end && ((b.byteOffset + i) & 3) !== 0; i++) c = t[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  if (LITTLE_ENDIAN && end - i >= 8) {
    const w = new Int32Array(b.buffer, b.byteOffset + i, (end - i) >>> 2);
    const n = w.length & ~1;
    for (let k = 0; k < n; k += 2) {
      const lo = c ^ w[k]!;
      const hi = w[k + 1]!;
      c =
        t[1792 + (lo & 0xff)]! ^
        t[1536 + ((lo >>> 8) & 0xff)]! ^
        t[1280 + ((lo >>> 16) & 0xff)]! ^
        t[1024 + (lo >>> 24)]! ^
        t[768 + (hi & 0xff)]! ^
        t[512 + ((hi >>> 8) & 0xff)]! ^
        t[256 + ((hi >>> 16) & 0xff)]! ^
        t[hi >>> 24]!;
    }
    i += 4 * n;
  }
  for (; i < end; i++) c = t[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
