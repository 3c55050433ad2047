// Redaction: replaces what names a person, a device or an organisation with stable pseudonyms, in
// parsed evidence (dsregcmd fields, event records), in raw text (a capture, an event export) and in
// a Diagnosis, and keeps what the diagnosis needs: error codes, phases, states, Microsoft endpoints,
// and times unless asked.
//
// Two steps. Learning (learn.ts) reads inputs as the real readers give them and records which
// values are identifiers and of what kind (values.ts takes one value apart by its kind). Replacing
// (replace.ts) then works line by line: a learned value is replaced as a whole where a field of an
// identifier kind holds it (kinds.ts), and chased through running text as a whole word unless it is
// an ordinary word there (a DomainName of SYNC leaves "Registration Type : sync" alone); then the
// shapes of identifiers are replaced (patterns.ts). The diagnosis walk is walk.ts.
// Pure: no I/O; the same code runs in the browser.
import { type DsregStatus, parseDsregcmd } from '../dsregcmd/parse.js';
import { readEvents, sniffEventText } from '../events/read.js';
import type { EventRecord } from '../events/types.js';
import type { Diagnosis } from '../types.js';
import type { FieldKind } from './kinds.js';
import { createLearner } from './learn.js';
import { countKinds, createLiterals, findLeaks } from './literals.js';
import { type IdentifierKind, PseudonymTable } from './pseudonyms.js';
import { type Replacing, replaceRecord, replaceText } from './replace.js';
import { walkDiagnosis } from './walk.js';

export type { IdentifierKind } from './pseudonyms.js';

export interface RedactOptions {
  /** Replace times and dates too (certificate validity, PRT times, event times). Default false. */
  times?: boolean;
  /** Replace identifiers (default true); false with `times` replaces times only. */
  identifiers?: boolean;
}

export interface Redactor {
  readonly options: Readonly<RedactOptions>;
  /**
   * Reads a raw input to learn its identifiers, through the real readers: an event export's records,
   * or the fields of a `dsregcmd /status` capture.
   */
  learn(text: string): void;
  /** Learns the identifiers of a parsed capture. */
  learnStatus(status: DsregStatus): void;
  /** Learns the identifiers of event records (computer, user, tenant, device, address fields). */
  learnEvents(records: Iterable<EventRecord>): void;
  /** Records one value as an identifier of a kind. */
  learnValue(kind: FieldKind, value: string | undefined): void;
  /**
   * The redacted copy of a text: same lines, same line breaks. With `xml`, pseudonyms are written as
   * `&lt;tenant-1&gt;` so that an XML export stays well-formed.
   */
  text(text: string, format?: 'text' | 'xml'): string;
  /** A redacted deep copy of a diagnosis (docs links, codes, states and rule ids untouched). */
  diagnosis<T extends Diagnosis>(d: T): T;
  /**
   * A redacted copy of an event record: computer, data values, message and source. Its time stays
   * (records are ordered by it); give the record's time through `text` where it is shown.
   */
  eventRecord(r: EventRecord): EventRecord;
  /**
   * Redacted copies of many records: a name that the patterns find in a later record is replaced
   * in the earlier ones too (a second pass runs when the first one learned something).
   */
  eventRecords(records: readonly EventRecord[]): EventRecord[];
  /** Changes whenever a value is learned that is looked for as a word (callers redo a pass then). */
  readonly revision: number;
  /** How many distinct values of each kind were replaced so far. */
  counts(): Partial<Record<IdentifierKind, number>>;
  /**
   * Learned values (3 characters or more) that still occur in a text: empty when the text is clean.
   * With `xml`, only its text and attribute values are looked at (element names are no one's).
   */
  leaks(text: string, format?: 'text' | 'xml'): string[];
}

/**
 * A raw input read by the real readers, for learning: an event export's records (each learned as
 * it is read), else a capture, else undefined (free text).
 */
function readToLearn(
  text: string,
  learnEvents: (records: Iterable<EventRecord>) => void,
): DsregStatus | 'events' | undefined {
  if (sniffEventText(text) !== 'none') {
    try {
      learnEvents(readEvents(new TextEncoder().encode(text)));
      return 'events';
    } catch {
      // Not readable as events after all: read as a capture below.
    }
  }
  try {
    return parseDsregcmd(text);
  } catch {
    return undefined;
  }
}

export function createRedactor(options: RedactOptions = {}): Redactor {
  const opts: Readonly<RedactOptions> = { ...options };
  const ids = opts.identifiers !== false;
  const table = new PseudonymTable();
  const learner = createLearner(table, { times: Boolean(opts.times) });
  const { literals, ordinary } = createLiterals(table, learner);

  function learnStatus(status: DsregStatus): void {
    if (ids || opts.times) learner.status(status);
  }

  function learnEvents(records: Iterable<EventRecord>): void {
    if (!ids) return;
    for (const r of records) learner.record(r);
  }

  function learn(text: string): void {
    if (!ids) return;
    const read = readToLearn(text, learnEvents);
    if (read === undefined) learner.freeText(text);
    else if (read !== 'events') learnStatus(read);
  }

  function learnValue(kind: FieldKind, value: string | undefined): void {
    if (!ids && kind !== 'time') return;
    learner.value(kind, value);
  }

  const replacing: Replacing = { table, learner, literals, ids, times: Boolean(opts.times) };
  const eventRecord = (r: EventRecord) => replaceRecord(replacing, r);

  function eventRecords(records: readonly EventRecord[]): EventRecord[] {
    const before = table.revision;
    const out = records.map(eventRecord);
    return table.revision === before ? out : records.map(eventRecord);
  }

  function diagnosis<T extends Diagnosis>(d: T): T {
    const dev = d.device;
    if (dev) {
      learnValue('computer-name', dev.name);
      learnValue('device', dev.deviceId);
      learnValue('tenant', dev.tenantId);
      learnValue('tenant-name', dev.tenantName);
      learnValue('domain', dev.domainName);
    }
    return walkDiagnosis(d, (v, prose) => replaceText(replacing, v, false, prose), Boolean(opts.times));
  }

  return {
    options: opts,
    learn,
    learnStatus,
    learnEvents,
    learnValue,
    text: (input, format = 'text') => replaceText(replacing, input, format === 'xml', false),
    diagnosis,
    eventRecord,
    eventRecords,
    counts: () => countKinds(table),
    leaks: (t, format) => findLeaks(table, ordinary, t, format),
    get revision() {
      return table.revision;
    },
  };
}
