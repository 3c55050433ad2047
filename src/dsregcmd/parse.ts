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
  borderAt,
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
// An unknown key inside a known section: a short label, a colon and a space or the end of the line.
// The label is bounded, so a long run of spaces costs at most 60 steps per line.
const KEY_VALUE = /^(\p{L}[\p{L}\p{N} ()._\-/]{0,60}?)[ \t]*[:：](?:[ \t]+|$)(?:[:：](?:[ \t]+|$))?(.*)$/u;
const SECTION_NAME = /^\p{L}[\p{L}\p{N} -]{2,60}$/u;
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
      (text.includes('::') || text.includes('DSREGCMD_') || text.includes('preCheckResult')) &&
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
  const hasColon = piece.includes(':') || (marks.wideColon && piece.includes('\uff1a'));
  return { line, text: piece, spots: hasColon ? knownKeys(piece) : NO_SPOTS };
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

function parseCapture(raw: Line[], source: string, marks: Marks): DsregStatus | undefined {
  const lines = splitJoined(stripPrefix(cleanLines(marks.cmtrace ? stripCmtrace(raw) : raw, marks)));
  const sections: DsregSection[] = [];
  const fields: DsregField[] = [];
  /** Fields with unknown keys in a section whose name is not known either (a translated box). */
  const tentative = new Set<DsregField>();
  let section: DsregSection | undefined;
  let knownInSection = false;
  let lastField: DsregField | undefined;
  let lastLength = 0;

  for (const { line, text: t, spots } of lines) {
    const trimmed = t.trim();
    if (trimmed === '') {
      lastField = undefined;
      continue;
    }
    if (trimmed.charCodeAt(0) === 43 && borderAt(trimmed) === 0) {
      lastField = undefined;
      continue;
    }
    if (trimmed.includes(':\\') && PROMPT.test(trimmed)) {
      // A new prompt ends the capture's last section: what follows is other shell output.
      section = undefined;
      lastField = undefined;
      continue;
    }
    const cells = pipeCells(trimmed);
    if (cells && cells.length === 1) {
      const name = cells[0]!;
      const key = sectionKey(name);
      if (KNOWN_SECTIONS.has(key) || SECTION_NAME.test(name)) {
        section = { name, key, line };
        knownInSection = KNOWN_SECTIONS.has(key);
        sections.push(section);
        lastField = undefined;
        continue;
      }
    }
    let key: string | undefined;
    let value: string | undefined;
    let normKey: string | undefined;
    if (cells && cells.length === 2 && KNOWN_KEYS.has(normalizeKey(cells[0]!))) {
      key = cells[0]!;
      value = cells[1]!;
    } else {
      const spot = spots[0];
      if (spot && (spot.start === leadingSpaces(t) || onlyMarks(t, spot.start))) {
        key = spot.key;
        normKey = spot.normKey;
        value = t.slice(spot.valueStart);
      } else if (section) {
        // Unknown keys count only inside a boxed section.
        const kv = KEY_VALUE.exec(trimmed);
        if (kv) {
          key = kv[1]!.trim();
          value = kv[2]!.trim();
        }
      }
    }

    // A line that the console or a mail client wrapped: the previous value was cut at the window's
    // width and this line carries on without the key column's indentation.
    const indented = t.charCodeAt(0) === 32 && t.charCodeAt(1) === 32;
    if (
      lastField &&
      lastLength >= 60 &&
      !indented &&
      !cells &&
      (key === undefined || !KNOWN_KEYS.has(normKey ?? normalizeKey(key)))
    ) {
      // A console cuts at its width, inside a word; a mail client breaks between words.
      lastField.value += lastLength >= 80 ? trimmed : ` ${trimmed}`;
      lastField.value = cleanValue(lastField.value);
      lastField.text += `\n${t}`;
      lastLength = t.length;
      continue;
    }

    if (key === undefined || value === undefined) {
      lastField = undefined;
      continue;
    }
    normKey ??= normalizeKey(key);
    const known = KNOWN_KEYS.has(normKey);
    // Outside a boxed section only known keys count; inside a known one, unknown keys are kept too;
    // inside an unknown one (translated), they are kept until the labels are matched.
    const inSection = section !== undefined && key.length <= 40;
    if (!known && !inSection) {
      lastField = undefined;
      continue;
    }
    const field: DsregField = {
      section: section?.name ?? '',
      sectionKey: section?.key ?? '',
      key,
      normKey,
      value: cleanValue(value),
      line,
      text: t,
    };
    fields.push(field);
    if (!known && !knownInSection) tentative.add(field);
    lastField = field;
    lastLength = t.length;
  }

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
  const kept = localize(all, tentative, notes);
  if (!kept.some((f) => KNOWN_KEYS.has(f.normKey))) return undefined;
  layout ??= sections.length > 0 ? 'boxed' : kept.length >= 6 ? 'list' : 'fragment';
  const shown = lines.map(({ line, text }) => ({ line, text }));
  const status: DsregStatus = { source, layout, sections, fields: kept, lines: shown };
  if (notes.length > 0) status.notes = notes;
  return status;
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
