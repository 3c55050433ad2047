// Lines of a paste, each with the line of the original input it came from, and the helpers every
// unwrapping step shares. Every function here is linear in its input: no regex that can backtrack
// on a long run of spaces (a paste may carry megabytes of them).
import { KNOWN_KEYS, normalizeKey } from './keys.js';

export interface Line {
  /** 1-based line in the original input. */
  line: number;
  text: string;
}

/** Splits at CRLF, LF or CR; line numbers start at `first`. */
export function splitLines(text: string, first = 1): Line[] {
  const out: Line[] = [];
  let start = 0;
  let n = first;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      out.push({ line: n++, text: text.slice(start, i) });
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  out.push({ line: n, text: text.slice(start) });
  return out;
}

// Characters that copy and paste leave inside lines without showing them: zero-width spaces and
// joiners, word joiners, BOMs in the middle of the text, soft hyphens and the directional marks of
// right-to-left editors. Removed; the spaces of other widths become plain spaces.
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const WIDE_SPACES = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;

export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '').replace(WIDE_SPACES, ' ');
}

const isSpace = (c: number) => c === 32 || c === 9;
const isAlnum = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 0x7f;

/** A line with the known keys found in it (found once, shifted as prefixes are cut off). */
export interface Row extends Line {
  spots: KeySpot[];
}

/** The same spots for the text from `offset` on. */
export function shiftSpots(spots: readonly KeySpot[], offset: number): KeySpot[] {
  if (offset === 0) return spots as KeySpot[];
  const out: KeySpot[] = [];
  for (const s of spots) {
    if (s.start < offset) continue;
    out.push({ ...s, start: s.start - offset, keyEnd: s.keyEnd - offset, valueStart: s.valueStart - offset });
  }
  return out;
}

/** A known key found in a line: where it starts, and where its value starts. */
export interface KeySpot {
  start: number;
  /** Just after the key (before the spaces and the colon). */
  keyEnd: number;
  /** The value's first character (after the colon and its spaces). */
  valueStart: number;
  key: string;
  normKey: string;
}

// The longest key of the table is 4 words and under 30 characters: looking back further than this
// from a colon is never needed, and bounding it keeps the scan linear on lines without spaces.
const MAX_KEY_WORDS = 4;
const MAX_KEY_CHARS = 48;

const normCache = new Map<string, string>();
function norm(key: string): string {
  let n = normCache.get(key);
  if (n === undefined) {
    n = normalizeKey(key);
    if (normCache.size < 4096) normCache.set(key, n);
  }
  return n;
}

/**
 * The known keys of a line, left to right: a key is one to four words right before a colon that is
 * followed by a space or the end of the line (so times and URLs in values never count), and each
 * key after the first starts after the previous one's value has begun (so `KeySignTest: : PASSED`
 * stays one field). `limit` stops after that many keys.
 */
export function knownKeys(text: string, limit = Number.POSITIVE_INFINITY): KeySpot[] {
  const out: KeySpot[] = [];
  let from = 0;
  let minStart = 0;
  while (out.length < limit) {
    const colon = nextSeparator(text, from);
    if (colon < 0) break;
    from = colon + 1;
    const spot = keyBefore(text, colon, minStart);
    if (!spot) continue;
    out.push(spot);
    minStart = spot.valueStart + 1;
  }
  return out;
}

/** The next ':' (or the full-width '：' of CJK text) followed by whitespace or the end of the text. */
function nextSeparator(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 58 && c !== 0xff1a) continue;
    const next = text.charCodeAt(i + 1);
    if (Number.isNaN(next) || isSpace(next) || c === 0xff1a) return i;
  }
  return -1;
}

function keyBefore(text: string, colon: number, minStart: number): KeySpot | undefined {
  let keyEnd = colon;
  while (keyEnd > minStart && isSpace(text.charCodeAt(keyEnd - 1))) keyEnd--;
  if (keyEnd <= minStart) return undefined;
  const floor = Math.max(minStart, keyEnd - MAX_KEY_CHARS);
  let best: { start: number; normKey: string } | undefined;
  let pos = keyEnd;
  for (let words = 0; words < MAX_KEY_WORDS && pos > floor; words++) {
    let wordStart = pos;
    while (wordStart > floor && !isSpace(text.charCodeAt(wordStart - 1))) wordStart--;
    // Inside the first word, a key may follow punctuation glued to it (`#AzureAdJoined`, `1.NgcSet`).
    for (let s = wordStart; s < pos; s++) {
      if (s > wordStart && isAlnum(text.charCodeAt(s - 1))) continue;
      if (!isAlnum(text.charCodeAt(s))) continue;
      const n = norm(text.slice(s, keyEnd));
      if (KNOWN_KEYS.has(n)) {
        best = { start: s, normKey: n };
        break;
      }
    }
    pos = wordStart;
    while (pos > floor && isSpace(text.charCodeAt(pos - 1))) pos--;
  }
  if (!best) return undefined;
  let valueStart = colon + 1;
  // The old layout doubles the colon: `KeySignTest: : PASSED`.
  while (valueStart < text.length && isSpace(text.charCodeAt(valueStart))) valueStart++;
  if (text.charCodeAt(valueStart) === 58 && !isAlnum(text.charCodeAt(valueStart + 1))) {
    valueStart++;
    while (valueStart < text.length && isSpace(text.charCodeAt(valueStart))) valueStart++;
  }
  return {
    start: best.start,
    keyEnd,
    valueStart,
    key: text.slice(best.start, keyEnd),
    normKey: best.normKey,
  };
}

/** Index of a `+-----…` border (twenty dashes or more), or -1. */
export function borderAt(text: string): number {
  const i = text.indexOf('+--');
  if (i < 0) return -1;
  let j = i + 1;
  while (text.charCodeAt(j) === 45) j++;
  return j - i - 1 >= 20 ? i : -1;
}
