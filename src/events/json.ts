// JSON exports: `Get-WinEvent | ConvertTo-Json` (one object or an array; Windows PowerShell 5.1
// writes dates as /Date(ms)/, PowerShell 7 as ISO with the local offset) and the JSON lines that
// `events --format jsonl` prints, so its output can be read back. Get-WinEvent keeps only
// Properties[].Value: names come back from ./fields.ts for the events whose field order is known.
//
// Values are cut out one by one (array elements or a run of top-level objects) and parsed one by
// one, so a damaged or truncated file still yields the records before the damage. Integers longer
// than 15 digits are turned into strings before JSON.parse so that 64-bit values keep every digit.
import type { TextEncoding } from '../input/decode.js';
import { InputError } from '../types.js';
import { putData } from './data.js';
import { nameValues } from './fields.js';
import { levelFromName } from './levels.js';
import { type PushReader, pushAll, TextBuffer } from './text-stream.js';
import { normalizeIsoTime, parseMsJsonDate } from './time.js';
import type { EventRecord, ReadOptions, ReadWarning } from './types.js';

export interface JsonReadOptions extends ReadOptions {
  encoding?: TextEncoding;
}

/** The largest JSON value (one record) read (larger ones are skipped, with a warning): 16 MiB of characters. */
export const MAX_JSON_VALUE = 16 << 20;

/** Every readable record in a JSON export, in file order. Throws InputError when the text holds no JSON object. */
export function parseEventJson(text: string, options: JsonReadOptions = {}): Generator<EventRecord> {
  return pushAll(jsonReader(options), text, undefined, options.onProgress);
}

type Warn = (index: number, code: string, message: string, extra?: Partial<ReadWarning>) => void;

/**
 * Turns each value the scanner cut out into a record (or a warning): parsed once, then read as a
 * Get-WinEvent object or as one of our own JSON lines. `counted` is told of every value.
 */
function recordMaker(
  source: string,
  warn: Warn,
  counted: () => void,
): (start: number, json: string, out: EventRecord[]) => void {
  const once = new Set<string>();
  let position = 0;
  return (start, json, out) => {
    counted();
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (err) {
      warn(
        start,
        'json-malformed',
        `malformed JSON (${err instanceof Error ? err.message : String(err)}): skipped`,
      );
      return;
    }
    position++;
    const o = obj(value);
    if (!o) {
      warn(start, 'json-not-object', 'a JSON value that is not an object: skipped');
      return;
    }
    const record = isGetWinEvent(o)
      ? fromGetWinEvent(
          o,
          source,
          position,
          (key, message) => {
            if (once.has(key)) return;
            once.add(key);
            warn(start, `json-${key}`, message);
          },
          (m, r) => warn(start, 'json-bad-record', m, r === undefined ? {} : { recordId: r }),
        )
      : isEventRecord(o)
        ? fromEventRecord(o, source)
        : undefined;
    if (record) out.push(record);
    else if (!isGetWinEvent(o))
      warn(start, 'json-not-event', 'a JSON object that is not an event record: skipped');
  };
}

/**
 * The JSON reader fed piece by piece: values (array elements or a run of top-level objects) are
 * cut out by a scanner that keeps its state between pieces (inside a string, the depth, long
 * integers quoted on the way), and each is parsed once whole. Memory holds one value, never the
 * file; a value larger than MAX_JSON_VALUE is skipped with a warning.
 */
export function jsonReader(options: JsonReadOptions = {}): PushReader<EventRecord> {
  const source = options.source ?? '-';
  const buf = new TextBuffer(options.encoding ?? 'utf-8');
  const warn: Warn = (index, code, message, extra = {}) => {
    const { line, offset } = buf.placeAt(index);
    options.onWarning?.({ source, code, message, line, offset, ...extra });
  };
  const scan = new ValueScanner();
  let started = false;
  let inArray = false;
  let done = false;
  let seen = 0;

  const toRecord = recordMaker(source, warn, () => seen++);

  // A value still arriving is scanned on once the buffer has doubled: appending stays cheap and
  // the text is joined (flattened) a logarithmic number of times, so a large value costs linear time.
  let retryLength = 0;
  const run = (final: boolean): EventRecord[] => {
    const out: EventRecord[] = [];
    if (scan.active && !final && buf.text.length < retryLength) return out;
    let i = 0;
    const text = buf.text;
    while (!done) {
      if (scan.active) {
        const r = scan.scan(text, buf.base, final);
        if (r.kind === 'more') {
          i = r.keepFrom;
          retryLength = 2 * (text.length - i);
          break;
        }
        if (r.kind === 'too-large') {
          warn(
            scan.start,
            'json-too-large',
            `a JSON value of more than ${MAX_JSON_VALUE} characters: skipped`,
          );
          continue;
        }
        if (r.kind === 'cut-off') {
          warn(scan.start, 'json-cut-off', 'the JSON is cut off: the rest of the file is skipped');
          done = true;
          break;
        }
        i = r.end;
        if (r.kind === 'value') toRecord(scan.start, r.json, out);
        continue;
      }
      i = skipSpace(text, i);
      if (!started) {
        if (i >= text.length) break;
        started = true;
        inArray = text[i] === '[';
        if (inArray) i++;
        continue;
      }
      if (inArray && text[i] === ',') {
        i++;
        continue;
      }
      if (i >= text.length) break;
      if (inArray && text[i] === ']') {
        done = true;
        break;
      }
      const c = text[i];
      if (c !== '{' && c !== '[') {
        warn(buf.base + i, 'json-not-object', 'not a JSON object: the rest of the file is skipped');
        done = true;
        break;
      }
      scan.begin(buf.base + i);
    }
    buf.drop(done ? buf.text.length : i);
    if (final && seen === 0) throw new InputError(source, 'no JSON object: this is not an event log export');
    return out;
  };

  return {
    push(text) {
      if (done) return [];
      buf.append(text);
      return run(false);
    },
    end() {
      return run(true);
    },
  };
}

type ScanResult =
  | { kind: 'value'; end: number; json: string }
  | { kind: 'skipped'; end: number }
  | { kind: 'too-large' }
  | { kind: 'cut-off' }
  | { kind: 'more'; keepFrom: number };

/**
 * Finds the end of one JSON value (strings and brackets matched), across pieces of text, and
 * returns its text with integers of 16 digits or more quoted, so JSON.parse keeps every digit.
 */
class ValueScanner {
  active = false;
  /** Global index of the value's first character. */
  start = 0;
  private at = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private out = '';
  private copied = 0;
  private skipping = false;

  begin(start: number): void {
    this.active = true;
    this.start = start;
    this.at = start;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.out = '';
    this.copied = start;
    this.skipping = false;
  }

  /** Scans on in `text` (whose first character has global index `base`). */
  scan(text: string, base: number, final: boolean): ScanResult {
    let j = this.at - base;
    const n = text.length;
    const limit = this.start + MAX_JSON_VALUE - base;
    const copy = (to: number): void => {
      if (!this.skipping) this.out += text.slice(this.copied - base, to);
      this.copied = base + to;
    };
    while (j < n) {
      if (j > limit && !this.skipping) {
        this.skipping = true;
        this.out = '';
        this.at = base + j;
        this.copied = this.at;
        return { kind: 'too-large' };
      }
      const c = text.charCodeAt(j);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
        j++;
        continue;
      }
      if (c === 0x22) {
        this.inString = true;
        j++;
      } else if (c === 0x7b || c === 0x5b) {
        this.depth++;
        j++;
      } else if (c === 0x7d || c === 0x5d) {
        this.depth--;
        j++;
        if (this.depth === 0) {
          this.active = false;
          if (this.skipping) return { kind: 'skipped', end: j };
          copy(j);
          return { kind: 'value', end: j, json: this.out };
        }
      } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
        let k = j + 1;
        while (k < n && isNumberChar(text.charCodeAt(k))) k++;
        if (k === n && !final) break; // the number may go on in the next piece
        const token = text.slice(j, k);
        if (/^-?\d{16,}$/.test(token)) {
          copy(j);
          if (!this.skipping) this.out += `"${token}"`;
          this.copied = base + k;
        }
        j = k;
      } else {
        j++;
      }
    }
    this.at = base + j;
    if (j >= n && final) {
      this.active = false;
      return { kind: 'cut-off' };
    }
    // Keep the value's text from its start while it is kept (its warnings name its start).
    if (!this.skipping) return { kind: 'more', keepFrom: this.start - base };
    this.copied = this.at;
    return { kind: 'more', keepFrom: j };
  }
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
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
