// Times as the exports write them, to ISO 8601 UTC ending in Z with the precision the input has
// (at least milliseconds), as ../shared/contract/event.schema.json asks. Fractions are kept as
// digits, never through a float, so 100 ns precision survives.

const ISO =
  /^\s*(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d+))?\s*(Z|[+-]\d{2}:?\d{2})?\s*$/i;

/** Formats a UTC instant (whole milliseconds ignored) with a fraction given as digits. */
function format(msUtc: number, fraction: string): string | undefined {
  const d = new Date(msUtc);
  if (Number.isNaN(d.getTime())) return undefined;
  const year = d.getUTCFullYear();
  if (year < 1601 || year > 9999) return undefined;
  const base = d.toISOString().slice(0, 19);
  // FILETIME counts 100 ns: digits past the seventh are padding when zero (libevtx prints nine).
  const digits = fraction.length > 7 && /^0+$/.test(fraction.slice(7)) ? fraction.slice(0, 7) : fraction;
  return `${base}.${digits.padEnd(3, '0')}Z`;
}

function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59));
  // Reject 31 February and the like, which Date.UTC would roll over.
  if (new Date(ms).getUTCDate() !== d) return undefined;
  return ms;
}

function zoneMinutes(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) return 0;
  const v = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -v : v;
}

/**
 * An ISO 8601 timestamp (`T` or space between date and time, any number of fraction digits, `Z`,
 * an offset, or no zone, read as UTC as wevtutil and python-evtx mean it) to the contract's form.
 */
export function normalizeIsoTime(text: string): string | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const ms = utcMs(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (ms === undefined) return undefined;
  return format(ms - zoneMinutes(m[8]) * 60_000, m[7] ?? '');
}

/** Milliseconds since the epoch as an ISO time with millisecond precision. */
export function isoFromEpochMs(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const frac = String(((ms % 1000) + 1000) % 1000).padStart(3, '0');
  return format(ms - (((ms % 1000) + 1000) % 1000), frac);
}

/** Windows PowerShell 5.1's JSON dates: `/Date(1653030090283)/`, sometimes with `-0400` after the milliseconds (which are UTC either way). */
export function parseMsJsonDate(text: string): string | undefined {
  const m = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(text.trim());
  return m ? isoFromEpochMs(Number(m[1])) : undefined;
}

/** Milliseconds since the epoch of a contract time, for comparisons. */
export function timeMs(iso: string): number {
  return Date.parse(iso.replace(/(\.\d{3})\d+/, '$1'));
}

export type DateOrder = 'mdy' | 'dmy' | 'ymd';

const LOCAL =
  /^\s*(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})\.?(?:\s+|T|,\s*)(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,](\d+))?\s*(AM|PM|a\.\s?m\.|p\.\s?m\.)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$/i;

interface LocalParts {
  a: number;
  b: number;
  c: number;
  /** True when the first number has four digits (year first). */
  yearFirst: boolean;
  h: number;
  mi: number;
  s: number;
  fraction: string;
  zone?: string;
}

function localParts(text: string): LocalParts | undefined {
  const m = LOCAL.exec(text);
  if (!m) return undefined;
  let h = Number(m[4]);
  const ampm = m[8]?.toLowerCase().replace(/[\s.]/g, '');
  if (ampm === 'pm' && h < 12) h += 12;
  if (ampm === 'am' && h === 12) h = 0;
  return {
    a: Number(m[1]),
    b: Number(m[2]),
    c: Number(m[3]),
    yearFirst: m[1]!.length === 4,
    h,
    mi: Number(m[5]),
    s: Number(m[6] ?? 0),
    fraction: m[7] ?? '',
    zone: m[9],
  };
}

/**
 * Which of day and month comes first in a file's dates, decided from all of them: a first number
 * above 12 means day first, a second above 12 month first; with no such date, a 12-hour clock
 * (AM/PM) suggests the US order and dots the European one. `certain` is false when it had to guess.
 */
export function detectDateOrder(samples: Iterable<string>): { order: DateOrder; certain: boolean } {
  let ampm = false;
  let dots = false;
  let any = false;
  for (const s of samples) {
    const p = localParts(s);
    if (!p) continue;
    any = true;
    if (p.yearFirst) return { order: 'ymd', certain: true };
    if (p.a > 12) return { order: 'dmy', certain: true };
    if (p.b > 12) return { order: 'mdy', certain: true };
    if (/[ap]\.?\s?m\.?/i.test(s)) ampm = true;
    if (/^\s*\d{1,2}\.\d{1,2}\./.test(s)) dots = true;
  }
  if (dots) return { order: 'dmy', certain: true };
  if (ampm) return { order: 'mdy', certain: any };
  return { order: 'dmy', certain: false };
}

/**
 * A date and time as a Windows culture prints it (`11/14/2024 4:20:06 PM`, `14.11.2024 16:20:06`,
 * `2024-11-14 16:20:06`, `2024/11/14 16:20:06`). Without a zone the time is the exporting machine's
 * local time, which the file does not record: it is returned as if it were UTC and `local` says so.
 */
export function parseLocalDateTime(
  text: string,
  order: DateOrder,
): { time: string; local: boolean } | undefined {
  const p = localParts(text);
  if (!p) return undefined;
  let y: number;
  let mo: number;
  let d: number;
  if (p.yearFirst || order === 'ymd') [y, mo, d] = [p.a, p.b, p.c];
  else if (order === 'mdy') [mo, d, y] = [p.a, p.b, p.c];
  else [d, mo, y] = [p.a, p.b, p.c];
  if (y < 100) y += 2000;
  const ms = utcMs(y, mo, d, p.h, p.mi, p.s);
  if (ms === undefined) return undefined;
  const time = format(ms - zoneMinutes(p.zone) * 60_000, p.fraction);
  return time ? { time, local: p.zone === undefined } : undefined;
}
