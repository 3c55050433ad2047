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
 * A long string (over SHORT units), up to its first NUL when `z`: decoded by TextDecoder, and
 * whether JSON must escape it left to the writer (ESCAPE_MAYBE: one regular expression test,
 * which stops at the first line break or quote). A pass over its units in JavaScript, to find the
 * NUL and what needs escaping, cost more than the test (a NUL cannot be half of a surrogate pair,
 * so the units before it decode the same as a string of their own).
 */
function long(b: Uint8Array, off: number, count: number, z: boolean): string {
  let s = decoded(b, off, count);
  if (z) {
    const nul = s.indexOf('\0');
    if (nul >= 0) {
      if (nul <= SHORT) return utf16(b, off, nul);
      s = s.slice(0, nul);
    }
  }
  decodedText.escape = ESCAPE_MAYBE;
  return s;
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

/**
 * An ANSI string value (the record does not say which code page: Windows-1252 is the usual one).
 * Sets decodedText.escape as utf16 does: Windows-1252 turns no byte but a control character, a
 * quote or a backslash into something JSON escapes (bytes 0x80-0x9f become other characters at
 * U+0080 and above, never a surrogate), so the bytes tell.
 */
export function ansi(b: Uint8Array, off: number, size: number): string {
  if (size > SHORT) return longAnsi(b, off, size);
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
  if (ascii < 0x80) return String.fromCharCode.apply(null, b.subarray(off, end) as unknown as number[]);
  return windows1252(b.subarray(off, end));
}

/**
 * An ANSI string of over SHORT bytes (XML or SOAP kept as text, seen in LiveId's log): its NUL
 * found and its bytes decoded natively, not one by one in JavaScript, and whether JSON must
 * escape it left to the writer (ESCAPE_MAYBE: one regular expression test, which stops at the
 * first quote).
 */
function longAnsi(b: Uint8Array, off: number, size: number): string {
  const bytes = b.subarray(off, off + size);
  const nul = bytes.indexOf(0);
  decodedText.escape = ESCAPE_MAYBE;
  return maybeAscii1252(nul < 0 ? bytes : bytes.subarray(0, nul));
}

/**
 * Windows-1252's characters for 0x80-0x9F, as Windows decodes the code page (and the WHATWG
 * standard, which follows it): the five bytes it leaves undefined stay those C1 controls. The
 * text inputs' decoder (src/input/decode.ts) has its own table, which shows those five as U+FFFD;
 * the .evtx reader imports nothing from outside src/evtx.
 */
const WINDOWS_1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const C1 = /[\x80-\x9f]/;
const C1_ALL = /[\x80-\x9f]/g;
const high = (c: string) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80]!;
let latin: TextDecoder | null = null;
let utf8: TextDecoder | null = null;

/**
 * Code page 1252 of bytes that may all be ASCII: those, the usual case, are decoded as UTF-8 in
 * one native pass. A UTF-8 decoder gives as many characters as bytes, none of them U+FFFD, only
 * when every byte is ASCII (a valid sequence of more bytes is one character, an invalid one
 * U+FFFD), so the test costs no second pass over ASCII text and no exception over the rest.
 */
function maybeAscii1252(bytes: Uint8Array): string {
  utf8 ??= new TextDecoder('utf-8', { ignoreBOM: true });
  const s = utf8.decode(bytes);
  return s.length === bytes.length && !s.includes('\ufffd') ? s : windows1252(bytes);
}

/**
 * Code page 1252: TextDecoder's 'windows-1252', whose U+0080-U+009F are then mapped by the code
 * page. Node's reads 'windows-1252' as Latin-1 since 20.18.3 and 22.13.0 (nodejs/node#60888: bytes
 * 0x80-0x9F come out as those C1 controls), a browser's as the code page: both end the same here.
 */
function windows1252(bytes: Uint8Array): string {
  latin ??= new TextDecoder('windows-1252');
  const s = latin.decode(bytes);
  return C1.test(s) ? s.replace(C1_ALL, high) : s;
}
