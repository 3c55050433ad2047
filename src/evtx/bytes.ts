// Little-endian reads over a Uint8Array. Callers check bounds first (binxml.ts `need`, the size
// checks in chunk.ts); these helpers do not, because they sit on the hot path of every record.

export function u16(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}

export function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + b[o + 3]! * 0x1000000;
}

export function i32(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);
}

/** An unsigned 64-bit value as a number when it is exact (below 2^53), otherwise as a bigint. */
export function u64(b: Uint8Array, o: number): number | bigint {
  const lo = u32(b, o);
  const hi = u32(b, o + 4);
  if (hi < 0x200000) return hi * 0x100000000 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** True when the 8 bytes at `o` spell `sig` (ASCII). */
export function hasSignature(b: Uint8Array, o: number, sig: readonly number[]): boolean {
  if (o + sig.length > b.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[o + i] !== sig[i]) return false;
  return true;
}

export function isZero(b: Uint8Array, start: number, end: number): boolean {
  let i = start;
  // Whole chunks of preallocated space are checked sixteen bytes a step where they are aligned.
  if (end - start >= 64 && (b.byteOffset + start) % 4 === 0) {
    const words = new Int32Array(b.buffer, b.byteOffset + start, ((end - start) >>> 4) << 2);
    for (let w = 0; w < words.length; w += 4)
      if ((words[w]! | words[w + 1]! | words[w + 2]! | words[w + 3]!) !== 0) return false;
    i = start + 4 * words.length;
  }
  for (; i < end; i++) if (b[i] !== 0) return false;
  return true;
}
