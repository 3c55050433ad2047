// Replacing, once the values are learned: a text line by line (the key of a dsregcmd line is never
// rewritten, the value of an identifier field is replaced whole), an XML export by its text and
// attribute values, one field of a record, then the sweep. Each piece runs the literal pass of the
// learned values and the shapes of identifiers (patterns.ts) behind masks (mask.ts), so no pass
// rewrites another's pseudonym.

import { KNOWN_KEYS, normalizeKey } from '../dsregcmd/keys.js';
import type { EventRecord } from '../events/types.js';
import { eventFieldKind, FIELD_KINDS } from './kinds.js';
import type { Learner } from './learn.js';
import { asciiOnly } from './letters.js';
import type { Literals } from './literals.js';
import { Masks } from './mask.js';
import { redactSegment } from './patterns.js';
import type { PseudonymTable } from './pseudonyms.js';
import { mapXml } from './xml.js';

/** What replacing reads: the pseudonyms, the learner, the learned values' patterns, the options. */
export interface Replacing {
  table: PseudonymTable;
  learner: Learner;
  /** The learned values' patterns as they stand now. */
  literals(): Literals;
  ids: boolean;
  times: boolean;
}

/** Where a piece of text stands: the project's prose, an identifier field, a version field (`ip`). */
interface Place {
  prose?: boolean;
  field?: boolean;
  ip?: boolean;
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
 * One segment of text: an identifier position (`field`) or running text. `ascii`: the whole text
 * it is part of has nothing outside ASCII but masks (letters.ts), nor then has the segment.
 */
function segment(r: Replacing, s: string, masks: Masks, lit: Literals, place: Place, ascii: boolean): string {
  let out = s;
  if (place.field && lit.all) {
    const { re, labels } = lit.all;
    out = out.replace(re.form(ascii), (m) =>
      masks.mask(labels.get(m.toLowerCase()) ?? r.table.name('data', m)),
    );
  }
  return redactSegment(out, masks, {
    table: r.table,
    times: r.times,
    ids: r.ids,
    literal: lit.running,
    prose: Boolean(place.prose),
    ip: place.ip !== false,
    ascii,
  });
}

function line(r: Replacing, l: string, masks: Masks, lit: Literals, prose: boolean, ascii: boolean): string {
  // The key of a dsregcmd line is never rewritten, whatever a value learned elsewhere looks like.
  const km = KEY_PREFIX.exec(l);
  if (km) {
    const key = normalizeKey(km[2]!);
    if (KNOWN_KEYS.has(key)) {
      const rest = l.slice(km[0].length);
      const kind = FIELD_KINDS[key];
      if (r.ids && kind) {
        // The value of an identifier field is replaced whole, whatever the learning made of it
        // (a value the parser read across a wrapped line, say).
        const value = rest.trim();
        r.learner.value(kind, value);
        const known = value ? r.table.get(value) : undefined;
        if (known) {
          const at = rest.indexOf(value);
          return km[0] + rest.slice(0, at) + masks.mask(known.label) + rest.slice(at + value.length);
        }
      }
      const place = { prose, field: kind !== undefined, ip: !/version/.test(key) };
      return km[0] + segment(r, rest, masks, lit, place, ascii);
    }
  }
  return segment(r, l, masks, lit, { prose }, ascii);
}

/**
 * An XML export: only text and attribute values are redacted, never element or attribute names
 * (a computer named "EventID" must not rename the <EventID> elements), and the text of an
 * identifier element (<Computer>, <Data Name='TenantName'>, <UserName>) is an identifier position.
 */
function replaceXml(r: Replacing, input: string, masks: Masks, lit: Literals, ascii: boolean): string {
  return mapXml(input, (text, field) =>
    lines(text, (l) =>
      segment(r, l, masks, lit, { field: field !== undefined, ip: !/version/i.test(field ?? '') }, ascii),
    ),
  );
}

/**
 * The last word, over the masked text (so no pseudonym is ever rewritten): a learned value that
 * no pass could place (one first found further down the text, an account name in a shape no
 * pattern knows) is replaced wherever it still stands as a whole word, so that a copy is
 * redacted rather than refused. `ascii`: the text it masked had nothing outside ASCII (see segment).
 */
function sweep(r: Replacing, out: string, masks: Masks, xml: boolean, ascii: boolean): string {
  if (!r.ids) return out;
  const running = r.literals().running;
  if (!running) return out;
  const replace = (s: string) =>
    s.replace(running.re.form(ascii), (m) => masks.mask(running.labels.get(m.toLowerCase()) ?? '<redacted>'));
  return xml ? mapXml(out, replace) : replace(out);
}

/** The redacted copy of a text (an XML export with `xml`; the project's own prose with `prose`). */
export function replaceText(r: Replacing, input: string, xml: boolean, prose: boolean): string {
  const masks = new Masks();
  // The learned values as they stand when the text starts; values its patterns find on the way
  // are caught by the same patterns further on, and by the sweep.
  const lit = r.ids ? r.literals() : {};
  const ascii = asciiOnly(input);
  const out = xml
    ? replaceXml(r, input, masks, lit, ascii)
    : lines(input, (l) => line(r, l, masks, lit, prose, ascii));
  return masks.unmask(sweep(r, out, masks, xml, ascii), xml);
}

/** The redacted copy of one field's value (an identifier position with `field`). */
function replaceField(r: Replacing, value: string, place: Place): string {
  const masks = new Masks();
  const parts = value.split(LINE_SPLIT);
  const lit = r.ids ? r.literals() : {};
  const ascii = asciiOnly(value);
  for (let i = 0; i < parts.length; i += 2) {
    if (parts[i] !== '') parts[i] = segment(r, parts[i]!, masks, lit, place, ascii);
  }
  return masks.unmask(sweep(r, parts.join(''), masks, false, ascii), false);
}

/** A redacted copy of an event record: its time stays (records are ordered by it). */
export function replaceRecord(r: Replacing, record: EventRecord): EventRecord {
  const text = (s: string) => replaceText(r, s, false, false);
  const out: EventRecord = { ...record, data: {} };
  if (record.source !== undefined) out.source = text(record.source);
  if (record.computer !== undefined) out.computer = replaceField(r, record.computer, { field: true });
  if (record.message !== undefined) out.message = text(record.message);
  for (const [k, v] of Object.entries(record.data)) {
    out.data[k] = replaceField(r, v, { field: eventFieldKind(k) !== undefined, ip: !/version/i.test(k) });
  }
  return out;
}
