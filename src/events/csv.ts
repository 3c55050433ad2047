// CSV exports. Two kinds reach us:
// - Event Viewer's "Save All Events As... > CSV": a header of five columns (Level, Date and Time,
//   Source, Event ID, Task Category, in the exporter's language) and rows of six, the sixth being
//   the rendered message. No record ID, no channel, no event data, local time without a zone.
// - PowerShell's `Get-WinEvent | Export-Csv` (Windows PowerShell 5.1 starts with a #TYPE line):
//   a column per property (Id, RecordId, TimeCreated, ProviderName, LogName, Level, Message, ...),
//   possibly only some of them after Select-Object. Properties collapses to a .NET type name, so
//   the event data is lost; TimeCreated is written in the exporter's culture, local time.
// What each kind loses is said once per file as a warning, so no one mistakes a gap for a fact.
import type { TextEncoding } from '../input/decode.js';
import { InputError } from '../types.js';
import { canonicalProvider } from './fields.js';
import { levelFromName } from './levels.js';
import { type PushReader, pushAll, TextPositions } from './text-stream.js';
import { type DateOrder, detectDateOrder, normalizeIsoTime, parseLocalDateTime } from './time.js';
import type { EventRecord, ReadOptions } from './types.js';

export interface CsvRow {
  fields: string[];
  /** The line the row starts on. */
  line: number;
}

/** Which character separates fields, judged from the header line (outside quotes). */
export function detectDelimiter(line: string): string {
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && c in counts) counts[c]!++;
  }
  return Object.entries(counts).sort((a, b) => b[1] - a[1])[0]![0];
}

/** The longest field kept (longer ones are cut, with a warning): 1 MiB of characters. */
export const MAX_CSV_FIELD = 1 << 20;

/** A row with where it starts in the file. */
export interface PlacedRow extends CsvRow {
  offset: number;
}

/**
 * RFC 4180 rows, fed piece by piece: quoted fields may hold the delimiter, doubled quotes and line
 * breaks (messages are multi-line). The state (inside quotes or not, the fields so far) is kept
 * between pieces, so every character is looked at once whatever the size of a row, and a field is
 * cut at MAX_CSV_FIELD characters. An unterminated quote is reported at the end.
 */
export class CsvRowReader {
  private fields: string[] = [];
  private field = '';
  private fieldLength = 0;
  private quoted = false;
  /** Just after a closing quote (a doubled quote may follow in the next piece). */
  private afterQuote = false;
  private pendingCR = false;
  private rowStarted = false;
  private rowLine = 1;
  private rowOffset = 0;
  private cutReported = false;
  private line = 1;
  private readonly positions: TextPositions;

  constructor(
    private readonly delimiter: string,
    encoding: TextEncoding = 'utf-8',
    /** Lines before the text fed (a #TYPE line already read). */
    lineOffset = 0,
    private readonly onCut?: (line: number, offset: number) => void,
  ) {
    this.positions = new TextPositions(encoding);
    this.line += lineOffset;
    this.rowLine = this.line;
  }

  push(text: string, out: PlacedRow[]): void {
    const d = this.delimiter;
    const n = text.length;
    let counted = 0;
    // The place of index i of this piece: count the text up to it.
    const placeOf = (i: number) => {
      this.positions.advance(text.slice(counted, i));
      counted = i;
      return this.positions.place();
    };
    let i = 0;
    if (this.pendingCR) {
      this.pendingCR = false;
      if (text[0] === '\n') i = 1;
      this.line++;
    }
    while (i < n) {
      if (!this.rowStarted) {
        this.rowStarted = true;
        this.rowLine = this.line;
        this.rowOffset = placeOf(i).offset;
      }
      if (this.quoted) {
        const q = text.indexOf('"', i);
        const stop = q === -1 ? n : q;
        this.addText(text, i, stop);
        i = stop;
        if (q === -1) break;
        this.quoted = false;
        this.afterQuote = true;
        i++;
        continue;
      }
      const c = text[i]!;
      if (this.afterQuote) {
        this.afterQuote = false;
        if (c === '"') {
          this.addText('"', 0, 1);
          this.quoted = true;
          i++;
          continue;
        }
      }
      if (c === '"' && this.fieldLength === 0) {
        this.quoted = true;
        i++;
        continue;
      }
      if (c === d) {
        this.endField();
        i++;
        continue;
      }
      if (c === '\n' || c === '\r') {
        this.endField();
        this.endRow(out);
        if (c === '\r') {
          if (i + 1 === n) {
            this.pendingCR = true;
            i++;
            continue;
          }
          if (text[i + 1] === '\n') i++;
        }
        this.line++;
        i++;
        continue;
      }
      // Unquoted text (or text after a closing quote, kept as Excel does).
      let j = i;
      while (j < n && text[j] !== d && text[j] !== '\n' && text[j] !== '\r') j++;
      this.addText(text, i, j);
      i = j;
    }
    placeOf(n);
  }

  /** Counts text read before the rows (a #TYPE line) for the byte offsets. */
  skipBytes(text: string): void {
    this.positions.advance(text);
  }

  /** The end of the input: the last row, and whether a quoted field was left open. */
  end(out: PlacedRow[]): { unterminated?: number } {
    const open = this.quoted ? this.rowLine : undefined;
    if (this.rowStarted) {
      this.endField();
      this.endRow(out);
    }
    return open !== undefined ? { unterminated: open } : {};
  }

  private addText(text: string, from: number, to: number): void {
    for (let i = from; i < to; i++) if (text.charCodeAt(i) === 0x0a) this.line++;
    const room = MAX_CSV_FIELD - this.fieldLength;
    if (to - from > room) {
      if (!this.cutReported) this.onCut?.(this.rowLine, this.rowOffset);
      this.cutReported = true;
      if (room > 0) this.field += text.slice(from, from + room);
      this.fieldLength = MAX_CSV_FIELD;
      return;
    }
    this.field += text.slice(from, to);
    this.fieldLength += to - from;
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.fieldLength = 0;
  }

  private endRow(out: PlacedRow[]): void {
    const fields = this.fields;
    this.fields = [];
    this.rowStarted = false;
    this.cutReported = false;
    if (!(fields.length === 1 && fields[0] === '')) {
      out.push({ fields, line: this.rowLine, offset: this.rowOffset });
    }
  }
}

/**
 * RFC 4180 rows of a whole text (see CsvRowReader). An unterminated quote at the end is reported
 * through onUnterminated.
 */
export function parseCsvRows(
  text: string,
  delimiter: string,
  onUnterminated?: (line: number) => void,
): CsvRow[] {
  const reader = new CsvRowReader(delimiter);
  const rows: PlacedRow[] = [];
  reader.push(text, rows);
  const { unterminated } = reader.end(rows);
  if (unterminated !== undefined) onUnterminated?.(unterminated);
  return rows.map(({ fields, line }) => ({ fields, line }));
}

const POWERSHELL_COLUMNS = [
  'providername',
  'timecreated',
  'recordid',
  'logname',
  'leveldisplayname',
  'machinename',
];

export type CsvFlavour = 'powershell' | 'eventviewer';

/** Which kind of CSV export the first lines are, if any. */
export function csvFlavour(text: string): CsvFlavour | undefined {
  const head = text.slice(0, 65536);
  const body = head.startsWith('#TYPE') ? head.slice(head.indexOf('\n') + 1) : head;
  const firstLine = body.slice(0, body.search(/\r?\n|$/));
  // A first line with neither a delimiter nor a quote is a one-column header, which neither export
  // has: no need to read the rows of a text that is not CSV (a dsregcmd capture is sniffed here too).
  if (!/[,;\t"]/.test(firstLine)) return undefined;
  const delimiter = detectDelimiter(firstLine);
  // Only the first rows decide: read piece by piece and stop there, not through the whole head.
  const reader = new CsvRowReader(delimiter);
  const rows: PlacedRow[] = [];
  for (let at = 0; at < body.length && rows.length < 3; at += 512)
    reader.push(body.slice(at, at + 512), rows);
  if (rows.length < 3) reader.end(rows);
  const header = rows[0]?.fields.map((f) => f.trim().toLowerCase());
  if (!header) return undefined;
  if (header.includes('id') && header.some((h) => POWERSHELL_COLUMNS.includes(h))) return 'powershell';
  const row = rows[1]?.fields;
  if (
    (header.length === 5 || header.length === 6) &&
    row &&
    row.length >= 5 &&
    /^\d+$/.test(row[3]!.trim()) &&
    parseLocalDateTime(row[1]!, detectDateOrder([row[1]!]).order) !== undefined
  ) {
    return 'eventviewer';
  }
  return undefined;
}

/** Rows held back to judge the date order on (the rest are read with the order they show). */
const DATE_SAMPLE_ROWS = 10_000;

/** Every readable row of a CSV export as a record. Throws InputError when the CSV is neither kind. */
export function parseEventCsv(text: string, options: CsvReadOptions = {}): Generator<EventRecord> {
  const source = options.source ?? '-';
  if (!csvFlavour(text)) throw notEventCsv(source);
  return pushAll(csvReader(options), text, undefined, options.onProgress);
}

export interface CsvReadOptions extends ReadOptions {
  encoding?: TextEncoding;
}

function notEventCsv(source: string): InputError {
  return new InputError(source, 'this CSV is neither an Event Viewer nor a Get-WinEvent export');
}

/**
 * The CSV reader fed piece by piece. The first 64 KiB tell the kind of export and the delimiter;
 * the first rows (up to DATE_SAMPLE_ROWS) tell the date order; then every row becomes a record as
 * it arrives. Throws InputError when the head is neither kind of export.
 */
export function csvReader(options: CsvReadOptions = {}): PushReader<EventRecord> {
  const source = options.source ?? '-';
  const encoding = options.encoding ?? 'utf-8';
  const warn: Warn = (line, message, recordId, code = 'csv-bad-row', offset) =>
    options.onWarning?.({
      source,
      code,
      message,
      line,
      ...(offset !== undefined ? { offset } : {}),
      ...(recordId !== undefined ? { recordId } : {}),
    });
  let head = '';
  let rows: CsvRowReader | undefined;
  let consumer: RowConsumer | undefined;
  let header: PlacedRow | undefined;
  const pending: PlacedRow[] = [];

  const start = (): void => {
    const flavour = csvFlavour(head);
    if (!flavour) throw notEventCsv(source);
    let body = head;
    let lineOffset = 0;
    let skipped = '';
    if (body.startsWith('#TYPE')) {
      const nl = body.indexOf('\n');
      skipped = nl === -1 ? body : body.slice(0, nl + 1);
      body = nl === -1 ? '' : body.slice(nl + 1);
      lineOffset = 1;
    }
    const delimiter = detectDelimiter(body.slice(0, body.search(/\r?\n|$/)));
    rows = new CsvRowReader(delimiter, encoding, lineOffset, (line, offset) =>
      warn(
        line,
        `a field of more than ${MAX_CSV_FIELD} characters: cut to that length`,
        undefined,
        'csv-field-too-long',
        offset,
      ),
    );
    consumer =
      flavour === 'eventviewer'
        ? new EventViewerRows(delimiter, source, warn)
        : new PowershellRows(source, warn);
    if (skipped) rows.skipBytes(skipped);
    head = '';
    rows.push(body, pending);
  };
  const take = (final: boolean): EventRecord[] => {
    const out: EventRecord[] = [];
    if (!header) header = pending.shift();
    if (header && consumer && !consumer.started) consumer.begin(header.fields);
    if (pending.length > 0 || final) {
      consumer!.rows(pending.splice(0), final, out);
    }
    return out;
  };
  return {
    push(text) {
      if (!rows) {
        head += text;
        if (head.length < 65536) return [];
        start();
      } else rows.push(text, pending);
      return take(false);
    },
    end() {
      if (!rows) start();
      const { unterminated } = rows!.end(pending);
      const out = take(true);
      if (unterminated !== undefined) {
        warn(
          unterminated,
          'a quoted field never ends: the rest of the file is read as one field',
          undefined,
          'csv-unterminated-quote',
        );
      }
      return out;
    },
  };
}

type Warn = (line: number, message: string, recordId?: number, code?: string, offset?: number) => void;

/** Turns rows into records; holds the first rows back until it knows the date order. */
abstract class RowConsumer {
  started = false;
  protected order: DateOrder = 'dmy';
  private decided = false;
  private held: PlacedRow[] = [];
  protected first = 1;

  begin(_header: string[]): void {
    this.started = true;
  }

  rows(rows: PlacedRow[], final: boolean, out: EventRecord[]): void {
    if (!this.decided) {
      for (const r of rows) this.held.push(r);
      if (!final && this.held.length < DATE_SAMPLE_ROWS) return;
      this.decided = true;
      this.first = this.held[0]?.line ?? 1;
      this.decide(this.held);
      rows = this.held;
      this.held = [];
    }
    for (const r of rows) {
      const rec = this.record(r);
      if (rec) out.push(rec);
    }
    if (final) this.finish();
  }

  protected abstract decide(sample: PlacedRow[]): void;
  protected abstract record(row: PlacedRow): EventRecord | undefined;
  protected abstract finish(): void;
}

class EventViewerRows extends RowConsumer {
  private readonly unknownLevels = new Set<string>();
  private n = 0;

  constructor(
    private readonly delimiter: string,
    private readonly source: string,
    private readonly warn: Warn,
  ) {
    super();
  }

  protected decide(sample: PlacedRow[]): void {
    const { order, certain } = detectDateOrder(sample.map((r) => r.fields[1] ?? ''));
    this.order = order;
    this.warn(
      this.first,
      'an Event Viewer CSV has no record IDs, channel, event data or time zone: records are numbered by row, ' +
        "only the message is kept, and times (the exporting machine's local time) are read as UTC",
      undefined,
      'csv-eventviewer-limits',
    );
    if (!certain)
      this.warn(
        this.first,
        `no date tells day from month: dates are read ${orderName(order)}`,
        undefined,
        'csv-date-order',
      );
  }

  protected record(row: PlacedRow): EventRecord | undefined {
    this.n++;
    const [levelName = '', date = '', provider = '', id = '', , ...rest] = row.fields;
    const eventId = /^\d+$/.test(id.trim()) ? Number(id.trim()) : undefined;
    const time = parseLocalDateTime(date, this.order)?.time;
    if (eventId === undefined || time === undefined) {
      this.warn(
        row.line,
        `row without a readable ${eventId === undefined ? 'Event ID' : 'date'}: skipped`,
        undefined,
        'csv-bad-row',
        row.offset,
      );
      return undefined;
    }
    const level = levelFromName(levelName);
    if (level === undefined && levelName.trim()) this.unknownLevels.add(levelName.trim());
    const record: EventRecord = {
      source: this.source,
      recordId: this.n,
      time,
      provider: canonicalProvider(provider),
      eventId,
      level: level ?? 0,
      data: {},
    };
    // An unquoted message with the delimiter in it spans several fields.
    const message = rest.join(this.delimiter);
    if (message) record.message = message;
    return record;
  }

  protected finish(): void {
    if (this.unknownLevels.size > 0) {
      this.warn(
        this.first,
        `level names not recognised, read as level 0: ${[...this.unknownLevels].join(', ')}`,
        undefined,
        'csv-unknown-level',
      );
    }
  }
}

class PowershellRows extends RowConsumer {
  private c:
    | Record<
        'id' | 'recordId' | 'time' | 'provider' | 'channel' | 'level' | 'levelName' | 'computer' | 'message',
        number
      >
    | undefined;
  private isoTimes = true;
  private local = false;
  private readonly unknownLevels = new Set<string>();
  private n = 0;

  constructor(
    private readonly source: string,
    private readonly warn: Warn,
  ) {
    super();
  }

  override begin(header: string[]): void {
    super.begin(header);
    const col = (name: string): number => header.findIndex((h) => h.trim().toLowerCase() === name);
    this.c = {
      id: col('id'),
      recordId: col('recordid'),
      time: col('timecreated'),
      provider: col('providername'),
      channel: col('logname'),
      level: col('level'),
      levelName: col('leveldisplayname'),
      computer: col('machinename'),
      message: col('message'),
    };
  }

  private get(row: CsvRow, i: number): string | undefined {
    return i >= 0 ? row.fields[i] : undefined;
  }

  protected decide(sample: PlacedRow[]): void {
    const times = sample.map((r) => this.get(r, this.c!.time) ?? '');
    this.isoTimes = times.every((t) => t === '' || normalizeIsoTime(t) !== undefined);
    const { order, certain } = detectDateOrder(times);
    this.order = order;
    this.warn(
      this.first,
      'Export-Csv keeps no event data (Properties holds only a type name): only the message is kept',
      undefined,
      'csv-no-event-data',
    );
    if (!this.isoTimes && !certain) {
      this.warn(
        this.first,
        `no date tells day from month: dates are read ${orderName(order)}`,
        undefined,
        'csv-date-order',
      );
    }
  }

  protected record(row: PlacedRow): EventRecord | undefined {
    const c = this.c!;
    this.n++;
    const idText = (this.get(row, c.id) ?? '').trim();
    const recordIdText = (this.get(row, c.recordId) ?? '').trim();
    const recordId = /^\d+$/.test(recordIdText) ? Number(recordIdText) : undefined;
    const timeText = this.get(row, c.time) ?? '';
    let time = normalizeIsoTime(timeText);
    if (time === undefined) {
      const parsed = parseLocalDateTime(timeText, this.order);
      time = parsed?.time;
      if (parsed?.local) this.local = true;
    }
    if (!/^\d+$/.test(idText) || time === undefined) {
      this.warn(
        row.line,
        `row without a readable ${/^\d+$/.test(idText) ? 'TimeCreated' : 'Id'}: skipped`,
        recordId,
        'csv-bad-row',
        row.offset,
      );
      return undefined;
    }
    const levelText = (this.get(row, c.level) ?? '').trim();
    const levelName = (this.get(row, c.levelName) ?? '').trim();
    let level = /^\d+$/.test(levelText) ? Number(levelText) : levelFromName(levelName || levelText);
    if (level === undefined) {
      if (levelName || levelText) this.unknownLevels.add(levelName || levelText);
      level = 0;
    }
    const record: EventRecord = {
      source: this.source,
      recordId: recordId ?? this.n,
      time,
      provider: (this.get(row, c.provider) ?? '').trim(),
      eventId: Number(idText),
      level,
      data: {},
    };
    const channel = this.get(row, c.channel)?.trim();
    if (channel) record.channel = channel;
    const computer = this.get(row, c.computer)?.trim();
    if (computer) record.computer = computer;
    const message = this.get(row, c.message);
    if (message) record.message = message;
    return record;
  }

  protected finish(): void {
    if (this.c!.recordId < 0)
      this.warn(this.first, 'no RecordId column: records are numbered by row', undefined, 'csv-no-record-id');
    if (this.local) {
      this.warn(
        this.first,
        "TimeCreated carries no time zone (the exporting machine's local time): read as UTC",
        undefined,
        'csv-local-time',
      );
    }
    if (this.unknownLevels.size > 0) {
      this.warn(
        this.first,
        `level names not recognised, read as level 0: ${[...this.unknownLevels].join(', ')}`,
        undefined,
        'csv-unknown-level',
      );
    }
  }
}

function orderName(order: DateOrder): string {
  return order === 'mdy' ? 'month first' : order === 'dmy' ? 'day first' : 'year first';
}
