// `dsregcmd /status` text -> fields with their section and line number.
//
// Real captures are messy: pasted with the shell prompt and banners around them, cut short, with
// Markdown or HTML residue from forums (`**NgcSet : YES**`, `<br/>` instead of line breaks),
// re-aligned by PowerShell (`Key     : value`), in the old 1607-era layout (`Key: value`,
// `KeySignTest: : PASSED`), or hard-wrapped at the console width. They arrive inside JSON strings
// and CSV cells (unwrap.ts), with a prefix on every line (prefix.ts), with several fields joined
// on one line, with translated labels and localized values (localize.ts), or as the report of
// `dsregcmd /join /debug` (debug.ts). The parser keeps every field it can recognise, unknown keys
// included, each with the line of the input it came from, and drops the rest.
//
// Every step is linear in the input: no regex here can backtrack on a long run of spaces.
import { InputError } from '../types.js';
import { debugFields } from './debug.js';
import { KNOWN_KEYS, KNOWN_SECTIONS, normalizeKey, normalizeSection } from './keys.js';
import {
  borderStartsAt,
  type KeySpot,
  knownKeys,
  type Line,
  type Row,
  shiftSpots,
  stripInvisible,
} from './lines.js';
import { localize } from './localize.js';
import { stripCmtrace, stripPrefix } from './prefix.js';
import { unwrap } from './unwrap.js';

export interface DsregField {
  /** Section header as printed ("Device State", "Work Account 1"); '' before any header. */
  section: string;
  /** Normalized section name ("devicestate", "workaccount"). */
  sectionKey: string;
  /** Key as printed, trimmed ("HTTP status"). */
  key: string;
  /** Normalized key ("httpstatus"). */
  normKey: string;
  value: string;
  /** 1-based line in the original input. */
  line: number;
  /** The text of the line as it appeared (after HTML/Markdown clean-up), for evidence. */
  text: string;
}

export interface DsregSection {
  name: string;
  key: string;
  line: number;
}

export type DsregLayout = 'boxed' | 'list' | 'fragment' | 'debug';

export interface DsregStatus {
  source: string;
  layout: DsregLayout;
  sections: DsregSection[];
  fields: DsregField[];
  /** The input's lines after clean-up, index 0 = line 1 (several entries may share a line when <br> split it). */
  lines: { line: number; text: string }[];
  /** What the parser read into the text beyond what it printed (a translated label, a /debug line). */
  notes?: string[];
}

const PROMPT = /^(?:PS\s+)?[A-Za-z]:\\[^>]*>/;
// An unknown key inside a known section (a short label, a colon and a space or the end of the
// line) and a section's name, each in two patterns: for ASCII, asked first, and with `\p{L}` and
// `\p{N}`, Unicode sets that are built (ICU work) when a pattern is made and again when it first
// runs, so these are made only when a line needs them. Where the ASCII pattern matches a line
// without a full-width colon, the Unicode one matches it alike (its classes only add non-ASCII
// characters); where it fails, the Unicode one is asked only of a line that holds a non-ASCII
// character.
const KEY_VALUE_ASCII = /^([A-Za-z][A-Za-z0-9 ()._\-/]{0,60}?)[ \t]*:(?:[ \t]+|$)(?::(?:[ \t]+|$))?(.*)$/;
const SECTION_NAME_ASCII = /^[A-Za-z][A-Za-z0-9 -]{2,60}$/;
const NON_ASCII = /[^\x00-\x7f]/;
let keyValueUnicode: RegExp | undefined;
let sectionNameUnicode: RegExp | undefined;

/** `Key : value` with any label; the label is bounded, so a long run of spaces costs at most 60 steps. */
function keyValueMatch(trimmed: string): RegExpExecArray | null {
  if (!trimmed.includes('\uff1a')) {
    const m = KEY_VALUE_ASCII.exec(trimmed);
    if (m || !NON_ASCII.test(trimmed)) return m;
  }
  keyValueUnicode ??=
    /^(\p{L}[\p{L}\p{N} ()._\-/]{0,60}?)[ \t]*[:：](?:[ \t]+|$)(?:[:：](?:[ \t]+|$))?(.*)$/u;
  return keyValueUnicode.exec(trimmed);
}

/** A name a section header may carry: a letter, then letters, digits, spaces and hyphens. */
function looksLikeSectionName(name: string): boolean {
  if (SECTION_NAME_ASCII.test(name)) return true;
  if (!NON_ASCII.test(name)) return false;
  sectionNameUnicode ??= /^\p{L}[\p{L}\p{N} -]{2,60}$/u;
  return sectionNameUnicode.test(name);
}

const HTML_HINT =
  /<br\s*\/?>|<\/?(?:p|pre|code|div|span|td|tr|table|body|html)\b[^>]*>|&(?:amp|lt|gt|nbsp|quot|#39|#\d+|#x[0-9a-f]+);/i;

/**
 * Parses every `dsregcmd /status` (or `/join /debug`) capture a text holds: one for a plain paste,
 * several for a CSV report or JSON export that carries one capture per cell or string. Throws
 * InputError when the text has no dsregcmd field at all.
 */
export function parseDsregcmdAll(text: string, source = '-'): DsregStatus[] {
  const clean = stripInvisible(text);
  const marks = marksOf(clean);
  const out: DsregStatus[] = [];
  for (const lines of unwrap(clean)) {
    const s = parseCapture(lines, source, marks);
    if (s) out.push(s);
  }
  if (out.length === 0) {
    throw new InputError(source, 'does not look like `dsregcmd /status` output (no known field found)');
  }
  return out;
}

/**
 * Parses `dsregcmd /status` text as one capture. A text that holds several (a CSV report of many
 * devices) gives all their fields in one list: use parseDsregcmdAll to keep the devices apart.
 */
export function parseDsregcmd(text: string, source = '-'): DsregStatus {
  const all = parseDsregcmdAll(text, source);
  if (all.length === 1) return all[0]!;
  const notes = all.flatMap((s) => s.notes ?? []);
  const merged: DsregStatus = {
    source,
    layout: all[0]!.layout,
    sections: all.flatMap((s) => s.sections),
    fields: all.flatMap((s) => s.fields),
    lines: all.flatMap((s) => s.lines),
  };
  if (notes.length > 0) merged.notes = notes;
  return merged;
}

/** What the whole text holds, so that each clean-up step runs only on text that needs it. */
interface Marks {
  html: boolean;
  tab: boolean;
  markdown: boolean;
  quote: boolean;
  tick: boolean;
  wideColon: boolean;
  cmtrace: boolean;
  debug: boolean;
}

function marksOf(text: string): Marks {
  return {
    html: (text.includes('<') || text.includes('&')) && HTML_HINT.test(text),
    tab: text.includes('\t'),
    markdown: text.includes('**') || text.includes('__'),
    quote: text.includes('>'),
    tick: text.includes('`'),
    wideColon: text.includes('\uff1a'),
    cmtrace: text.includes('<![LOG[') || text.includes(']LOG]!>'),
    debug:
      // Each gate is part of one of DEBUG_HINT's words, a rare part that is found fast.
      (text.includes('::') || text.includes('_END_STATUS') || text.includes('preCheckResult')) &&
      DEBUG_HINT.test(text),
  };
}

const DEBUG_HINT = /dsregcmd::|DsrCmd\w*::|DSREGCMD_END_STATUS|preCheckResult:/;

/**
 * Undo what forums and HTML reports do to the text, line by line, keeping original line numbers,
 * and find the known keys of each line once. Each clean-up runs only where its mark is present.
 */
function cleanLines(raw: Line[], marks: Marks): Row[] {
  const out: Row[] = [];
  const hasHtml = marks.html && raw.some((l) => HTML_HINT.test(l.text));
  for (const { line, text } of raw) {
    if (!hasHtml) {
      out.push(cleanPiece(line, text, marks));
      continue;
    }
    for (const piece of text.split(/<br\s{0,8}\/?>/i)) out.push(cleanPiece(line, decodeHtml(piece), marks));
  }
  return out;
}

const NO_SPOTS: KeySpot[] = [];

function cleanPiece(line: number, text: string, marks: Marks): Row {
  let piece = text;
  if (marks.tab && piece.includes('\t')) piece = piece.replace(/\t/g, '    ');
  if (marks.markdown && (piece.includes('**') || piece.includes('__'))) piece = piece.replace(/\*\*|__/g, '');
  if (marks.quote && piece.includes('>')) piece = unquote(piece);
  piece = piece.trimEnd();
  if (marks.tick && piece.includes('`')) piece = piece.replace(/^`+/, '').replace(/`+$/, '');
  // Only a text with a full-width colon, or HTML that may encode one, has them to look for.
  if (marks.wideColon) return { line, text: piece, spots: knownKeys(piece) };
  if (marks.html && !piece.includes(':')) return { line, text: piece, spots: NO_SPOTS };
  return { line, text: piece, spots: knownKeys(piece, Number.POSITIVE_INFINITY, marks.html) };
}

/** Removes e-mail quoting (`> `, `>> `) at the start of a line. */
function unquote(text: string): string {
  let i = 0;
  while (text.charCodeAt(i) === 32) i++;
  if (text.charCodeAt(i) !== 62) return text;
  while (text.charCodeAt(i) === 62) {
    i++;
    if (text.charCodeAt(i) === 32) i++;
    while (text.charCodeAt(i) === 32 && text.charCodeAt(i + 1) === 62) i++;
  }
  return text.slice(i);
}

const ENTITIES: Record<string, string> = { nbsp: ' ', lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };

function decodeHtml(piece: string): string {
  return piece
    .replace(/<\/?[a-z][^<>]{0,400}>/gi, '')
    .replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (m, e: string) => {
      if (e[0] === '#') {
        const code =
          e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
        if (code === 0xa0) return ' ';
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    });
}

/** Several `Key : value` pairs on one line (a chat client or a translation joined them): one line each. */
function splitJoined(rows: Row[]): Row[] {
  if (!rows.some((r) => r.spots.length > 1)) return rows;
  const out: Row[] = [];
  for (const r of rows) {
    const spots = r.spots;
    if (spots.length < 2 || r.text.trimStart().startsWith('|')) {
      out.push(r);
      continue;
    }
    let from = 0;
    for (let k = 1; k <= spots.length; k++) {
      const end = k < spots.length ? spots[k]!.start : r.text.length;
      out.push({
        line: r.line,
        text: r.text.slice(from, end).trimEnd(),
        spots: shiftSpots([spots[k - 1]!], from),
      });
      from = end;
    }
  }
  return out;
}

/** `| Device State |` -> the name; `| Key | Value |` -> both cells; undefined for anything else. */
function pipeCells(trimmed: string): string[] | undefined {
  if (trimmed.charCodeAt(0) !== 124) return undefined;
  const inner = trimmed.endsWith('|') && trimmed.length > 1 ? trimmed.slice(1, -1) : trimmed.slice(1);
  const cells = inner.split('|').map((c) => c.trim());
  return cells.length <= 2 ? cells : undefined;
}

/** What the walk through a capture's lines has read so far. */
interface Walk {
  sections: DsregSection[];
  fields: DsregField[];
  /** Fields with unknown keys in a section whose name is not known either (a translated box). */
  tentative: Set<DsregField>;
  section: DsregSection | undefined;
  knownInSection: boolean;
  /** The field a wrapped line would carry on, and the length of the line it ended on. */
  lastField: DsregField | undefined;
  lastLength: number;
}

function parseCapture(raw: Line[], source: string, marks: Marks): DsregStatus | undefined {
  const lines = splitJoined(stripPrefix(cleanLines(marks.cmtrace ? stripCmtrace(raw) : raw, marks)));
  const walk: Walk = {
    sections: [],
    fields: [],
    tentative: new Set(),
    section: undefined,
    knownInSection: false,
    lastField: undefined,
    lastLength: 0,
  };
  for (const row of lines) readRow(walk, row);
  return finish(walk, lines, source, marks);
}

/** One line of a capture: a border, a prompt, a section header, a field, a wrapped value, or noise. */
function readRow(walk: Walk, row: Row): void {
  const t = row.text;
  // The line trimmed is `src` from `off` on. The usual line (ASCII, its end already trimmed) is
  // only indented: it is read in place, and sliced only where a rare case needs the trimmed text.
  const lead = leadingSpaces(t);
  const first = t.charCodeAt(lead);
  const last = t.charCodeAt(t.length - 1);
  const inPlace = first > 32 && first < 0x80 && last > 32 && last < 0x80;
  const src = inPlace ? t : t.trim();
  const off = inPlace ? lead : 0;
  if (off === src.length) {
    walk.lastField = undefined;
    return;
  }
  const c0 = src.charCodeAt(off);
  if (c0 === 43 && borderStartsAt(src, off)) {
    walk.lastField = undefined;
    return;
  }
  if (mayBePrompt(src, off, c0) && PROMPT.test(src.slice(off))) {
    // A new prompt ends the capture's last section: what follows is other shell output.
    walk.section = undefined;
    walk.lastField = undefined;
    return;
  }
  const cells = c0 === 124 ? pipeCells(src.slice(off)) : undefined;
  if (cells && cells.length === 1 && openSection(walk, cells[0]!, row.line)) return;
  const pair = keyValueOf(walk, row, cells, lead, src, off);
  if (continuesValue(walk, t, cells, pair)) {
    const last = walk.lastField!;
    const trimmed = src.slice(off);
    // A console cuts at its width, inside a word; a mail client breaks between words.
    last.value += walk.lastLength >= 80 ? trimmed : ` ${trimmed}`;
    last.value = cleanValue(last.value);
    last.text += `\n${t}`;
    walk.lastLength = t.length;
    return;
  }
  if (pair === undefined) {
    walk.lastField = undefined;
    return;
  }
  addField(walk, pair, row);
}

/** A key and its value as a line prints them; `normKey` and `known` when the key table found it. */
interface Pair {
  key: string;
  value: string;
  normKey?: string;
  known?: boolean;
}

/** `| Name |`: a section header, when the name is known or looks like one. */
function openSection(walk: Walk, name: string, line: number): boolean {
  const key = sectionKey(name);
  const known = KNOWN_SECTIONS.has(key);
  if (!known && !looksLikeSectionName(name)) return false;
  walk.section = { name, key, line };
  walk.knownInSection = known;
  walk.sections.push(walk.section);
  walk.lastField = undefined;
  return true;
}

/** The line's key and value: a table row of a known key, a known key, or (in a section) any label. */
function keyValueOf(
  walk: Walk,
  row: Row,
  cells: string[] | undefined,
  lead: number,
  src: string,
  off: number,
): Pair | undefined {
  if (cells && cells.length === 2 && KNOWN_KEYS.has(normalizeKey(cells[0]!))) {
    return { key: cells[0]!, value: cells[1]! };
  }
  const t = row.text;
  const spot = row.spots[0];
  if (spot && (spot.start === lead || onlyMarks(t, spot.start))) {
    // Every key the table finds is a known one.
    return { key: spot.key, value: t.slice(spot.valueStart), normKey: spot.normKey, known: true };
  }
  if (!walk.section) return undefined;
  // Unknown keys count only inside a boxed section.
  const kv = keyValueMatch(src.slice(off));
  return kv ? { key: kv[1]!.trim(), value: kv[2]!.trim() } : undefined;
}

/**
 * A line that the console or a mail client wrapped: the previous value was cut at the window's
 * width and this line carries on without the key column's indentation.
 */
function continuesValue(walk: Walk, t: string, cells: string[] | undefined, pair: Pair | undefined): boolean {
  if (!walk.lastField || walk.lastLength < 60 || cells) return false;
  const indented = t.charCodeAt(0) === 32 && t.charCodeAt(1) === 32;
  if (indented) return false;
  return pair === undefined || !(pair.known ?? KNOWN_KEYS.has(pair.normKey ?? normalizeKey(pair.key)));
}

function addField(walk: Walk, pair: Pair, row: Row): void {
  const { key, value } = pair;
  const normKey = pair.normKey ?? normalizeKey(key);
  const known = pair.known ?? KNOWN_KEYS.has(normKey);
  const section = walk.section;
  // Outside a boxed section only known keys count; inside a known one, unknown keys are kept too;
  // inside an unknown one (translated), they are kept until the labels are matched.
  const inSection = section !== undefined && key.length <= 40;
  if (!known && !inSection) {
    walk.lastField = undefined;
    return;
  }
  const field: DsregField = {
    section: section?.name ?? '',
    sectionKey: section?.key ?? '',
    key,
    normKey,
    value: cleanValue(value),
    line: row.line,
    text: row.text,
  };
  walk.fields.push(field);
  if (!known && !walk.knownInSection) walk.tentative.add(field);
  walk.lastField = field;
  walk.lastLength = row.text.length;
}

/** The /debug report's fields, the translated labels read, the layout: the capture as returned. */
function finish(walk: Walk, lines: Row[], source: string, marks: Marks): DsregStatus | undefined {
  const { sections, fields } = walk;
  const notes: string[] = [];
  const debug = marks.debug ? debugFields(lines) : undefined;
  let layout: DsregLayout | undefined;
  let all = fields;
  if (debug) {
    all = fields.filter((f) => !debug.consumed.has(f.line));
    all.push(...debug.fields);
    notes.push(...debug.notes);
    if (sections.length === 0) layout = 'debug';
  }
  const kept = localize(all, walk.tentative, notes);
  if (!kept.some((f) => KNOWN_KEYS.has(f.normKey))) return undefined;
  layout ??= sections.length > 0 ? 'boxed' : kept.length >= 6 ? 'list' : 'fragment';
  const shown = lines.map(({ line, text }) => ({ line, text }));
  const status: DsregStatus = { source, layout, sections, fields: kept, lines: shown };
  if (notes.length > 0) status.notes = notes;
  return status;
}

/** A drive letter and `:\\`, or `PS`, where the trimmed line starts: a prompt may start there. */
function mayBePrompt(text: string, at: number, c0: number): boolean {
  if (c0 === 80 && text.charCodeAt(at + 1) === 83) return true;
  const letter = (c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122);
  return letter && text.charCodeAt(at + 1) === 58 && text.charCodeAt(at + 2) === 92;
}

/** Only spaces, digits and punctuation before `end` (a list mark or a prefix that not every line carries). */
function onlyMarks(text: string, end: number): boolean {
  if (end > 24) return false;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 0x7f) return false;
  }
  return true;
}

function leadingSpaces(text: string): number {
  let i = 0;
  while (text.charCodeAt(i) === 32) i++;
  return i;
}

const sectionKeys = new Map<string, string>();
function sectionKey(name: string): string {
  let k = sectionKeys.get(name);
  if (k === undefined) {
    k = normalizeSection(name);
    if (sectionKeys.size < 1024) sectionKeys.set(name, k);
  }
  return k;
}

function cleanValue(value: string): string {
  const v = value.trim();
  return v.includes('  ') || v.includes('\t') || v.includes('\n') ? v.replace(/\s+/g, ' ') : v;
}
