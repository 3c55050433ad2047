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
import { SERVER_ERRORS } from '../kb/guide-codes.js';
import type { Diagnosis } from '../types.js';
import { eventFieldKind, FIELD_KINDS, type FieldKind } from './kinds.js';
import { createLearner } from './learn.js';
import { escapeXml, Masks } from './mask.js';
import { type Literal, LONG_RUN, redactSegment } from './patterns.js';
import {
  type IdentifierKind,
  isGuidLike,
  isHexId,
  lookupKey,
  type Pseudonym,
  PseudonymTable,
} from './pseudonyms.js';
import { ORDINARY_WORDS } from './vocabulary.js';
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

interface Literals {
  all?: Literal;
  running?: Literal;
}

const KEY_PREFIX = /^(\s{0,80}(?:\|\s{0,80})?)([A-Za-z][A-Za-z0-9 ()._\-/]{0,60}?)(\s{0,80}:(?:\s{0,8}:)?)/;
const LINE_SPLIT = /(\r\n|\n|\r)/;
const START_TAG = /^<([A-Za-z_][\w:.-]*)([^>]*?)\/?>$/;
const ATTRIBUTE = /(\s([\w:.-]+)\s*=\s*)(['"])([^'"<>]*)\3/g;

/**
 * Maps the text and the attribute values of an XML document (a `Name` attribute, which names a field,
 * stays), telling `f` which identifier field a text is the content of. Element and attribute names,
 * comments and declarations pass as they are. A scan, not a pattern: linear on any input.
 */
function mapXml(input: string, f: (text: string, field?: string) => string): string {
  const out: string[] = [];
  let field: string | undefined;
  let i = 0;
  while (i < input.length) {
    const lt = input.indexOf('<', i);
    if (lt < 0) {
      out.push(f(input.slice(i), field));
      break;
    }
    if (lt > i) out.push(f(input.slice(i, lt), field));
    const gt = input.indexOf('>', lt);
    if (gt < 0) {
      out.push(f(input.slice(lt)));
      break;
    }
    const tag = input.slice(lt, gt + 1);
    const m = tag.length < 4096 ? START_TAG.exec(tag) : null;
    field = undefined;
    if (m) {
      out.push(
        tag.replace(ATTRIBUTE, (a, pre: string, attr: string, q: string, v: string) =>
          attr === 'Name' || v === '' ? a : `${pre}${q}${f(v)}${q}`,
        ),
      );
      const element = m[1]!;
      const named = element === 'Data' ? /\sName=['"]([^'"]{1,100})['"]/.exec(m[2]!)?.[1] : undefined;
      if (!tag.endsWith('/>')) {
        if (element === 'Computer') field = 'computer';
        else if (named !== undefined) field = eventFieldKind(named) ? named : undefined;
        else if (element !== 'Data' && eventFieldKind(element)) field = element;
      }
    } else out.push(tag);
    i = gt + 1;
  }
  return out.join('');
}

const LABELS = /(?:<|&lt;)[a-z]+(?:-[a-z]+)*-\d+(?:>|&gt;)(?:\.[A-Za-z0-9-]+)*|\buser\d+\b/g;
/**
 * The words the knowledge base reads in server replies: error codes (DirectoryError) and the words
 * of the messages it recognises ("public key"). A value made of them is never chased through text.
 */
let kbWords: Set<string> | undefined;
function knowledgeWords(): Set<string> {
  if (!kbWords) {
    kbWords = new Set();
    for (const e of SERVER_ERRORS) {
      kbWords.add(e.code.toLowerCase());
      for (const w of e.messagePattern?.source.match(/[A-Za-z]{2,}/g) ?? []) kbWords.add(w.toLowerCase());
    }
  }
  return kbWords;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether a word could be a user name that the literal pass should chase through free text. */
function distinctiveUser(v: string): boolean {
  return v.length >= 4 && (/[\d_.-]/.test(v) || /[a-z][A-Z]|[A-Z]{2}[a-z]/.test(v) || /[^\x00-\x7f]/.test(v));
}

export function createRedactor(options: RedactOptions = {}): Redactor {
  const opts: Readonly<RedactOptions> = { ...options };
  const ids = opts.identifiers !== false;
  const table = new PseudonymTable();
  const learner = createLearner(table, { times: Boolean(opts.times) });
  const cache: { revision: number; words: number; all?: Literal; running?: Literal } = {
    revision: -1,
    words: -1,
  };

  /** A value made of words only, each a state or an ordinary word of the inputs or the tool. */
  function ordinary(v: string): boolean {
    if (/[^A-Za-z \-']/.test(v)) return false;
    const words = v
      .toLowerCase()
      .split(/[ \-']+/)
      .filter(Boolean);
    const kb = knowledgeWords();
    return words.length > 0 && words.every((w) => ORDINARY_WORDS.has(w) || learner.words.has(w) || kb.has(w));
  }

  /** Whether a learned value is chased through running text (and checked for by `leaks`). */
  function chased(p: Pseudonym): boolean {
    const v = p.original;
    if (v.length < 3 || v.length >= LONG_RUN || isGuidLike(v) || isHexId(v)) return false;
    if (p.kind === 'user' && !distinctiveUser(v)) return false;
    return !ordinary(v);
  }

  /** The learned values to look for: every one (`all`), or those chased through running text. */
  function literals(): Literals {
    if (cache.revision === table.revision && cache.words === learner.words.size) return cache;
    const build = (keep: (p: Pseudonym) => boolean): Literal | undefined => {
      const labels = new Map<string, string>();
      const values: string[] = [];
      for (const p of table.entries()) {
        const v = p.original;
        if (v.length < 2 || v.length >= LONG_RUN || isGuidLike(v) || isHexId(v) || !keep(p)) continue;
        // The XML-escaped form too (a tenant named "Smith & Co" reads "Smith &amp; Co" in an export).
        for (const form of new Set([v, escapeXml(v)])) {
          const key = form.toLowerCase();
          if (labels.has(key)) continue;
          labels.set(key, p.label);
          values.push(form);
        }
      }
      if (values.length === 0) return undefined;
      values.sort((a, b) => b.length - a.length);
      // Not the kept suffix of a pseudonym (<domain-1>.local), whatever was learned.
      const re = new RegExp(
        `(?<![\\p{L}\\p{N}])(?<!\\uE001\\.)(?:${values.map(escapeRe).join('|')})(?![\\p{L}\\p{N}])`,
        'giu',
      );
      return { re, labels };
    };
    cache.all = build(() => true);
    cache.running = build(chased);
    cache.revision = table.revision;
    cache.words = learner.words.size;
    return cache;
  }

  function learnStatus(status: DsregStatus): void {
    if (ids || opts.times) learner.status(status);
  }

  function learnEvents(records: Iterable<EventRecord>): void {
    if (!ids) return;
    for (const r of records) learner.record(r);
  }

  function learn(text: string): void {
    if (!ids) return;
    if (sniffEventText(text) !== 'none') {
      try {
        learnEvents(readEvents(new TextEncoder().encode(text)));
        return;
      } catch {
        // Not readable as events after all: read as a capture below.
      }
    }
    let status: DsregStatus | undefined;
    try {
      status = parseDsregcmd(text);
    } catch {
      status = undefined;
    }
    if (status) learnStatus(status);
    else learner.freeText(text);
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

  function lines(s: string, f: (line: string) => string): string {
    const parts = s.split(LINE_SPLIT);
    for (let i = 0; i < parts.length; i += 2) if (parts[i] !== '') parts[i] = f(parts[i]!);
    return parts.join('');
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

  function eventRecord(r: EventRecord): EventRecord {
    const out: EventRecord = { ...r, data: {} };
    if (r.source !== undefined) out.source = text(r.source);
    if (r.computer !== undefined) out.computer = field(r.computer, { field: true });
    if (r.message !== undefined) out.message = text(r.message);
    for (const [k, v] of Object.entries(r.data)) {
      out.data[k] = field(v, { field: eventFieldKind(k) !== undefined, ip: !/version/i.test(k) });
    }
    return out;
  }

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

  function counts(): Partial<Record<IdentifierKind, number>> {
    const out: Partial<Record<IdentifierKind, number>> = {};
    const seen = new Set<string>();
    for (const p of table.entries()) {
      if (seen.has(p.label)) continue;
      seen.add(p.label);
      if (/^<[a-z-]+-\d+>\./.test(p.label)) continue;
      out[p.kind] = (out[p.kind] ?? 0) + 1;
    }
    return out;
  }

  function leaks(t: string, format: 'text' | 'xml' = 'text'): string[] {
    const found: string[] = [];
    let values = t;
    if (format === 'xml') {
      const parts: string[] = [];
      mapXml(t, (v) => {
        parts.push(v);
        return v;
      });
      values = parts.join('\n');
    }
    // The pseudonyms themselves (<computer-1>, user2) name no one, whatever a value is called.
    const lower = values.replace(LABELS, ' ').toLowerCase();
    for (const p of table.entries()) {
      const v = p.original;
      if (v.length < 3 || (p.kind === 'user' && !distinctiveUser(v)) || ordinary(v)) continue;
      const needle = isGuidLike(v) ? lookupKey(v) : v.toLowerCase();
      let i = lower.indexOf(needle);
      while (i >= 0) {
        const before = lower[i - 1] ?? ' ';
        const after = lower[i + needle.length] ?? ' ';
        if (!WORD_CHAR.test(before) && !WORD_CHAR.test(after)) {
          found.push(v);
          break;
        }
        i = lower.indexOf(needle, i + 1);
      }
    }
    return found;
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
    counts,
    leaks,
    get revision() {
      return table.revision;
    },
  };
}
