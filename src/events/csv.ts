// CSV exports. Two kinds reach us:
// - Event Viewer's "Save All Events As... > CSV": a header of five columns (Level, Date and Time,
//   Source, Event ID, Task Category, in the exporter's language) and rows of six, the sixth being
//   the rendered message. No record ID, no channel, no event data, local time without a zone.
// - PowerShell's `Get-WinEvent | Export-Csv` (Windows PowerShell 5.1 starts with a #TYPE line):
//   a column per property (Id, RecordId, TimeCreated, ProviderName, LogName, Level, Message, ...),
//   possibly only some of them after Select-Object. Properties collapses to a .NET type name, so
//   the event data is lost; TimeCreated is written in the exporter's culture, local time.
// What each kind loses is said once per file as a warning, so no one mistakes a gap for a fact.
import { InputError } from '../types.js';
import { canonicalProvider } from './fields.js';
import { levelFromName } from './levels.js';
import { lineCounter } from './lines.js';
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

/**
 * RFC 4180 rows: quoted fields may hold the delimiter, doubled quotes and line breaks (messages
 * are multi-line). An unterminated quote at the end is reported through onUnterminated.
 */
export function parseCsvRows(
  text: string,
  delimiter: string,
  onUnterminated?: (line: number) => void,
): CsvRow[] {
  const rows: CsvRow[] = [];
  const lines = lineCounter(text);
  let i = 0;
  const n = text.length;
  while (i < n) {
    const rowStart = i;
    const fields: string[] = [];
    let field = '';
    let endOfRow = false;
    while (!endOfRow) {
      if (text[i] === '"') {
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q === -1) {
            field += text.slice(i);
            i = n;
            onUnterminated?.(lines(rowStart));
            break;
          }
          field += text.slice(i, q);
          if (text[q + 1] === '"') {
            field += '"';
            i = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
      }
      // Unquoted text (or text after a closing quote, kept as Excel does).
      while (i < n && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') field += text[i++];
      fields.push(field);
      field = '';
      if (i >= n) endOfRow = true;
      else if (text[i] === delimiter) i++;
      else {
        if (text[i] === '\r' && text[i + 1] === '\n') i += 2;
        else i++;
        endOfRow = true;
      }
    }
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ fields, line: lines(rowStart) });
  }
  return rows;
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
  const delimiter = detectDelimiter(firstLine);
  const rows = parseCsvRows(body, delimiter).slice(0, 3);
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

/** Every readable row of a CSV export as a record. Throws InputError when the CSV is neither kind. */
export function* parseEventCsv(text: string, options: ReadOptions = {}): Generator<EventRecord> {
  const source = options.source ?? '-';
  const flavour = csvFlavour(text);
  if (!flavour) throw new InputError(source, 'this CSV is neither an Event Viewer nor a Get-WinEvent export');
  const warn = (line: number, message: string, recordId?: number): void =>
    options.onWarning?.({ source, message, line, ...(recordId !== undefined ? { recordId } : {}) });

  let body = text;
  let lineOffset = 0;
  if (body.startsWith('#TYPE')) {
    const nl = body.indexOf('\n');
    body = nl === -1 ? '' : body.slice(nl + 1);
    lineOffset = 1;
  }
  const delimiter = detectDelimiter(body.slice(0, body.search(/\r?\n|$/)));
  const rows = parseCsvRows(body, delimiter, (line) =>
    warn(line + lineOffset, 'a quoted field never ends: the rest of the file is read as one field'),
  );
  for (const r of rows) r.line += lineOffset;
  const [header, ...data] = rows;
  if (!header) return;
  if (flavour === 'eventviewer') yield* eventViewerRows(data, delimiter, source, warn);
  else yield* powershellRows(header.fields, data, source, warn);
}

type Warn = (line: number, message: string, recordId?: number) => void;

function* eventViewerRows(
  rows: CsvRow[],
  delimiter: string,
  source: string,
  warn: Warn,
): Generator<EventRecord> {
  const first = rows[0]?.line ?? 1;
  const { order, certain } = detectDateOrder(rows.map((r) => r.fields[1] ?? ''));
  warn(
    first,
    'an Event Viewer CSV has no record IDs, channel, event data or time zone: records are numbered by row, ' +
      "only the message is kept, and times (the exporting machine's local time) are read as UTC",
  );
  if (!certain) warn(first, `no date tells day from month: dates are read ${orderName(order)}`);
  const unknownLevels = new Set<string>();
  let n = 0;
  for (const row of rows) {
    n++;
    const [levelName = '', date = '', provider = '', id = '', , ...rest] = row.fields;
    const eventId = /^\d+$/.test(id.trim()) ? Number(id.trim()) : undefined;
    const time = parseLocalDateTime(date, order)?.time;
    if (eventId === undefined || time === undefined) {
      warn(row.line, `row without a readable ${eventId === undefined ? 'Event ID' : 'date'}: skipped`);
      continue;
    }
    const level = levelFromName(levelName);
    if (level === undefined && levelName.trim()) unknownLevels.add(levelName.trim());
    const record: EventRecord = {
      source,
      recordId: n,
      time,
      provider: canonicalProvider(provider),
      eventId,
      level: level ?? 0,
      data: {},
    };
    // An unquoted message with the delimiter in it spans several fields.
    const message = rest.join(delimiter);
    if (message) record.message = message;
    yield record;
  }
  if (unknownLevels.size > 0) {
    warn(first, `level names not recognised, read as level 0: ${[...unknownLevels].join(', ')}`);
  }
}

function* powershellRows(
  header: string[],
  rows: CsvRow[],
  source: string,
  warn: Warn,
): Generator<EventRecord> {
  const col = (name: string): number => header.findIndex((h) => h.trim().toLowerCase() === name);
  const c = {
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
  const first = rows[0]?.line ?? 1;
  const get = (row: CsvRow, i: number): string | undefined => (i >= 0 ? row.fields[i] : undefined);
  const times = rows.map((r) => get(r, c.time) ?? '');
  const isoTimes = times.every((t) => t === '' || normalizeIsoTime(t) !== undefined);
  const { order, certain } = detectDateOrder(times);
  warn(first, 'Export-Csv keeps no event data (Properties holds only a type name): only the message is kept');
  let local = false;
  if (!isoTimes && !certain) warn(first, `no date tells day from month: dates are read ${orderName(order)}`);
  const unknownLevels = new Set<string>();
  let n = 0;
  for (const row of rows) {
    n++;
    const idText = (get(row, c.id) ?? '').trim();
    const recordIdText = (get(row, c.recordId) ?? '').trim();
    const recordId = /^\d+$/.test(recordIdText) ? Number(recordIdText) : undefined;
    const timeText = get(row, c.time) ?? '';
    let time = normalizeIsoTime(timeText);
    if (time === undefined) {
      const parsed = parseLocalDateTime(timeText, order);
      time = parsed?.time;
      if (parsed?.local) local = true;
    }
    if (!/^\d+$/.test(idText) || time === undefined) {
      warn(
        row.line,
        `row without a readable ${/^\d+$/.test(idText) ? 'TimeCreated' : 'Id'}: skipped`,
        recordId,
      );
      continue;
    }
    const levelText = (get(row, c.level) ?? '').trim();
    const levelName = (get(row, c.levelName) ?? '').trim();
    let level = /^\d+$/.test(levelText) ? Number(levelText) : levelFromName(levelName || levelText);
    if (level === undefined) {
      if (levelName || levelText) unknownLevels.add(levelName || levelText);
      level = 0;
    }
    const record: EventRecord = {
      source,
      recordId: recordId ?? n,
      time,
      provider: (get(row, c.provider) ?? '').trim(),
      eventId: Number(idText),
      level,
      data: {},
    };
    const channel = get(row, c.channel)?.trim();
    if (channel) record.channel = channel;
    const computer = get(row, c.computer)?.trim();
    if (computer) record.computer = computer;
    const message = get(row, c.message);
    if (message) record.message = message;
    yield record;
  }
  if (c.recordId < 0) warn(first, 'no RecordId column: records are numbered by row');
  if (local) {
    warn(first, "TimeCreated carries no time zone (the exporting machine's local time): read as UTC");
  }
  if (unknownLevels.size > 0) {
    warn(first, `level names not recognised, read as level 0: ${[...unknownLevels].join(', ')}`);
  }
}

function orderName(order: DateOrder): string {
  return order === 'mdy' ? 'month first' : order === 'dmy' ? 'day first' : 'year first';
}
