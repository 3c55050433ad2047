// The value forms the exports write: dates in four notations, GUIDs and SIDs as text or bytes,
// FILETIME counters, booleans in words. Each function returns undefined for what it cannot read.

/**
 * A copy of a string that does not hold on to the text it was cut from: V8 keeps a substring as a
 * view of its parent, so a name kept from a 256 KiB chunk would keep the whole chunk alive, and
 * memory would grow with the file instead of the rows.
 */
export const own = (s: string): string => (s.length < 13 ? s : ` ${s}`.slice(1));

const GUID_RE = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

/** A GUID as lower-case 8-4-4-4-12, with or without braces. */
export function guidOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = GUID_RE.exec(value.trim());
  return m ? own(m[1]!.toLowerCase()) : undefined;
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
  return /^S-1-\d+(-\d+)+$/.test(v) ? own(v) : undefined;
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

/**
 * A time in any form the exports use, as ISO 8601 UTC: ISO (with or without zone; none = UTC),
 * `/Date(ms)/` (Windows PowerShell 5.1 JSON), en-US "M/d/yyyy h:mm:ss AM" (Export-Csv; read as UTC),
 * LDAP GeneralizedTime, or a FILETIME count (lastLogonTimestamp). null for "never" (empty, 0).
 */
export function timeOf(value: unknown): string | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return fromFiletime(value);
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  if (v === '' || v === '0' || /^never$/i.test(v)) return null;
  if (ISO.test(v)) return isoText(v);
  let m = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(v);
  if (m) return iso(Number(m[1]));
  if (/^\d{15,19}$/.test(v)) return fromFiletime(Number(v));
  m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(v);
  if (m) return iso(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),? (\d{1,2}):(\d{2})(?::(\d{2}))? ?([AP]M)?$/i.exec(v);
  if (m) {
    let h = +m[4]!;
    const ampm = m[7]?.toUpperCase();
    if (ampm === 'PM' && h < 12) h += 12;
    if (ampm === 'AM' && h === 12) h = 0;
    return iso(Date.UTC(+m[3]!, +m[1]! - 1, +m[2]!, h, +m[5]!, +(m[6] ?? 0)));
  }
  return undefined;
}

/** Month, day, hour, minute and second of "YYYY-MM-DDTHH:MM:SS" within their ranges. */
function inRange(v: string): boolean {
  const n = (a: number) => Number(v.slice(a, a + 2));
  const [mo, d, h, mi, se] = [n(5), n(8), n(11), n(14), n(17)];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && se < 60;
}

const ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** ISO 8601 text (no zone = UTC) as ISO UTC; the common form is returned without a Date. */
function isoText(v: string): string | undefined {
  const plain = (v.length === 20 && v[19] === 'Z') || (v.length === 24 && v[19] === '.' && v[23] === 'Z');
  if (plain && v[10] === 'T' && inRange(v)) return v.length === 20 ? own(`${v.slice(0, 19)}.000Z`) : own(v);
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(v) || !v.includes(':') ? v : `${v.replace(' ', 'T')}Z`;
  return iso(Date.parse(zoned.replace(' ', 'T')));
}

function fromFiletime(n: number): string | null | undefined {
  if (n <= 0 || n >= 9e18) return null; // 0 and 0x7FFFFFFFFFFFFFFF both mean never
  return iso(n / 10000 - FILETIME_EPOCH_MS);
}

function iso(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The short computer name: lower case, no domain suffix, no trailing $. */
export function nameKey(name: string): string {
  let k = name.trim().toLowerCase();
  if (k.endsWith('$')) k = k.slice(0, -1);
  const dot = k.indexOf('.');
  return dot < 0 ? k : k.slice(0, dot);
}
