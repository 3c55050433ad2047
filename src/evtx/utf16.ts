// UTF-16LE text as the format stores it: names, string values, CDATA. Invalid sequences (lone
// surrogates, seen in real logs) become U+FFFD instead of failing the record. Short strings, the
// common case, are decoded by hand: TextDecoder's call overhead dominates below a few dozen chars.

const decoder = new TextDecoder('utf-16le');
const SHORT = 32;

/** `count` UTF-16 code units at `off`. The caller has checked that `off + 2 * count` is in bounds. */
export function utf16(b: Uint8Array, off: number, count: number): string {
  if (count > SHORT) return decoder.decode(b.subarray(off, off + 2 * count));
  let s = '';
  for (let i = 0, o = off; i < count; i++, o += 2) {
    const c = b[o]! | (b[o + 1]! << 8);
    if (c >= 0xd800 && c <= 0xdfff) return decoder.decode(b.subarray(off, off + 2 * count));
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
  while (end < off + size && b[end] !== 0) end++;
  return latin.decode(b.subarray(off, end));
}
