// Substitution value types (libevtx "Value types") and how each is rendered as text: the way
// Windows writes them in an event's XML.
//
//   0x00 NullType     0x06 UInt16Type  0x0c Real64Type  0x12 SysTimeType   0x20 EvtHandle
//   0x01 StringType   0x07 Int32Type   0x0d BoolType    0x13 SidType       0x21 BinXmlType
//   0x02 AnsiString   0x08 UInt32Type  0x0e BinaryType  0x14 HexInt32Type  0x23 EvtXml
//   0x03 Int8Type     0x09 Int64Type   0x0f GuidType    0x15 HexInt64Type  0x80 set: an array
//   0x04 UInt8Type    0x0a UInt64Type  0x10 SizeTType
//   0x05 Int16Type    0x0b Real32Type  0x11 FileTimeType
//
// Numbers in decimal; HexInt32/HexInt64 (and size_t, which pairs with them) as 0x + lower-case hex
// without padding; GUIDs in braces, upper case; SIDs as S-1-...; FILETIME as ISO 8601 UTC with the
// 100 ns precision it has; SYSTEMTIME with its ms; binary as upper-case hex; booleans as
// true/false (any non-zero value is true).
import { i32, u16, u32 } from './bytes.js';
import { ansi, utf16z } from './utf16.js';

/** Size in bytes of one value of a fixed-size type; 0 for variable-size types. */
const FIXED = new Uint8Array(256);
for (const [t, n] of [
  [0x03, 1],
  [0x04, 1],
  [0x05, 2],
  [0x06, 2],
  [0x07, 4],
  [0x08, 4],
  [0x09, 8],
  [0x0a, 8],
  [0x0b, 4],
  [0x0c, 8],
  [0x0d, 4],
  [0x0f, 16],
  [0x11, 8],
  [0x12, 16],
  [0x14, 4],
  [0x15, 8],
] as const)
  FIXED[t] = n;

export function fixedSize(type: number): number {
  return FIXED[type & 0xff]!;
}

/** True for the types this reader knows (the base types and their arrays). */
export function isKnownType(type: number): boolean {
  const base = type & 0x7f;
  return base <= 0x15 || base === 0x20 || base === 0x21 || base === 0x23;
}

/** Each byte as two upper-case hex digits; made on first use (not when the module loads). */
let HEX2: string[] | null = null;
function hex2(): string[] {
  HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase());
  return HEX2;
}

export function hexUpper(b: Uint8Array, off: number, size: number): string {
  let s = '';
  const hex = HEX2 ?? hex2();
  for (let i = 0; i < size; i++) s += hex[b[off + i]!];
  return s;
}

export function guid(b: Uint8Array, o: number): string {
  const hex = HEX2 ?? hex2();
  const h = (i: number) => hex[b[o + i]!]!;
  return (
    '{' +
    h(3) +
    h(2) +
    h(1) +
    h(0) +
    '-' +
    h(5) +
    h(4) +
    '-' +
    h(7) +
    h(6) +
    '-' +
    h(8) +
    h(9) +
    '-' +
    h(10) +
    h(11) +
    h(12) +
    h(13) +
    h(14) +
    h(15) +
    '}'
  );
}

/** Size in bytes of the SID at `o` (8 + 4 per sub-authority), or -1 when `size` cannot hold it. */
export function sidSize(b: Uint8Array, o: number, size: number): number {
  if (size < 8) return -1;
  const n = 8 + 4 * b[o + 1]!;
  return n <= size ? n : -1;
}

export function sid(b: Uint8Array, o: number, size: number): string {
  const n = sidSize(b, o, size);
  if (n < 0) return hexUpper(b, o, size);
  const hi = (b[o + 2]! << 8) | b[o + 3]!;
  const lo = u32be(b, o + 4);
  const authority =
    hi === 0 ? String(lo) : '0x' + hi.toString(16).padStart(4, '0') + lo.toString(16).padStart(8, '0');
  let s = 'S-' + b[o]! + '-' + authority;
  for (let p = o + 8; p < o + n; p += 4) s += '-' + u32(b, p);
  return s;
}

function u32be(b: Uint8Array, o: number): number {
  return b[o]! * 0x1000000 + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
}

function hex64(b: Uint8Array, o: number): string {
  const lo = u32(b, o);
  const hi = u32(b, o + 4);
  return hi === 0 ? '0x' + lo.toString(16) : '0x' + hi.toString(16) + lo.toString(16).padStart(8, '0');
}

function dec64(b: Uint8Array, o: number, signed: boolean): string {
  const lo = u32(b, o);
  const hi = signed ? i32(b, o + 4) : u32(b, o + 4);
  if (hi >= -0x200000 && hi < 0x200000) return String(hi * 0x100000000 + lo);
  return String((BigInt(hi) << 32n) + BigInt(lo));
}

/**
 * A FILETIME (100 ns ticks since 1601-01-01 UTC) as ISO 8601 with seven fractional digits. Exact:
 * the 64-bit tick count is never held in a float. 2^32 ticks = 429 s + 4967296 ticks, so for the
 * dates of real logs (high word below 2^30) seconds and remainder come from two exact products;
 * beyond that the count is divided by 10^7 in 16-bit steps.
 */
export function filetime(b: Uint8Array, o: number): string {
  const lo = u32(b, o);
  const hi = u32(b, o + 4);
  let q: number;
  let r: number;
  if (hi < 0x40000000) {
    const low = hi * 4967296 + lo; // below 2^53
    const carry = Math.floor(low / 10_000_000);
    q = hi * 429 + carry;
    r = low - carry * 10_000_000;
  } else {
    q = 0;
    r = 0;
    for (let i = 6; i >= 0; i -= 2) {
      const cur = r * 65536 + (b[o + i]! | (b[o + i + 1]! << 8));
      const d = Math.floor(cur / 10_000_000);
      r = cur - d * 10_000_000;
      q = q * 65536 + d;
    }
  }
  // Records come in time order, many in the same second: its text is kept for the next one.
  if (q !== lastSecond) {
    lastSecond = q;
    lastSecondText = `${isoSeconds(q - 11_644_473_600)}.`;
  }
  return lastSecondText + fraction7(r);
}
let lastSecond = -1;
let lastSecondText = '';

/**
 * Seven digits, zero-padded, with the closing 'Z': from the two-digit table (every record has a
 * time of its own, so String(r) would miss V8's number-to-string cache and convert in the runtime).
 */
function fraction7(r: number): string {
  const two = TWO_DIGITS ?? twoDigits();
  const hi = Math.floor(r / 100_000);
  const mid = r - hi * 100_000;
  const d3 = Math.floor(mid / 1000);
  const d5 = Math.floor((mid - d3 * 1000) / 10);
  return two[hi]! + two[d3]! + two[d5]! + LAST_DIGIT[mid - d3 * 1000 - d5 * 10]!;
}
const LAST_DIGIT = ['0Z', '1Z', '2Z', '3Z', '4Z', '5Z', '6Z', '7Z', '8Z', '9Z'];

/**
 * The civil (proleptic Gregorian) date of a count of days since 1970-01-01, packed as
 * year * 10000 + month * 100 + day (no object made: the callers are on hot paths). H. Hinnant's
 * civil_from_days, in 400-year eras. Shared by the .evtx times and reconcile's ISO times.
 */
export function civilFromDays(days: number): number {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return (yoe + era * 400 + (month <= 2 ? 1 : 0)) * 10000 + month * 100 + day;
}

/** "YYYY-MM-DDTHH:MM:SS" for seconds since 1970 (civil-from-days; no Date object on the hot path). */
function isoSeconds(unixSeconds: number): string {
  const days = Math.floor(unixSeconds / 86400);
  const sod = unixSeconds - days * 86400;
  const ymd = civilFromDays(days);
  const year = Math.floor(ymd / 10000);
  const month = Math.floor(ymd / 100) % 100;
  const day = ymd % 100;
  const h = Math.floor(sod / 3600);
  const m = Math.floor((sod - h * 3600) / 60);
  const sec = sod - h * 3600 - m * 60;
  return pad(year, 4) + '-' + pad2(month) + '-' + pad2(day) + 'T' + pad2(h) + ':' + pad2(m) + ':' + pad2(sec);
}

/** 00 to 99; made on first use. */
let TWO_DIGITS: string[] | null = null;
function twoDigits(): string[] {
  TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
  return TWO_DIGITS;
}
const pad2 = (n: number) => (TWO_DIGITS ?? twoDigits())[n] ?? String(n);
const pad = (n: number, w: number) => String(n).padStart(w, '0');

export function systemtime(b: Uint8Array, o: number): string {
  return (
    pad(u16(b, o), 4) +
    '-' +
    pad(u16(b, o + 2), 2) +
    '-' +
    pad(u16(b, o + 6), 2) +
    'T' +
    pad(u16(b, o + 8), 2) +
    ':' +
    pad(u16(b, o + 10), 2) +
    ':' +
    pad(u16(b, o + 12), 2) +
    '.' +
    pad(u16(b, o + 14), 3) +
    'Z'
  );
}

const f32 = new DataView(new ArrayBuffer(8));

function real(v: number, single: boolean): string {
  if (Number.isNaN(v)) return '-1.#IND';
  if (v === Number.POSITIVE_INFINITY) return '1.#INF';
  if (v === Number.NEGATIVE_INFINITY) return '-1.#INF';
  if (!single) return String(v);
  // The shortest decimal that reads back as the same 32-bit float.
  for (let p = 1; p < 9; p++) {
    const s = Number.parseFloat(v.toPrecision(p));
    if (Math.fround(s) === v) return String(s);
  }
  return String(Number.parseFloat(v.toPrecision(9)));
}

/**
 * One value of type `type` (an array's base type for array items) stored in `b[off, off + size)`.
 * Returns null when `size` is too small for the type: the caller reports that as damage.
 */
export function renderValue(b: Uint8Array, type: number, off: number, size: number): string | null {
  const fixed = FIXED[type]!;
  if (fixed !== 0 && size < fixed) return null;
  switch (type) {
    case 0x00:
      return '';
    case 0x01:
      return utf16z(b, off, size >>> 1);
    case 0x02:
      return ansi(b, off, size);
    case 0x03:
      return String((b[off]! << 24) >> 24);
    case 0x04:
      return String(b[off]!);
    case 0x05:
      return String((u16(b, off) << 16) >> 16);
    case 0x06:
      return String(u16(b, off));
    case 0x07:
      return String(i32(b, off));
    case 0x08:
      return String(u32(b, off));
    case 0x09:
      return dec64(b, off, true);
    case 0x0a:
      return dec64(b, off, false);
    case 0x0b:
      f32.setUint32(0, u32(b, off), true);
      return real(f32.getFloat32(0, true), true);
    case 0x0c:
      f32.setUint32(0, u32(b, off), true);
      f32.setUint32(4, u32(b, off + 4), true);
      return real(f32.getFloat64(0, true), false);
    case 0x0d:
      return i32(b, off) === 0 ? 'false' : 'true';
    case 0x0e:
      return hexUpper(b, off, size);
    case 0x0f:
      return guid(b, off);
    case 0x10:
      if (size === 4) return '0x' + u32(b, off).toString(16);
      if (size === 8) return hex64(b, off);
      return null;
    case 0x11:
      return filetime(b, off);
    case 0x12:
      return systemtime(b, off);
    case 0x13:
      return sid(b, off, size);
    case 0x14:
      return '0x' + u32(b, off).toString(16);
    case 0x15:
      return hex64(b, off);
    default:
      // EvtHandle and EvtXml have no text form in a stored record; BinXml is expanded by the caller.
      return '';
  }
}

/**
 * The items of an array value (type with 0x80 set), rendered. Strings are NUL-separated; SIDs are
 * read one after another; fixed-size types are packed. Returns null when the bytes do not divide
 * into whole items.
 */
export function renderArray(b: Uint8Array, type: number, off: number, size: number): string[] | null {
  const base = type & 0x7f;
  const items: string[] = [];
  const end = off + size;
  if (base === 0x01) {
    let start = off;
    for (let o = off; o + 1 < end; o += 2) {
      if (b[o] === 0 && b[o + 1] === 0) {
        items.push(utf16z(b, start, (o - start) >>> 1));
        start = o + 2;
      }
    }
    if (start + 1 < end) items.push(utf16z(b, start, (end - start) >>> 1));
    return items;
  }
  if (base === 0x02) {
    let start = off;
    for (let o = off; o < end; o++) {
      if (b[o] === 0) {
        items.push(ansi(b, start, o - start));
        start = o + 1;
      }
    }
    if (start < end) items.push(ansi(b, start, end - start));
    return items;
  }
  if (base === 0x13) {
    for (let o = off; o < end; ) {
      const n = sidSize(b, o, end - o);
      if (n < 0) return null;
      items.push(sid(b, o, n));
      o += n;
    }
    return items;
  }
  const width = base === 0x10 ? (size % 8 === 0 ? 8 : 4) : FIXED[base]!;
  if (width === 0 || size % width !== 0) return null;
  for (let o = off; o < end; o += width) items.push(renderValue(b, base, o, width)!);
  return items;
}
