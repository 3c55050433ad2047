// UTF-16LE text as the format stores it: names, string values, CDATA. Invalid sequences (lone
// surrogates, seen in real logs) become U+FFFD instead of failing the record. Strings up to
// SHORT characters, nearly all of them, are decoded by hand: their code units go into a reused
// array of that length, turned into a string by one call to String.fromCharCode (a flat string;
// TextDecoder's call overhead dominates below SHORT, and a string built piece by piece is a rope
// that costs again when it is written out). Any surrogate (paired or not) hands the string to
// TextDecoder, which pairs or replaces them.

const SHORT = 64;

/** One reused array per length up to SHORT, for String.fromCharCode.apply; made on first use. */
let UNITS: number[][] | null = null;
let decoder: TextDecoder | null = null;

/**
 * What the last string utf16 decoded holds, for readEvtxJson: `escape` is ESCAPE_NONE when it has
 * nothing JSON must escape (a quote, a backslash, a control character or a surrogate), so it can
 * be quoted as it is; ESCAPE_SOME when it has; ESCAPE_MAYBE when it was not looked at (a string
 * with surrogates).
 */
export const decodedText = { escape: 0 };
export const ESCAPE_NONE = 0;
export const ESCAPE_MAYBE = 1;
export const ESCAPE_SOME = 2;

function decoded(b: Uint8Array, off: number, count: number): string {
  decoder ??= new TextDecoder('utf-16le');
  return decoder.decode(b.subarray(off, off + 2 * count));
}

/**
 * A long string (over SHORT units), up to its first NUL when `z`: looked at once for what JSON
 * must escape, for surrogates and for the NUL, then decoded by TextDecoder.
 */
function long(b: Uint8Array, off: number, count: number, z: boolean): string {
  let surrogates = 0;
  let special = 0;
  let n = 0;
  for (let o = off; n < count; n++, o += 2) {
    const c = b[o]! | (b[o + 1]! << 8);
    if (c === 0 && z) break;
    surrogates |= (c & 0xf800) === 0xd800 ? 1 : 0;
    special |= c < 0x20 || c === 0x22 || c === 0x5c ? 1 : 0;
  }
  if (n <= SHORT) return utf16(b, off, n);
  decodedText.escape = surrogates !== 0 ? ESCAPE_MAYBE : special !== 0 ? ESCAPE_SOME : ESCAPE_NONE;
  return decoded(b, off, n);
}

function shortUnits(): number[][] {
  UNITS = Array.from({ length: SHORT + 1 }, (_, n) => new Array<number>(n).fill(0));
  return UNITS;
}

/** `count` UTF-16 code units at `off`. The caller has checked that `off + 2 * count` is in bounds. */
export function utf16(b: Uint8Array, off: number, count: number): string {
  if (count > SHORT) return long(b, off, count, false);
  const units = (UNITS ?? shortUnits())[count]!;
  let surrogates = 0;
  let special = 0;
  for (let i = 0, o = off; i < count; i++, o += 2) {
    const c = b[o]! | (b[o + 1]! << 8);
    surrogates |= (c & 0xf800) === 0xd800 ? 1 : 0;
    special |= c < 0x20 || c === 0x22 || c === 0x5c ? 1 : 0;
    units[i] = c;
  }
  return text(b, off, count, units, surrogates, special);
}

/** The string of `units` (a short string's code units) as utf16 gives it. */
function text(
  b: Uint8Array,
  off: number,
  count: number,
  units: number[],
  surrogates: number,
  special: number,
): string {
  if (surrogates !== 0) {
    decodedText.escape = ESCAPE_MAYBE;
    return decoded(b, off, count);
  }
  decodedText.escape = special !== 0 ? ESCAPE_SOME : ESCAPE_NONE;
  return String.fromCharCode.apply(null, units);
}

/**
 * Like utf16, but stops at the first NUL code unit: sized string values usually end with one, so
 * the string is first taken to be all the units before a last NUL (one pass over them); a NUL met
 * before that makes it the units before that NUL.
 */
export function utf16z(b: Uint8Array, off: number, count: number): string {
  let n = count;
  if (n > 0 && b[off + 2 * n - 2] === 0 && b[off + 2 * n - 1] === 0) n--;
  if (n > SHORT) return long(b, off, n, true);
  const units = (UNITS ?? shortUnits())[n]!;
  let surrogates = 0;
  let special = 0;
  for (let i = 0, o = off; i < n; i++, o += 2) {
    const c = b[o]! | (b[o + 1]! << 8);
    if (c === 0) return utf16(b, off, i);
    surrogates |= (c & 0xf800) === 0xd800 ? 1 : 0;
    special |= c < 0x20 || c === 0x22 || c === 0x5c ? 1 : 0;
    units[i] = c;
  }
  return text(b, off, n, units, surrogates, special);
}

let latin: TextDecoder | null = null;

/**
 * An ANSI string value (the record does not say which code page: Windows-1252 is the usual one).
 * Sets decodedText.escape as utf16 does: Windows-1252 turns no byte but a control character, a
 * quote or a backslash into something JSON escapes (bytes 0x80-0x9f become other characters at
 * U+0080 and above, never a surrogate), so the bytes tell.
 */
export function ansi(b: Uint8Array, off: number, size: number): string {
  let end = off;
  let ascii = 0;
  let special = 0;
  for (; end < off + size; end++) {
    const c = b[end]!;
    if (c === 0) break;
    ascii |= c;
    special |= c < 0x20 || c === 0x22 || c === 0x5c ? 1 : 0;
  }
  decodedText.escape = special !== 0 ? ESCAPE_SOME : ESCAPE_NONE;
  // Short ASCII, the usual case, needs no code page.
  if (ascii < 0x80 && end - off <= SHORT)
    return String.fromCharCode.apply(null, b.subarray(off, end) as unknown as number[]);
  latin ??= new TextDecoder('windows-1252');
  return latin.decode(b.subarray(off, end));
}
