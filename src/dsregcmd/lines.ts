// Lines of a paste, each with the line of the original input it came from, and the helpers every
// unwrapping step shares. Every function here is linear in its input: no regex that can backtrack
// on a long run of spaces (a paste may carry megabytes of them).
import { KEY_ALIASES, KNOWN_KEYS } from './keys.js';

export interface Line {
  /** 1-based line in the original input. */
  line: number;
  text: string;
}

/** Splits at CRLF, LF or CR; line numbers start at `first`. */
export function splitLines(text: string, first = 1): Line[] {
  const parts = text.includes('\r') ? text.split(/\r\n|\n|\r/) : text.split('\n');
  const out: Line[] = new Array(parts.length);
  for (let i = 0; i < parts.length; i++) out[i] = { line: first + i, text: parts[i]! };
  return out;
}

// Characters that copy and paste leave inside lines without showing them: zero-width spaces and
// joiners, word joiners, BOMs in the middle of the text, soft hyphens and the directional marks of
// right-to-left editors. Removed; the spaces of other widths become plain spaces.
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const WIDE_SPACES = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;

export function stripInvisible(text: string): string {
  if (isAscii(text)) return text;
  return text.replace(INVISIBLE, '').replace(WIDE_SPACES, ' ');
}

// Whether every character is ASCII. A text of up to 64 Ki characters is asked of the UTF-8 encoder,
// several times faster than a regex scan: it writes one byte a character, so it reads the whole text
// into as many bytes only when no character needs two or more. Longer texts are scanned by regex,
// so that the buffer stays small.
const ASCII_CHECK_MAX = 65536;
let encoder: TextEncoder | undefined;
let asciiBuffer: Uint8Array | undefined;
function isAscii(text: string): boolean {
  if (text.length > ASCII_CHECK_MAX) return !/[^\x00-\x7f]/.test(text);
  encoder ??= new TextEncoder();
  if (!asciiBuffer || asciiBuffer.length < text.length) {
    asciiBuffer = new Uint8Array(Math.min(ASCII_CHECK_MAX, Math.max(4096, 2 * text.length)));
  }
  return encoder.encodeInto(text, asciiBuffer.subarray(0, text.length)).read === text.length;
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
const MAX_KEY_CHARS = 48;

// The known keys, normalized ([a-z0-9] only), in a trie read from the key's last character back
// to its first: from a colon, one walk back over the text finds the longest key that ends there,
// with no slicing and no hashing. Spaces, hyphens, dots and underscores are skipped as
// normalizeKey drops them.
const ALPHABET = 36;
const slot = (c: number) =>
  c >= 97 && c <= 122 ? c - 97 : c >= 65 && c <= 90 ? c - 65 : c >= 48 && c <= 57 ? 26 + c - 48 : -1;
let TRIE: Uint16Array | Uint32Array | undefined;
let LEAF: Uint8Array = new Uint8Array(0);
let terminal: (string | undefined)[] = [];
/**
 * Builds the trie on first use: a start-up that reads no capture does not pay for it. 0 stands for
 * no child (the root is no node's child), so the table needs no filling; a node is a leaf until a
 * child is added to it.
 */
function keyTrie(): Uint16Array | Uint32Array {
  if (TRIE) return TRIE;
  const spellings: [string, string][] = [];
  for (const k of KNOWN_KEYS) spellings.push([k, k]);
  for (const k in KEY_ALIASES) spellings.push([k, KEY_ALIASES[k]!]);
  // At most one node a character, and the root: the table is made at its largest, filled once.
  let most = 1;
  for (const [spelling] of spellings) most += spelling.length;
  // Node numbers fit 16 bits (about 1,800 nodes): half the bytes of 32, so the walk's rows stay in
  // the processor's caches more often (the table is 36 slots a node).
  const trie = most <= 0xffff ? new Uint16Array(most * ALPHABET) : new Uint32Array(most * ALPHABET);
  const leaf = new Uint8Array(most).fill(1);
  terminal = [undefined];
  for (const [spelling, key] of spellings) {
    let node = 0;
    for (let i = spelling.length - 1; i >= 0; i--) {
      const at = node * ALPHABET + slot(spelling.charCodeAt(i));
      let next = trie[at]!;
      if (next === 0) {
        next = terminal.push(undefined) - 1;
        trie[at] = next;
        leaf[node] = 0;
      }
      node = next;
    }
    terminal[node] = key;
  }
  LEAF = leaf;
  TRIE = trie;
  return TRIE;
}
// What each ASCII character is to the walk back from a colon: its slot in the trie, SKIP for the
// characters normalizeKey removes inside a key (space, tab, '-', '_', '.', ':'), STOP for the rest
// (every other character, ASCII or not, ends the key).
const SKIP = -2;
const STOP = -1;
const charSlots = new Int8Array(128);
for (let c = 0; c < 128; c++) charSlots[c] = slot(c);
for (const c of [32, 9, 45, 95, 46, 58]) charSlots[c] = SKIP;

/**
 * The known keys of a line, left to right: a key is one to four words right before a colon that is
 * followed by a space or the end of the line (so times and URLs in values never count), and each
 * key after the first starts where the previous one's value starts or later (so `KeySignTest: :
 * PASSED` stays one field, and a key with an empty value may be followed by the next key).
 * `limit` stops after that many keys; `wide` false says the text has no full-width colon.
 */
export function knownKeys(text: string, limit = Number.POSITIVE_INFINITY, wide = true): KeySpot[] {
  let out: KeySpot[] | undefined;
  // The next ':' and '：' (full-width, CJK) that a space or the end of the line follows: each is
  // searched once past the previous find, so a line costs one pass however many colons it holds.
  let ascii = -2;
  let wideAt = wide ? -2 : -1;
  let from = 0;
  let minStart = 0;
  while (out === undefined || out.length < limit) {
    if (ascii !== -1 && ascii < from) {
      ascii = text.indexOf(':', from);
      while (ascii >= 0 && ascii + 1 < text.length && !isSpace(text.charCodeAt(ascii + 1))) {
        ascii = text.indexOf(':', ascii + 1);
      }
    }
    if (wideAt !== -1 && wideAt < from) wideAt = text.indexOf('\uff1a', from);
    const colon = ascii < 0 ? wideAt : wideAt < 0 ? ascii : Math.min(ascii, wideAt);
    if (colon < 0) break;
    from = colon + 1;
    const spot = keyBefore(text, colon, minStart);
    if (!spot) continue;
    if (out === undefined) out = [spot];
    else out.push(spot);
    minStart = spot.valueStart;
  }
  return out ?? NO_SPOTS;
}

/** No key in the line (shared: spots are never changed in place). */
const NO_SPOTS: KeySpot[] = [];

/**
 * The characters the key table has looked at, before colons (the spaces back to a key and the
 * key's own): the tests check that it grows linearly with the input. One addition a colon.
 */
export const keyTableWork = { chars: 0 };

function keyBefore(text: string, colon: number, minStart: number): KeySpot | undefined {
  let keyEnd = colon;
  while (keyEnd > minStart && isSpace(text.charCodeAt(keyEnd - 1))) keyEnd--;
  keyTableWork.chars += colon - keyEnd;
  if (keyEnd <= minStart) return undefined;
  const floor = Math.max(minStart, keyEnd - MAX_KEY_CHARS);
  let bestStart = -1;
  let bestKey = '';
  let node = 0;
  const trie = keyTrie();
  const slots = charSlots;
  let p = keyEnd - 1;
  for (; p >= floor; p--) {
    const c = text.charCodeAt(p);
    const s = c < 128 ? slots[c]! : STOP;
    if (s < 0) {
      if (s === SKIP) continue;
      break;
    }
    node = trie[node * ALPHABET + s]!;
    if (node === 0) break;
    const key = terminal[node];
    // A key starts a word, or follows punctuation glued to it (`#AzureAdJoined`, `1.NgcSet`).
    if (key !== undefined && (p === minStart || !isAlnum(text.charCodeAt(p - 1)))) {
      bestStart = p;
      bestKey = key;
    }
    // No longer key ends with this one: what lies before it (the indentation) is not read.
    if (LEAF[node] === 1) break;
  }
  keyTableWork.chars += keyEnd - p;
  if (bestStart < 0) return undefined;
  return {
    start: bestStart,
    keyEnd,
    valueStart: valueStartAfter(text, colon),
    key: text.slice(bestStart, keyEnd),
    normKey: bestKey,
  };
}

/** Where the value after a key's colon starts: past its spaces, and past the doubled colon of the old layout. */
function valueStartAfter(text: string, colon: number): number {
  let valueStart = colon + 1;
  // The old layout doubles the colon: `KeySignTest: : PASSED`.
  while (valueStart < text.length && isSpace(text.charCodeAt(valueStart))) valueStart++;
  if (text.charCodeAt(valueStart) === 58 && !isAlnum(text.charCodeAt(valueStart + 1))) {
    valueStart++;
    while (valueStart < text.length && isSpace(text.charCodeAt(valueStart))) valueStart++;
  }
  return valueStart;
}

const BORDER = '+--------------------';

/** Index of a `+-----…` border (twenty dashes or more), or -1. */
export function borderAt(text: string): number {
  // From one '+' to the next (a one-character search), not a search for the whole border.
  let at = text.indexOf('+');
  while (at >= 0 && !text.startsWith(BORDER, at)) at = text.indexOf('+', at + 1);
  return at;
}

/** Whether a `+-----…` border starts at `at`. */
export function borderStartsAt(text: string, at: number): boolean {
  return text.startsWith(BORDER, at);
}
