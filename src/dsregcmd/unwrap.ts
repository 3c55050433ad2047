// Captures that arrive inside something else: a JSON string (Intune remediation output, Log
// Analytics, `ConvertTo-Json`: `"Output": "+----…\r\n| Device State…"`) or a CSV cell (a report of
// many devices, one capture per cell). Each string or cell that holds a capture becomes its own
// list of lines, numbered by the line of the input where each of its lines sits, so evidence still
// points at the user's file. Both scanners are single passes over the text.
import { borderAt, knownKeys, type Line, splitLines } from './lines.js';

/** The captures a text holds: the strings or cells that carry one, else the text itself. */
export function unwrap(text: string): Line[][] {
  return unwrapLines(text, undefined, 0);
}

function unwrapLines(text: string, lineOf: ((n: number) => number) | undefined, depth: number): Line[][] {
  const whole = (): Line[][] => {
    const lines = splitLines(text);
    return [lineOf ? lines.map((l) => ({ line: lineOf(l.line), text: l.text })) : lines];
  };
  if (depth > 2) return whole();
  // (No spreading into push: a container of 100,000 captures would overflow the stack.)
  let parts: Array<{ text: string; lines: number[] }> = [];
  if (text.includes('\\n') || text.includes('\\r')) parts = jsonStrings(text);
  // A cell that spans lines opens with a quote at the start of the text, a line or a cell.
  // (A text without a quote at all is told in one fast search: most captures hold none.)
  const cellQuote =
    text.includes('"') &&
    (text.startsWith('"') ||
      text.includes('\n"') ||
      text.includes(',"') ||
      text.includes(';"') ||
      text.includes('\t"'));
  if (parts.length === 0 && cellQuote) parts = csvCells(text);
  const captures: Line[][] = [];
  for (const p of parts) {
    const map = (n: number) => {
      const raw = p.lines[Math.min(n, p.lines.length) - 1]!;
      return lineOf ? lineOf(raw) : raw;
    };
    for (const c of unwrapLines(p.text, map, depth + 1)) captures.push(c);
  }
  return captures.length > 0 ? captures : whole();
}

/** At least two known keys, or a border and a known key, on separate lines. */
function holdsCapture(text: string): boolean {
  let keys = 0;
  let border = false;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const t = text.slice(start, end);
    if (t.includes(':') && knownKeys(t, 1).length > 0) keys++;
    else if (!border && borderAt(t) >= 0) border = true;
    if (keys >= 2 || (border && keys >= 1)) return true;
    start = end + 1;
  }
  return false;
}

/**
 * Every JSON string literal that holds an escaped line break and a capture, decoded. `lines[i]` is the input line
 * where decoded line i+1 starts.
 */
function jsonStrings(text: string): Array<{ text: string; lines: number[] }> {
  const out: Array<{ text: string; lines: number[] }> = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    if (c !== 34) continue;
    // A string literal: decode up to the closing quote.
    let s = '';
    const lines = [line];
    let breaks = 0;
    let j = i + 1;
    let chunk = j;
    for (; j < text.length; j++) {
      const d = text.charCodeAt(j);
      if (d === 34) break;
      if (d === 10) {
        line++;
        // JSON has no raw line break in a string: this was not one.
        break;
      }
      if (d !== 92) continue;
      s += text.slice(chunk, j);
      const e = text[j + 1];
      let add = '';
      if (e === 'n') {
        add = '\n';
        lines.push(line);
        breaks++;
      } else if (e === 'r') {
        // \r\n is one break; a lone \r is one too.
        if (text[j + 2] === '\\' && text[j + 3] === 'n') {
          j += 2;
        }
        add = '\n';
        lines.push(line);
        breaks++;
      } else if (e === 't') add = '\t';
      else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) {
        add = String.fromCharCode(Number.parseInt(text.slice(j + 2, j + 6), 16));
        j += 4;
      } else if (e === 'b' || e === 'f') add = '';
      else if (e !== undefined) add = e;
      s += add;
      j++;
      chunk = j + 1;
    }
    if (text.charCodeAt(j) === 34) {
      s += text.slice(chunk, j);
      if (breaks > 0 && holdsCapture(s)) out.push({ text: s, lines });
    } else if (text.charCodeAt(j) === 10) {
      // The newline ended the bad literal: count it once.
      i = j;
      continue;
    }
    i = j;
  }
  return out;
}

/**
 * Every quoted CSV cell (comma, semicolon or tab separated, `""` for a quote) that spans lines and
 * holds a capture, decoded, with the input line of each of its lines.
 */
function csvCells(text: string): Array<{ text: string; lines: number[] }> {
  const out: Array<{ text: string; lines: number[] }> = [];
  let line = 1;
  let cellStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (cellStart && c === 34) {
      let s = '';
      const lines = [line];
      let j = i + 1;
      let chunk = j;
      let closed = false;
      for (; j < text.length; j++) {
        const d = text.charCodeAt(j);
        if (d === 10) {
          line++;
          lines.push(line);
        } else if (d === 13 && text.charCodeAt(j + 1) !== 10) {
          line++;
          lines.push(line);
        } else if (d === 34) {
          if (text.charCodeAt(j + 1) === 34) {
            s += text.slice(chunk, j + 1);
            j++;
            chunk = j + 1;
            continue;
          }
          closed = true;
          break;
        }
      }
      s += text.slice(chunk, j);
      if (closed && lines.length > 1 && holdsCapture(s)) out.push({ text: s, lines });
      i = j;
      cellStart = false;
      continue;
    }
    if (c === 10) line++;
    if (c === 13 && text.charCodeAt(i + 1) !== 10) line++;
    cellStart = c === 10 || c === 13 || c === 44 || c === 59 || c === 9;
  }
  return out;
}
