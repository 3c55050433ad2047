// JSON exports: `Get-WinEvent | ConvertTo-Json` (one object or an array; Windows PowerShell 5.1
// writes dates as /Date(ms)/, PowerShell 7 as ISO with the local offset) and the JSON lines that
// `events --format jsonl` prints, so its output can be read back. Get-WinEvent keeps only
// Properties[].Value: names come back from ./fields.ts for the events whose field order is known.
//
// Values are cut out one by one (array elements or a run of top-level objects) and parsed one by
// one, so a damaged or truncated file still yields the records before the damage. Integers longer
// than 15 digits are turned into strings before JSON.parse so that 64-bit values keep every digit.
import { byteOffsetCounter, type TextEncoding } from '../input/decode.js';
import { InputError } from '../types.js';
import { putData } from './data.js';
import { nameValues } from './fields.js';
import { levelFromName } from './levels.js';
import { lineCounter } from './lines.js';
import { normalizeIsoTime, parseMsJsonDate } from './time.js';
import type { EventRecord, ReadOptions, ReadWarning } from './types.js';

export interface JsonReadOptions extends ReadOptions {
  encoding?: TextEncoding;
}

/** Every readable record in a JSON export, in file order. Throws InputError when the text holds no JSON object. */
export function* parseEventJson(text: string, options: JsonReadOptions = {}): Generator<EventRecord> {
  const source = options.source ?? '-';
  const lines = lineCounter(text);
  const offsets = byteOffsetCounter(text, options.encoding ?? 'utf-8');
  const once = new Set<string>();
  const warn = (index: number, message: string, extra: Partial<ReadWarning> = {}): void => {
    options.onWarning?.({
      source,
      message,
      line: lines(index),
      offset: offsets(index),
      ...extra,
    });
  };
  const warnOnce = (index: number, key: string, message: string): void => {
    if (once.has(key)) return;
    once.add(key);
    warn(index, message);
  };

  let i = skipSpace(text, 0);
  const inArray = text[i] === '[';
  if (inArray) i++;
  let seen = 0;
  let position = 0;
  for (;;) {
    i = skipSpace(text, i);
    if (inArray && text[i] === ',') {
      i++;
      continue;
    }
    if (i >= text.length || (inArray && text[i] === ']')) break;
    const start = i;
    const scanned = scanValue(text, i);
    if ('error' in scanned) {
      warn(scanned.at, `${scanned.error}: the rest of the file is skipped`);
      break;
    }
    i = scanned.end;
    seen++;
    let value: unknown;
    try {
      value = JSON.parse(scanned.json);
    } catch (err) {
      warn(start, `malformed JSON (${err instanceof Error ? err.message : String(err)}): skipped`);
      continue;
    }
    position++;
    const o = obj(value);
    if (!o) {
      warn(start, 'a JSON value that is not an object: skipped');
      continue;
    }
    const record = isGetWinEvent(o)
      ? fromGetWinEvent(
          o,
          source,
          position,
          (key, message) => warnOnce(start, key, message),
          (m, r) => warn(start, m, r === undefined ? {} : { recordId: r }),
        )
      : isEventRecord(o)
        ? fromEventRecord(o, source)
        : undefined;
    if (record) yield record;
    else if (!isGetWinEvent(o)) warn(start, 'a JSON object that is not an event record: skipped');
  }
  if (seen === 0) throw new InputError(source, 'no JSON object: this is not an event log export');
}

function isGetWinEvent(o: Record<string, unknown>): boolean {
  return 'Id' in o && ('ProviderName' in o || 'RecordId' in o || 'TimeCreated' in o || 'LogName' in o);
}

function isEventRecord(o: Record<string, unknown>): boolean {
  return (
    typeof o.eventId === 'number' &&
    typeof o.provider === 'string' &&
    typeof o.time === 'string' &&
    typeof o.recordId === 'number'
  );
}

function fromEventRecord(o: Record<string, unknown>, source: string): EventRecord | undefined {
  const time = normalizeIsoTime(o.time as string);
  if (!time) return undefined;
  const record: EventRecord = {
    source,
    recordId: o.recordId as number,
    time,
    provider: o.provider as string,
    eventId: o.eventId as number,
    level: typeof o.level === 'number' ? o.level : 0,
    data: {},
  };
  if (typeof o.channel === 'string') record.channel = o.channel;
  if (typeof o.computer === 'string') record.computer = o.computer;
  for (const [k, v] of Object.entries(obj(o.data) ?? {}))
    putData(record.data, k, typeof v === 'string' ? v : render(v));
  if (typeof o.message === 'string') record.message = o.message;
  return record;
}

const TYPE_NAME = /^System\.[\w.`[\]]+$/;

function fromGetWinEvent(
  o: Record<string, unknown>,
  source: string,
  position: number,
  note: (key: string, message: string) => void,
  warn: (message: string, recordId?: number) => void,
): EventRecord | undefined {
  const eventId = integer(o.Id);
  const recordIdGiven = integer(o.RecordId);
  const time = jsonTime(o.TimeCreated);
  if (eventId === undefined || time === undefined) {
    const what = eventId === undefined ? 'Id' : 'TimeCreated';
    warn(`record without a readable ${what}: skipped`, recordIdGiven);
    return undefined;
  }
  if (recordIdGiven === undefined)
    note('recordid', 'records without a RecordId are numbered by their position');
  const provider = typeof o.ProviderName === 'string' ? o.ProviderName : '';
  const level =
    integer(o.Level) ??
    (typeof o.LevelDisplayName === 'string' ? levelFromName(o.LevelDisplayName) : undefined) ??
    0;
  const record: EventRecord = {
    source,
    recordId: recordIdGiven ?? position,
    time,
    provider,
    eventId,
    level,
    data: {},
  };
  if (typeof o.LogName === 'string' && o.LogName) record.channel = o.LogName;
  if (typeof o.MachineName === 'string' && o.MachineName) record.computer = o.MachineName;
  if (Array.isArray(o.Properties)) {
    if (o.Properties.some((p) => typeof p === 'string' && TYPE_NAME.test(p))) {
      note(
        'depth',
        'the event data was cut off by ConvertTo-Json (Properties hold only a type name); export with -Depth 3 to keep it',
      );
    } else {
      const values = o.Properties.map((p) => {
        const po = obj(p);
        return render(po && 'Value' in po ? po.Value : p);
      });
      record.data = nameValues(provider, eventId, values);
    }
  }
  if (typeof o.Message === 'string' && o.Message) record.message = o.Message;
  return record;
}

/** A TimeCreated as either PowerShell writes it. */
function jsonTime(v: unknown): string | undefined {
  if (typeof v === 'string') return parseMsJsonDate(v) ?? normalizeIsoTime(v);
  const o = obj(v);
  // Windows PowerShell 5.1 wraps some dates: { "value": "/Date(...)/", "DateTime": "Monday, ..." }.
  if (o && typeof o.value === 'string') return jsonTime(o.value);
  return undefined;
}

/** One Properties[].Value as Windows writes the value in the event's XML. */
function render(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return parseMsJsonDate(v) ?? v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) {
    // A byte array is binary data: upper-case hex, as in the XML.
    if (v.length > 0 && v.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
      return v.map((b: number) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
    }
    return v.map(render).join(', ');
  }
  const o = obj(v);
  if (o) {
    if ('Value' in o) return render(o.Value); // SecurityIdentifier: { BinaryLength, AccountDomainSid, Value }
    if (typeof o.Guid === 'string') return `{${o.Guid.toUpperCase()}}`; // Windows PowerShell 5.1's Guid
    if ('value' in o) return render(o.value);
    return JSON.stringify(o);
  }
  return String(v);
}

function integer(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function skipSpace(text: string, i: number): number {
  let j = i;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xfeff) j++;
    else break;
  }
  return j;
}

/**
 * Finds the end of the JSON value starting at i (an object or array; strings and brackets are
 * matched) and returns its text with long integers quoted. Reports a value that never ends.
 */
function scanValue(text: string, i: number): { end: number; json: string } | { error: string; at: number } {
  const first = text[i];
  if (first !== '{' && first !== '[') return { error: 'not a JSON object', at: i };
  let depth = 0;
  let j = i;
  let out = '';
  let copied = i;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 0x22) {
      j++;
      while (j < text.length) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) j += 2;
        else if (d === 0x22) break;
        else j++;
      }
      if (j >= text.length) break;
      j++;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      j++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      j++;
      if (depth === 0) return { end: j, json: out + text.slice(copied, j) };
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let k = j + 1;
      while (k < text.length && /[0-9.eE+-]/.test(text[k]!)) k++;
      const token = text.slice(j, k);
      if (/^-?\d{16,}$/.test(token)) {
        out += `${text.slice(copied, j)}"${token}"`;
        copied = k;
      }
      j = k;
    } else {
      j++;
    }
  }
  return { error: 'the JSON is cut off', at: i };
}
