// `dsregcmd /status` text -> fields with their section and line number.
//
// Real captures are messy: pasted with the shell prompt and banners around them, cut short, with
// Markdown or HTML residue from forums (`**NgcSet : YES**`, `<br/>` instead of line breaks),
// re-aligned by PowerShell (`Key     : value`), in the old 1607-era layout (`Key: value`,
// `KeySignTest: : PASSED`), or hard-wrapped at the console width. The parser keeps every field it
// can recognise, unknown keys included, each with the line it came from, and drops the rest.
import { InputError } from '../types.js';
import { KNOWN_KEYS, KNOWN_SECTIONS, normalizeKey, normalizeSection } from './keys.js';

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

export type DsregLayout = 'boxed' | 'list' | 'fragment';

export interface DsregStatus {
  source: string;
  layout: DsregLayout;
  sections: DsregSection[];
  fields: DsregField[];
  /** The input's lines after clean-up, index 0 = line 1 (several entries may share a line when <br> split it). */
  lines: { line: number; text: string }[];
}

const BORDER = /^\+-{20,}\+?$/;
const HEADER = /^\|\s*([^|]+?)\s*\|?$/;
const PROMPT = /^(?:PS\s+)?[A-Za-z]:\\[^>]*>/;
// Key, separator, value. The key has no colon; the separator is a colon followed by a space or the
// end of the line, so URLs and times in values stay whole. `KeySignTest: : PASSED` carries a doubled
// colon that the optional `(?::\s*)?` absorbs.
const KEY_VALUE = /^([A-Za-z][A-Za-z0-9 ()._\-/]*?)\s*:(?:\s+|$)(?::(?:\s+|$))?(.*)$/;
const TABLE_ROW = /^\|\s*([^|]+?)\s*\|\s*([^|]*?)\s*\|$/;

/** Undo what forums and HTML reports do to the text, line by line, keeping original line numbers. */
function cleanLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  const raw = text.split(/\r\n|\n|\r/);
  const hasHtml = /<br\s*\/?>|<\/?(?:p|pre|code|div|span)\b[^>]*>|&(?:amp|lt|gt|nbsp|quot|#39);/i.test(text);
  raw.forEach((rawLine, i) => {
    const pieces = hasHtml ? rawLine.split(/<br\s*\/?>/i) : [rawLine];
    for (let piece of pieces) {
      if (hasHtml) {
        piece = piece
          .replace(/<\/?[a-z][^>]*>/gi, '')
          .replace(/&nbsp;/g, ' ')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'")
          .replace(/&amp;/g, '&');
      }
      piece = piece
        .replace(/\t/g, '    ')
        .replace(/\u00a0/g, ' ')
        .replace(/\*\*|__/g, '')
        .replace(/^\s*(?:>\s?)+/, '')
        .replace(/^`+|`+$/g, '')
        .replace(/\s+$/, '');
      out.push({ line: i + 1, text: piece });
    }
  });
  return out;
}

/** Parses `dsregcmd /status` text. Throws InputError when the text has no dsregcmd field at all. */
export function parseDsregcmd(text: string, source = '-'): DsregStatus {
  const lines = cleanLines(text.replace(/^\uFEFF/, ''));
  const sections: DsregSection[] = [];
  const fields: DsregField[] = [];
  let section: DsregSection | undefined;
  let knownInSection = false;
  let lastField: DsregField | undefined;
  let lastWasLong = false;

  for (const { line, text: t } of lines) {
    const trimmed = t.trim();
    if (trimmed === '') {
      lastField = undefined;
      continue;
    }
    if (BORDER.test(trimmed)) {
      lastField = undefined;
      continue;
    }
    if (PROMPT.test(trimmed)) {
      // A new prompt ends the capture's last section: what follows is other shell output.
      section = undefined;
      lastField = undefined;
      continue;
    }
    const header = HEADER.exec(trimmed);
    if (header && !TABLE_ROW.test(trimmed)) {
      const name = header[1]!.trim();
      const key = normalizeSection(name);
      if (KNOWN_SECTIONS.has(key) || /^[A-Za-z][A-Za-z0-9 -]{2,60}$/.test(name)) {
        section = { name, key, line };
        knownInSection = KNOWN_SECTIONS.has(key);
        sections.push(section);
        lastField = undefined;
        continue;
      }
    }
    let key: string | undefined;
    let value: string | undefined;
    const row = TABLE_ROW.exec(trimmed);
    if (row && KNOWN_KEYS.has(normalizeKey(row[1]!))) {
      key = row[1]!;
      value = row[2]!;
    } else {
      const kv = KEY_VALUE.exec(trimmed);
      if (kv) {
        key = kv[1]!.trim();
        value = kv[2]!.trim();
      }
    }

    // A line that the console wrapped: the previous value was cut at the window's width and this
    // line carries on without the key column's indentation (seen in "Auto Detect PAC Status").
    const indented = /^\s{2,}/.test(t);
    if (lastField && lastWasLong && !indented && (key === undefined || !KNOWN_KEYS.has(normalizeKey(key)))) {
      lastField.value += trimmed;
      lastField.text += `\n${t}`;
      lastWasLong = false;
      continue;
    }

    if (key === undefined || value === undefined) {
      lastField = undefined;
      continue;
    }
    const normKey = normalizeKey(key);
    const known = KNOWN_KEYS.has(normKey);
    // Outside a known section only known keys count; inside one, unknown keys are kept too.
    if (!known && !(section && knownInSection && key.length <= 40)) {
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
    lastField = field;
    lastWasLong = t.length >= 80;
  }

  if (!fields.some((f) => KNOWN_KEYS.has(f.normKey))) {
    throw new InputError(source, 'does not look like `dsregcmd /status` output (no known field found)');
  }
  const layout: DsregLayout = sections.length > 0 ? 'boxed' : fields.length >= 6 ? 'list' : 'fragment';
  return { source, layout, sections, fields, lines };
}

function cleanValue(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}
