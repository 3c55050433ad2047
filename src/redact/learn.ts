// Learning: which values of an input are identifiers, read from what the real readers produce (the
// fields of a parsed `dsregcmd /status`, the fields of event records), never from a second parse of
// the text. A TenantName is a tenant name wherever it later appears. The learner also collects the
// input's ordinary words (the words of its states and short values), which are never chased through
// running text even when a field names one of them as an identifier. How one field's value is taken
// apart by its kind is values.ts.

import type { DsregStatus } from '../dsregcmd/parse.js';
import type { EventRecord } from '../events/types.js';
import { eventFieldKind, FIELD_KINDS, type FieldKind, FREE_TEXT_KEYS, TEXT_FIELD_KINDS } from './kinds.js';
import { asciiOnly, letters } from './letters.js';
import { type IdentifierKind, PseudonymTable } from './pseudonyms.js';
import { account, computerName, learnValue, type Namer } from './values.js';

export interface Learner {
  readonly table: PseudonymTable;
  /** Words of the inputs' states and short values, lower case (see ORDINARY_WORDS). */
  readonly words: Set<string>;
  value(kind: FieldKind, value: string | undefined): void;
  status(status: DsregStatus): void;
  record(record: EventRecord): void;
  /** The IDs and "Name: value" lines named in running text (a message, a server's reply). */
  freeText(text: string): void;
}

/** What the learning of one input writes to: the pseudonyms, the input's words, whether times count. */
interface Learning {
  name: Namer;
  words: Set<string>;
  times: boolean;
}

const GUID_IN_TEXT = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
// "Correlation ID: <guid>", "Activity Id: {<guid>}", "Trace ID: <guid>".
const NAMED_ID =
  /\b(correlation ?id|activity ?id|trace ?id|request ?id|client-request-id|tenant ?id|device ?id)[ \t]*[:=][ \t]*\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gi;
// One "Name: value" line (the text is cut into lines first, so this stays linear).
const NAME_VALUE = /^[ \t"]*([A-Za-z][A-Za-z ]{1,30}?)[ \t]*:[ \t]*([^\r\n"\\<]+)/;
const UPN_IN_TEXT = letters(
  String.raw`(?<![\p{L}\p{N}._%+'-])([\p{L}\p{N}][\p{L}\p{N}._%+'-]{0,63})@([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8})(?![A-Za-z0-9-])`,
  'gu',
);
const ACCOUNT_IN_TEXT = letters(
  String.raw`(?<![\\\w.-])[A-Za-z][\w.-]{0,15}\\(?!u[0-9a-fA-F]{4})[\p{L}\p{N}][\p{L}\p{N}_.$'-]{1,63}(?![\p{L}\p{N}_\\])`,
  'gu',
);
const TEXT_LINES = /\r\n|\n|\r|\\r\\n|\\n|\\r/;
const WORD = /^[A-Za-z]{2,}$/;

export function createLearner(table = new PseudonymTable(), options: { times?: boolean } = {}): Learner {
  const learning: Learning = {
    name: (kind, value) => table.name(kind, value),
    words: new Set<string>(),
    times: Boolean(options.times),
  };
  return {
    table,
    words: learning.words,
    value: (kind, value) => learnValue(learning.name, kind, value, learning.times),
    status: (s) => learnStatus(learning, s),
    record: (r) => learnRecord(learning, r),
    freeText: (text) => learnFreeText(learning, text),
  };
}

/** The kind of an ID named in running text by its label ("Trace ID" is a request's). */
function namedIdKind(label: string): IdentifierKind {
  const l = label.toLowerCase().replace(/[\s-]/g, '');
  if (l.startsWith('tenant')) return 'tenant';
  if (l.startsWith('device')) return 'device';
  return l === 'traceid' || l.includes('request') ? 'request' : 'correlation';
}

function learnFreeText(learning: Learning, text: string): void {
  if (text.length < 4) return;
  const { name, times } = learning;
  // UPNs and DOMAIN\user names standing in running text: learned before anything is replaced,
  // so that the same name elsewhere (a record read earlier) is replaced too.
  const at = text.includes('@');
  const slash = text.includes('\\');
  // Whether the text is ASCII (letters.ts), looked at once for both expressions.
  const ascii = (at || slash) && asciiOnly(text);
  if (at) {
    for (const m of text.matchAll(UPN_IN_TEXT.form(ascii))) if (m[2]!.includes('.')) account(name, m[0]);
  }
  if (slash) {
    for (const m of text.matchAll(ACCOUNT_IN_TEXT.form(ascii))) account(name, m[0]);
  }
  for (const m of text.matchAll(NAMED_ID)) learnValue(name, namedIdKind(m[1]!), m[2]!, times);
  if (!text.includes(':')) return;
  for (const line of text.split(TEXT_LINES)) {
    const m = NAME_VALUE.exec(line);
    if (!m) continue;
    const kind = TEXT_FIELD_KINDS[m[1]!.replace(/\s+/g, '').toLowerCase()];
    if (kind) learnValue(name, kind, m[2]!.trim(), times);
  }
}

/**
 * The words of a value: all of them in a state or a short phrase ("sync", "FAILED (deleted)"),
 * only those written in lower case in running text, where names are capitalized.
 */
function addWords(words: Set<string>, v: string, max: number): void {
  const all = v.split(/\s+/).length <= max;
  const tokens = v.split(/[\s\-']+/);
  for (const t of tokens) {
    const w = t.replace(/^[(["']+|[)\]"',;:.!?]+$/g, '');
    if (WORD.test(w) && (all || w === w.toLowerCase())) words.add(w.toLowerCase());
  }
}

function learnStatus(learning: Learning, s: DsregStatus): void {
  const { name, words, times } = learning;
  for (const f of s.fields) {
    // The words of a key are the capture's vocabulary, never a name ("User Context").
    addWords(words, f.key, 8);
    const kind = FIELD_KINDS[f.normKey];
    if (kind) {
      learnValue(name, kind, f.value, times);
      continue;
    }
    if (f.normKey === 'lasthostnameupdate' && times) learnValue(name, 'time', f.value, times);
    if (FREE_TEXT_KEYS.has(f.normKey)) {
      // "The device object by the given id (<guid>) is not found": that GUID is the device's.
      if (f.normKey === 'servermessage' && /\bdevice\b/i.test(f.value)) {
        for (const m of f.value.matchAll(GUID_IN_TEXT)) learnValue(name, 'device', m[0], times);
      }
      learnFreeText(learning, f.value);
      addWords(words, f.value, 0);
      continue;
    }
    addWords(words, f.value, 64);
  }
}

function learnRecord(learning: Learning, r: EventRecord): void {
  const { name, words, times } = learning;
  if (r.computer) computerName(name, r.computer);
  for (const [k, v] of Object.entries(r.data)) {
    const kind = eventFieldKind(k);
    if (kind) learnValue(name, kind, v, times);
    else {
      addWords(words, v, 4);
      learnFreeText(learning, v);
    }
  }
  if (r.message) {
    addWords(words, r.message, 0);
    learnFreeText(learning, r.message);
  }
}
