// Redaction: replaces what names a person, a device or an organisation with stable pseudonyms, in
// parsed evidence (dsregcmd fields, event records), in raw text (a capture, an event export) and in
// a Diagnosis, and keeps what the diagnosis needs: error codes, phases, states, Microsoft endpoints,
// and times unless asked.
//
// Two steps. Learning (learn.ts) reads inputs as the real readers give them and records which
// values are identifiers and of what kind. Replacing then works line by line: a learned value is
// replaced as a whole where a field of an identifier kind holds it (kinds.ts), and chased through
// running text as a whole word unless it is an ordinary word there (a DomainName of SYNC leaves
// "Registration Type : sync" alone); then the shapes of identifiers are replaced (patterns.ts).
// Pure: no I/O; the same code runs in the browser.
import { KNOWN_KEYS, normalizeKey } from '../dsregcmd/keys.js';
import { type DsregStatus, parseDsregcmd } from '../dsregcmd/parse.js';
import { readEvents, sniffEventText } from '../events/read.js';
import type { EventRecord } from '../events/types.js';
import type { Diagnosis } from '../types.js';
import { eventFieldKind, FIELD_KINDS, type FieldKind } from './kinds.js';
import { createLearner } from './learn.js';
import { countKinds, createLiterals, findLeaks, type Literals } from './literals.js';
import { Masks } from './mask.js';
import { type Literal, redactSegment } from './patterns.js';
import { type IdentifierKind, PseudonymTable } from './pseudonyms.js';
import { walkDiagnosis } from './walk.js';
import { mapXml } from './xml.js';

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

const KEY_PREFIX = /^(\s{0,80}(?:\|\s{0,80})?)([A-Za-z][A-Za-z0-9 ()._\-/]{0,60}?)(\s{0,80}:(?:\s{0,8}:)?)/;
const LINE_SPLIT = /(\r\n|\n|\r)/;
/** Splits at line breaks, maps each line, and keeps the breaks as they were. */
function lines(s: string, f: (line: string) => string): string {
  const parts = s.split(LINE_SPLIT);
  for (let i = 0; i < parts.length; i += 2) if (parts[i] !== '') parts[i] = f(parts[i]!);
  return parts.join('');
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

/** A redacted copy of an event record: its time stays (records are ordered by it). */
function redactRecord(
  r: EventRecord,
  text: (s: string) => string,
  field: (value: string, flags: { field?: boolean; ip?: boolean }) => string,
): EventRecord {
  const out: EventRecord = { ...r, data: {} };
  if (r.source !== undefined) out.source = text(r.source);
  if (r.computer !== undefined) out.computer = field(r.computer, { field: true });
  if (r.message !== undefined) out.message = text(r.message);
  for (const [k, v] of Object.entries(r.data)) {
    out.data[k] = field(v, { field: eventFieldKind(k) !== undefined, ip: !/version/i.test(k) });
  }
  return out;
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

  /** One segment of text: an identifier position (`field`) or running text. */
  function segment(
    s: string,
    masks: Masks,
    lit: { all?: Literal; running?: Literal },
    flags: { prose?: boolean; field?: boolean; ip?: boolean },
  ): string {
    let out = s;
    if (flags.field && lit.all) {
      const { re, labels } = lit.all;
      out = out.replace(re, (m) => masks.mask(labels.get(m.toLowerCase()) ?? table.name('data', m)));
    }
    return redactSegment(out, masks, {
      table,
      times: Boolean(opts.times),
      ids,
      literal: lit.running,
      prose: Boolean(flags.prose),
      ip: flags.ip !== false,
    });
  }

  function line(l: string, masks: Masks, lit: Literals, prose: boolean): string {
    // The key of a dsregcmd line is never rewritten, whatever a value learned elsewhere looks like.
    const km = KEY_PREFIX.exec(l);
    if (km) {
      const key = normalizeKey(km[2]!);
      if (KNOWN_KEYS.has(key)) {
        const rest = l.slice(km[0].length);
        const kind = FIELD_KINDS[key];
        if (ids && kind) {
          // The value of an identifier field is replaced whole, whatever the learning made of it
          // (a value the parser read across a wrapped line, say).
          const value = rest.trim();
          learner.value(kind, value);
          const known = value ? table.get(value) : undefined;
          if (known) {
            const at = rest.indexOf(value);
            return km[0] + rest.slice(0, at) + masks.mask(known.label) + rest.slice(at + value.length);
          }
        }
        const flags = { prose, field: kind !== undefined, ip: !/version/.test(key) };
        return km[0] + segment(rest, masks, lit, flags);
      }
    }
    return segment(l, masks, lit, { prose });
  }

  /**
   * An XML export: only text and attribute values are redacted, never element or attribute names
   * (a computer named "EventID" must not rename the <EventID> elements), and the text of an
   * identifier element (<Computer>, <Data Name='TenantName'>, <UserName>) is an identifier position.
   */
  function redactXml(input: string, masks: Masks, lit: Literals): string {
    return mapXml(input, (text, field) =>
      lines(text, (l) =>
        segment(l, masks, lit, { field: field !== undefined, ip: !/version/i.test(field ?? '') }),
      ),
    );
  }

  function redact(input: string, xml: boolean, prose: boolean): string {
    const masks = new Masks();
    // The learned values as they stand when the text starts; values its patterns find on the way
    // are caught by the same patterns further on, and by the sweep.
    const lit = ids ? literals() : {};
    const out = xml ? redactXml(input, masks, lit) : lines(input, (l) => line(l, masks, lit, prose));
    return masks.unmask(sweep(out, masks, xml), xml);
  }

  /**
   * The last word, over the masked text (so no pseudonym is ever rewritten): a learned value that
   * no pass could place (one first found further down the text, an account name in a shape no
   * pattern knows) is replaced wherever it still stands as a whole word, so that a copy is
   * redacted rather than refused.
   */
  function sweep(out: string, masks: Masks, xml: boolean): string {
    if (!ids) return out;
    const running = literals().running;
    if (!running) return out;
    const replace = (s: string) =>
      s.replace(running.re, (m) => masks.mask(running.labels.get(m.toLowerCase()) ?? '<redacted>'));
    return xml ? mapXml(out, replace) : replace(out);
  }

  function text(input: string, format: 'text' | 'xml' = 'text'): string {
    return redact(input, format === 'xml', false);
  }

  function field(value: string, flags: { field?: boolean; ip?: boolean }): string {
    const masks = new Masks();
    const parts = value.split(LINE_SPLIT);
    const lit = ids ? literals() : {};
    for (let i = 0; i < parts.length; i += 2) {
      if (parts[i] !== '') parts[i] = segment(parts[i]!, masks, lit, flags);
    }
    return masks.unmask(sweep(parts.join(''), masks, false), false);
  }

  const eventRecord = (r: EventRecord) => redactRecord(r, text, field);

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
    return walkDiagnosis(d, (v, prose) => redact(v, false, prose), Boolean(opts.times));
  }

  return {
    options: opts,
    learn,
    learnStatus,
    learnEvents,
    learnValue,
    text,
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
