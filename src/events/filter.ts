// The filters of `events`: --id, --provider, --channel, --since/--until, --level. Parsed once
// (with a clear message for a bad value), then applied to each record.
import { levelFromName } from './levels.js';
import { normalizeIsoTime, timeMs } from './time.js';
import type { EventRecord } from './types.js';

export interface EventFilterOptions {
  /** Comma-separated event IDs or ranges: "304,305", "1006-1007". */
  id?: string;
  /** Comma-separated provider names; "Microsoft-Windows-" may be left out; * matches anything. */
  provider?: string;
  /** Comma-separated channel names, same rules. */
  channel?: string;
  /** ISO date or date-time; without a zone it is UTC, like the times the tool prints. */
  since?: string;
  /** Same; a date alone includes that whole day. */
  until?: string;
  /** Comma-separated levels: names (critical, error, warning, information, verbose) or numbers. */
  level?: string;
}

export interface EventFilter {
  ids?: Array<[number, number]>;
  providers?: RegExp[];
  channels?: RegExp[];
  sinceMs?: number;
  untilMs?: number;
  levels?: Set<number>;
}

/** A filter value that cannot be understood: a usage error (exit code 2). */
export class FilterError extends Error {
  override name = 'FilterError';
}

export function parseEventFilter(o: EventFilterOptions): EventFilter {
  const f: EventFilter = {};
  if (o.id !== undefined) f.ids = items(o.id, '--id').map((s) => idRange(s));
  if (o.provider !== undefined) f.providers = items(o.provider, '--provider').map(namePattern);
  if (o.channel !== undefined) f.channels = items(o.channel, '--channel').map(namePattern);
  if (o.since !== undefined) f.sinceMs = filterTime(o.since, '--since', false);
  if (o.until !== undefined) f.untilMs = filterTime(o.until, '--until', true);
  if (f.sinceMs !== undefined && f.untilMs !== undefined && f.sinceMs > f.untilMs) {
    throw new FilterError('--since is after --until: no record can match');
  }
  if (o.level !== undefined) {
    f.levels = new Set();
    for (const s of items(o.level, '--level')) {
      const n = /^\d+$/.test(s) ? Number(s) : levelFromName(s);
      if (n === undefined || n > 255) {
        throw new FilterError(
          `--level: "${s}" is not a level (use critical, error, warning, information, verbose or 0-255)`,
        );
      }
      f.levels.add(n);
      // Level 0 ("log always") is shown as information.
      if (n === 4) f.levels.add(0);
    }
  }
  return f;
}

export function matchesEventFilter(r: EventRecord, f: EventFilter): boolean {
  if (f.ids && !f.ids.some(([lo, hi]) => r.eventId >= lo && r.eventId <= hi)) return false;
  if (f.levels && !f.levels.has(r.level)) return false;
  if (f.providers && !matchesName(r.provider, f.providers)) return false;
  if (f.channels && !matchesName(r.channel ?? '', f.channels)) return false;
  if (f.sinceMs !== undefined || f.untilMs !== undefined) {
    const t = timeMs(r.time);
    if (f.sinceMs !== undefined && !(t >= f.sinceMs)) return false;
    if (f.untilMs !== undefined && !(t <= f.untilMs)) return false;
  }
  return true;
}

function items(value: string, option: string): string[] {
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0) throw new FilterError(`${option}: no value given`);
  return list;
}

function idRange(s: string): [number, number] {
  const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(s);
  const lo = Number(m?.[1]);
  const hi = m?.[2] !== undefined ? Number(m[2]) : lo;
  if (!m || lo > 65535 || hi > 65535 || hi < lo) {
    throw new FilterError(`--id: "${s}" is not an event ID or a range of them (use 304,305 or 1006-1007)`);
  }
  return [lo, hi];
}

function namePattern(s: string): RegExp {
  const body = s
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'i');
}

const PREFIX = /^Microsoft-Windows-/i;

function matchesName(name: string, patterns: RegExp[]): boolean {
  const short = name.replace(PREFIX, '');
  return patterns.some((p) => p.test(name) || p.test(short));
}

function filterTime(s: string, option: string, end: boolean): number {
  const t = s.trim();
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  let ms: number | undefined;
  if (date) {
    const iso = normalizeIsoTime(`${t}T00:00:00Z`);
    if (iso) ms = timeMs(iso) + (end ? 86_400_000 - 1 : 0);
  } else {
    // Seconds may be left out: 2026-10-03T04:31.
    const withSeconds = t.replace(/^(\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2})(?=$|Z|[+-]\d{2}:?\d{2}$)/i, '$1:00');
    const iso = normalizeIsoTime(withSeconds);
    if (iso) ms = timeMs(iso);
  }
  if (ms === undefined || Number.isNaN(ms)) {
    throw new FilterError(`${option}: "${s}" is not an ISO date (use 2026-10-03 or 2026-10-03T04:31:00Z)`);
  }
  return ms;
}
