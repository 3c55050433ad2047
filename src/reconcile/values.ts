// The value forms the exports write: dates in four notations, GUIDs and SIDs as text or bytes,
// FILETIME counters, booleans in words. Each function returns undefined for what it cannot read.
import { civilFromDays } from '../evtx/values.js';

/**
 * A copy of a string that does not hold on to the text it was cut from: V8 keeps a substring as a
 * view of its parent, so a name kept from a 256 KiB chunk would keep the whole chunk alive, and
 * memory would grow with the file instead of the rows.
 */
export const own = (s: string): string => (s.length < 13 ? s : ` ${s}`.slice(1));

/**
 * A flat copy of text made only of characters a URI keeps as they are (letters, digits, "-", as in
 * GUIDs and SIDs): one string of its own, where `own` leaves a view on a copy (two). Kept by every
 * row, so the fewer objects the less the garbage collector walks.
 */
const copyOf = (s: string): string => encodeURIComponent(s);

const GUID_RE = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

/** A GUID as lower-case 8-4-4-4-12, with or without braces. */
export function guidOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (isLowerGuid(value)) return copyOf(value); // the common form, checked without a pattern
  const m = GUID_RE.exec(value.trim());
  return m ? copyOf(m[1]!.toLowerCase()) : undefined;
}

/** Whether `v` is a GUID as the output writes it: lower-case 8-4-4-4-12, nothing around it. */
function isLowerGuid(v: string): boolean {
  if (v.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = v.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

const hex = (b: number) => b.toString(16).padStart(2, '0');

/** objectGUID bytes as AD stores them: the first three groups little-endian. */
export function guidFromBytes(b: Uint8Array): string | undefined {
  if (b.length !== 16) return undefined;
  const h = (i: number[]) => i.map((x) => hex(b[x]!)).join('');
  return own(`${h([3, 2, 1, 0])}-${h([5, 4])}-${h([7, 6])}-${h([8, 9])}-${h([10, 11, 12, 13, 14, 15])}`);
}

/** A binary SID (revision, count, 48-bit authority, 32-bit little-endian sub-authorities) as S-1-5-... */
export function sidFromBytes(b: Uint8Array): string | undefined {
  if (b.length < 8 || b[0] !== 1) return undefined;
  const count = b[1]!;
  if (b.length !== 8 + 4 * count) return undefined;
  let authority = 0;
  for (let i = 2; i < 8; i++) authority = authority * 256 + b[i]!;
  const parts = [`S-1-${authority}`];
  for (let i = 0; i < count; i++) {
    const o = 8 + 4 * i;
    parts.push(String((b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + b[o + 3]! * 0x1000000));
  }
  return parts.join('-');
}

export function sidOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && 'Value' in value)
    return sidOf((value as { Value: unknown }).Value);
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toUpperCase();
  return /^S-1-\d+(-\d+)+$/.test(v) ? copyOf(v) : undefined;
}

/** The value of each base64 character (A-Z a-z 0-9 + /), -1 for the others. */
const B64_VALUE = (() => {
  const t = new Int8Array(128).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < 64; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
})();

/**
 * Base64 (with its = padding; white space between characters ignored) to bytes, in one pass
 * over the text; undefined when it is not base64.
 */
export function base64ToBytes(text: string): Uint8Array | undefined {
  const n = text.length;
  const out = new Uint8Array((n >> 2) * 3 + 3);
  const T = B64_VALUE;
  let o = 0;
  let i = 0;
  // Four characters to three bytes while the text is plain base64 (most of it, all of a DER).
  for (; i + 4 <= n; i += 4) {
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    const c2 = text.charCodeAt(i + 2);
    const c3 = text.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) > 127) break;
    const a = T[c0]!;
    const b = T[c1]!;
    const c = T[c2]!;
    const d = T[c3]!;
    if ((a | b | c | d) < 0) break;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o] = v >>> 16;
    out[o + 1] = v >>> 8;
    out[o + 2] = v;
    o += 3;
  }
  // The rest one character at a time: white space, the = padding, and what is not base64.
  let acc = 0;
  let bits = 0;
  let chars = 0;
  let pad = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) continue;
    chars++;
    if (c === 61) {
      pad++;
      continue;
    }
    const v = c < 128 ? B64_VALUE[c]! : -1;
    if (v < 0 || pad > 0) return undefined;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = acc >>> bits;
    }
  }
  if (chars % 4 !== 0 || pad > 2) return undefined;
  return out.subarray(0, o);
}

export function boolOf(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === 'yes' || v === '1') return true;
  if (v === 'false' || v === 'no' || v === '0') return false;
  return undefined;
}

const FILETIME_EPOCH_MS = 11644473600000;
/** The largest time a Date holds (ms either side of 1970). */
const MAX_TIME = 8.64e15;

/**
 * A time in any form the exports use, as milliseconds since 1970 UTC (a number, not a Date or a
 * string: rows keep it, and only the times a device or a finding shows are written as text): ISO
 * (with or without zone; none = UTC), `/Date(ms)/` (Windows PowerShell 5.1 JSON), en-US
 * "M/d/yyyy h:mm:ss AM" (Export-Csv; read as UTC), LDAP GeneralizedTime, or a FILETIME count
 * (lastLogonTimestamp). null for "never" (empty, 0); undefined for what is not a time.
 */
export function timeOf(value: unknown): number | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return fromFiletime(value);
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  if (v === '' || v === '0' || /^never$/i.test(v)) return null;
  const plain = plainIso(v);
  if (plain !== undefined) return plain;
  if (ISO.test(v)) return isoTime(v);
  if (digitsOnly(v) && v.length >= 15 && v.length <= 19) return fromFiletime(Number(v));
  let m = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(v);
  if (m) return checked(Number(m[1]));
  m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(v);
  if (m) return checked(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),? (\d{1,2}):(\d{2})(?::(\d{2}))? ?([AP]M)?$/i.exec(v);
  if (m) {
    let h = +m[4]!;
    const ampm = m[7]?.toUpperCase();
    if (ampm === 'PM' && h < 12) h += 12;
    if (ampm === 'AM' && h === 12) h = 0;
    return checked(Date.UTC(+m[3]!, +m[1]! - 1, +m[2]!, h, +m[5]!, +(m[6] ?? 0)));
  }
  return undefined;
}

/** 10000-01-01T00:00:00Z: the years written with four digits end before it. */
const YEAR_10000 = 253402300800000;

/**
 * A time as ISO 8601 UTC text, as Date's toISOString writes it (null stays null): years 1970 to
 * 9999 from the digits, in one flat string of 24 characters (reconcile writes one or more for
 * every device; this takes less than half the time of a Date), the others through a Date.
 */
export function isoOf(ms: number | null): string | null {
  if (ms === null) return null;
  if (!(ms >= 0 && ms < YEAR_10000)) return new Date(ms).toISOString();
  const days = Math.floor(ms / DAY_MS);
  let rem = ms - days * DAY_MS;
  const ymd = civilFromDays(days);
  const y = Math.floor(ymd / 10000);
  const m = Math.floor(ymd / 100) % 100;
  const d = ymd % 100;
  const h = Math.floor(rem / 3_600_000);
  rem -= h * 3_600_000;
  const mi = Math.floor(rem / 60_000);
  rem -= mi * 60_000;
  const s = Math.floor(rem / 1000);
  const f = rem - s * 1000;
  const fy = Math.floor(y / 100);
  const ly = y % 100;
  const digit = (v: number) => 48 + v;
  // Arguments, not an array: fromCharCode is quickest called with them.
  return String.fromCharCode(
    digit(Math.floor(fy / 10)),
    digit(fy % 10),
    digit(Math.floor(ly / 10)),
    digit(ly % 10),
    45,
    digit(Math.floor(m / 10)),
    digit(m % 10),
    45,
    digit(Math.floor(d / 10)),
    digit(d % 10),
    84,
    digit(Math.floor(h / 10)),
    digit(h % 10),
    58,
    digit(Math.floor(mi / 10)),
    digit(mi % 10),
    58,
    digit(Math.floor(s / 10)),
    digit(s % 10),
    46,
    digit(Math.floor(f / 100)),
    digit(Math.floor(f / 10) % 10),
    digit(f % 10),
    90,
  );
}

const DAY_MS = 86_400_000;

function digitsOnly(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return v.length > 0;
}

/** The number of the digits of `v` from `at` to `at + n`, or -1 when one is not a digit. */
function num(v: string, at: number, n: number): number {
  let x = 0;
  for (let i = at; i < at + n; i++) {
    const c = v.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    x = x * 10 + c;
  }
  return x;
}

function daysIn(y: number, mo: number): number {
  if (mo === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
}

/**
 * The common form, "YYYY-MM-DDTHH:MM:SSZ" or with ".mmmZ", read from its digits (no pattern, no
 * Date): undefined when `v` is not in that form or a field is out of its range (then the general
 * reading decides).
 */
function plainIso(v: string): number | undefined {
  const n = v.length;
  if (!((n === 20 && v[19] === 'Z') || (n === 24 && v[19] === '.' && v[23] === 'Z'))) return undefined;
  if (v[4] !== '-' || v[7] !== '-' || v[10] !== 'T' || v[13] !== ':' || v[16] !== ':') return undefined;
  const y = num(v, 0, 4);
  const mo = num(v, 5, 2);
  const d = num(v, 8, 2);
  const h = num(v, 11, 2);
  const mi = num(v, 14, 2);
  const se = num(v, 17, 2);
  const ms = n === 24 ? num(v, 20, 3) : 0;
  if ((y | mo | d | h | mi | se | ms) < 0) return undefined;
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || se > 59)
    return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, se, ms);
}

const ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** ISO 8601 text in its other forms (no zone = UTC, a space for the T, an offset). */
function isoTime(v: string): number | undefined {
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(v) || !v.includes(':') ? v : `${v.replace(' ', 'T')}Z`;
  return checked(Date.parse(zoned.replace(' ', 'T')));
}

function fromFiletime(n: number): number | null | undefined {
  if (n <= 0 || n >= 9e18) return null; // 0 and 0x7FFFFFFFFFFFFFFF both mean never
  return checked(n / 10000 - FILETIME_EPOCH_MS);
}

/** A time a Date can hold, in whole milliseconds (as a Date keeps it), else undefined. */
function checked(ms: number): number | undefined {
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_TIME) return undefined;
  return Math.trunc(ms) + 0; // + 0: never -0
}

/** The short computer name: lower case, no domain suffix, no trailing $. */
export function nameKey(name: string): string {
  let k = name.trim().toLowerCase();
  if (k.endsWith('$')) k = k.slice(0, -1);
  const dot = k.indexOf('.');
  return dot < 0 ? k : k.slice(0, dot);
}
