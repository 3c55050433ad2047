// UTF-16LE text as the format stores it: names, string values, CDATA. Invalid sequences (lone
// surrogates, seen in real logs) become U+FFFD instead of failing the record. Strings up to
// SHORT characters, nearly all of them, are decoded by hand eight and four code units a call to
// String.fromCharCode: TextDecoder's call overhead dominates below that. Any surrogate (paired or
// not) hands the string to TextDecoder, which pairs or replaces them.

const decoder = new TextDecoder('utf-16le');
const SHORT = 64;

const surrogate = (c: number) => (c & 0xf800) === 0xd800;

function decoded(b: Uint8Array, off: number, count: number): string {
  return decoder.decode(b.subarray(off, off + 2 * count));
}

/** `count` UTF-16 code units at `off`. The caller has checked that `off + 2 * count` is in bounds. */
export function utf16(b: Uint8Array, off: number, count: number): string {
  if (count > SHORT) return decoded(b, off, count);
  let s = '';
  let i = 0;
  let o = off;
  for (; i + 8 <= count; i += 8, o += 16) {
    const c0 = b[o]! | (b[o + 1]! << 8);
    const c1 = b[o + 2]! | (b[o + 3]! << 8);
    const c2 = b[o + 4]! | (b[o + 5]! << 8);
    const c3 = b[o + 6]! | (b[o + 7]! << 8);
    const c4 = b[o + 8]! | (b[o + 9]! << 8);
    const c5 = b[o + 10]! | (b[o + 11]! << 8);
    const c6 = b[o + 12]! | (b[o + 13]! << 8);
    const c7 = b[o + 14]! | (b[o + 15]! << 8);
    if (
      surrogate(c0) ||
      surrogate(c1) ||
      surrogate(c2) ||
      surrogate(c3) ||
      surrogate(c4) ||
      surrogate(c5) ||
      surrogate(c6) ||
      surrogate(c7)
    )
      return decoded(b, off, count);
    s += String.fromCharCode(c0, c1, c2, c3, c4, c5, c6, c7);
  }
  for (; i + 4 <= count; i += 4, o += 8) {
    const c0 = b[o]! | (b[o + 1]! << 8);
    const c1 = b[o + 2]! | (b[o + 3]! << 8);
    const c2 = b[o + 4]! | (b[o + 5]! << 8);
    const c3 = b[o + 6]! | (b[o + 7]! << 8);
    if (surrogate(c0) || surrogate(c1) || surrogate(c2) || surrogate(c3)) return decoded(b, off, count);
    s += String.fromCharCode(c0, c1, c2, c3);
  }
  for (; i < count; i++, o += 2) {
    const c = b[o]! | (b[o + 1]! << 8);
    if (surrogate(c)) return decoded(b, off, count);
    s += String.fromCharCode(c);
  }
  return s;
}

/** Like utf16, but stops at the first NUL code unit: sized string values usually end with one. */
export function utf16z(b: Uint8Array, off: number, count: number): string {
  let n = 0;
  for (let o = off; n < count; n++, o += 2) if (b[o] === 0 && b[o + 1] === 0) break;
  return utf16(b, off, n);
}

const latin = new TextDecoder('windows-1252');

/** An ANSI string value (the record does not say which code page: Windows-1252 is the usual one). */
export function ansi(b: Uint8Array, off: number, size: number): string {
  let end = off;
  let ascii = 0;
  while (end < off + size && b[end] !== 0) ascii |= b[end++]!;
  // Short ASCII, the usual case, needs no code page.
  if (ascii < 0x80 && end - off <= SHORT)
    return String.fromCharCode.apply(null, b.subarray(off, end) as unknown as number[]);
  return latin.decode(b.subarray(off, end));
}
