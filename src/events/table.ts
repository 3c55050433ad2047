// The readable view of `events`: one line per record that fits the terminal (80 columns unless it
// is wider): time (UTC), level, event ID, provider, and the values that matter most. Codes held as
// decimal (how the event XML stores Int32/UInt32 fields) are shown in hex, as people search them.
import { KNOWN_PROVIDERS } from './fields.js';
import { levelLabel } from './levels.js';
import type { EventRecord } from './types.js';

const TIME = 19;
const LEVEL = 5;
const ID = 5;
const PROVIDER = 16;
const FIXED = TIME + 2 + LEVEL + 1 + ID + 2 + PROVIDER + 2;

/** Fields that hold an HRESULT, NTSTATUS or Win32 code. */
const CODE_FIELDS = new Set([
  'ExitCode',
  'ErrorCode',
  'Error',
  'Status',
  'Result',
  'NtStatus',
  'ProviderErrorCode',
  'dwError',
]);
/** Long identifiers that matter less than the codes and texts: shown last. */
const LATE_FIELDS = new Set([
  'ActivityId',
  'CorrelationID',
  'CorrelationId',
  'Target',
  'AuthToken',
  'DebugOutput',
]);

export type Paint = (level: number, text: string) => string;

export function tableHeader(width: number): string {
  return clip(
    `${'TIME (UTC)'.padEnd(TIME)}  ${'LEVEL'.padEnd(LEVEL)} ${'ID'.padStart(ID)}  ${'PROVIDER'.padEnd(PROVIDER)}  DETAILS`,
    width,
  );
}

/** Lines a record's details may take, and the indent of the lines after the first. */
const MAX_DETAIL_LINES = 3;
const INDENT = 4;

/**
 * One record: time, level, ID, provider, then as many values as fit; the values that do not fit
 * go on up to two more lines indented by four spaces, using the full width.
 */
export function tableRow(r: EventRecord, width: number, paint: Paint = (_, t) => t): string {
  const time = r.time.slice(0, 19).replace('T', ' ');
  const level = paint(r.level, levelLabel(r.level).padEnd(LEVEL));
  const id = String(r.eventId).padStart(ID);
  const provider = providerLabel(r.provider).padEnd(PROVIDER);
  const w = Math.max(width, FIXED + 16);
  const details = pack(detailItems(r), [w - FIXED, ...Array(MAX_DETAIL_LINES - 1).fill(w - INDENT)]);
  const head = `${time}  ${level} ${id}  ${provider}  ${details[0] ?? ''}`.trimEnd();
  return [head, ...details.slice(1).map((d) => ' '.repeat(INDENT) + d)].join('\n');
}

/** Packs items into lines of the given widths, an item never split (only clipped); the rest cut with an ellipsis. */
function pack(items: string[], widths: number[]): string[] {
  const lines: string[] = [''];
  let i = 0;
  while (i < items.length) {
    const li = lines.length - 1;
    const cap = widths[li]!;
    const line = lines[li]!;
    const item = items[i]!;
    const joined = line ? `${line} ${item}` : item;
    if (joined.length <= cap) {
      lines[li] = joined;
      i++;
    } else if (li + 1 < widths.length) {
      // The first line keeps its room for short values; a long one starts the next line.
      if (line === '' && li > 0) {
        lines[li] = clip(item, cap);
        i++;
      }
      lines.push('');
    } else {
      lines[li] = clip(joined, cap);
      if (lines[li]!.length === joined.length) i++;
      break;
    }
  }
  if (i < items.length) {
    const last = lines.length - 1;
    const l = lines[last]!;
    if (!l.endsWith('…')) lines[last] = l.length < widths[last]! ? `${l}…` : `${l.slice(0, -1)}…`;
  }
  return lines.filter((l, n) => n === 0 || l !== '');
}

export function providerLabel(provider: string): string {
  const known = KNOWN_PROVIDERS.find((p) => p.name === provider);
  if (known) return known.label;
  return clip(provider.replace(/^Microsoft-Windows-/i, ''), PROVIDER);
}

/** The record's values as Name=value items: field order, codes in hex, long IDs and dumps last; or its message. */
export function detailItems(r: EventRecord): string[] {
  const entries = Object.entries(r.data).filter(([, v]) => v.trim() !== '');
  // A message (CSV exports keep nothing else) flows word by word.
  if (entries.length === 0) return r.message ? oneLine(r.message).split(' ') : [];
  const ordered = [
    ...entries.filter(([k]) => !LATE_FIELDS.has(k)),
    ...entries.filter(([k]) => LATE_FIELDS.has(k)),
  ];
  return ordered.map(([k, v]) => `${k}=${oneLine(displayValue(k, v))}`);
}

function displayValue(name: string, value: string): string {
  const v = value.trim();
  if (CODE_FIELDS.has(name) && /^-?\d+$/.test(v)) {
    const n = Number(v);
    // Lower-case hex as the knowledge base writes codes (kb comes later in the pipeline than events).
    if (n >= -0x80000000 && n <= 0xffffffff) return `0x${(n >>> 0).toString(16)}`;
  }
  return v;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Cuts a string to a width, marking the cut with an ellipsis. */
function clip(s: string, width: number): string {
  return s.length <= width ? s : `${s.slice(0, Math.max(0, width - 1))}…`;
}
