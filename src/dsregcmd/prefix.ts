// A prefix that every line of the capture carries: the output was pasted as comments (`# `, `// `,
// `REM `, `: `), as list items (`- `, `* `, `\- `, `1. `), with an editor's or a diff viewer's line
// numbers (`  12 | `, `12: `), or with the timestamp and level of the log file a script wrote
// (`2024-05-01 10:00:00 INFO `). Nothing here lists these: the prefix is found from the lines
// themselves, as the longest run of tokens (digit runs, space runs, words, single punctuation)
// that the lines holding a capture's structure (a border or a known key) share before it.
import { borderAt, type Line, type Row, shiftSpots } from './lines.js';

type Token =
  | { kind: 'digits' }
  | { kind: 'space'; min: number }
  | { kind: 'word'; text: string }
  | { kind: 'char'; c: string };

const isDigit = (c: number) => c >= 48 && c <= 57;
const isSpace = (c: number) => c === 32 || c === 9;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

function tokenize(prefix: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < prefix.length) {
    const c = prefix.charCodeAt(i);
    let j = i + 1;
    if (isDigit(c)) {
      while (j < prefix.length && isDigit(prefix.charCodeAt(j))) j++;
      out.push({ kind: 'digits' });
    } else if (isSpace(c)) {
      while (j < prefix.length && isSpace(prefix.charCodeAt(j))) j++;
      out.push({ kind: 'space', min: j - i });
    } else if (isLetter(c)) {
      while (j < prefix.length && isLetter(prefix.charCodeAt(j))) j++;
      out.push({ kind: 'word', text: prefix.slice(i, j) });
    } else {
      out.push({ kind: 'char', c: prefix[i]! });
    }
    i = j;
  }
  return out;
}

const isUpper = (w: string) => w === w.toUpperCase();

function sameToken(a: Token, b: Token): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'word' && b.kind === 'word') {
    // Log levels change from line to line (INFO, WARN): any upper-case word stands for another.
    return a.text === b.text || (isUpper(a.text) && isUpper(b.text));
  }
  if (a.kind === 'char' && b.kind === 'char') return a.c === b.c;
  return true;
}

/** Where the capture's structure starts in a line, or -1 when the line shows none. */
function contentStart(row: Row): number {
  return row.spots.length > 0 ? row.spots[0]!.start : borderAt(row.text);
}

function leadingSpaces(text: string): number {
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** The prefix the structural lines share, as tokens; undefined when they share none. */
export function findPrefix(rows: readonly Row[]): Token[] | undefined {
  const prefixes: Token[][] = [];
  let bare = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const start = contentStart(row);
    if (start < 0) continue;
    const lead = leadingSpaces(row.text);
    // Most captures carry no prefix: no need to tokenize what is only indentation.
    if (lead < start) {
      prefixes.push(tokenize(row.text.slice(lead, start)));
      continue;
    }
    bare++;
    // Too many bare lines even if every line left carried a prefix: the test below would fail.
    if (bare > (bare + prefixes.length + rows.length - 1 - i) * 0.2) return undefined;
  }
  if (prefixes.length < 2 || bare > (bare + prefixes.length) * 0.2) return undefined;
  // The prefix of most lines: a few structural lines may lack it (the first line of a paste).
  const counts = new Map<string, number>();
  const sig = (p: Token[]) => (p[0] ? `${p[0].kind}:${p[0].kind === 'char' ? p[0].c : ''}` : '');
  for (const p of prefixes) counts.set(sig(p), (counts.get(sig(p)) ?? 0) + 1);
  let best = '';
  let bestCount = 0;
  for (const [k, n] of counts) if (n > bestCount) [best, bestCount] = [k, n];
  if (best === '' || bestCount < (prefixes.length + bare) * 0.8 || bestCount < 2) return undefined;
  let common: Token[] | undefined;
  for (const p of prefixes) {
    if (sig(p) !== best) continue;
    if (!common) {
      common = p.map((t) => ({ ...t }));
      continue;
    }
    let n = 0;
    while (n < common.length && n < p.length && sameToken(common[n]!, p[n]!)) {
      const c = common[n]!;
      const t = p[n]!;
      if (c.kind === 'space' && t.kind === 'space') c.min = Math.min(c.min, t.min);
      n++;
    }
    common.length = n;
  }
  // A prefix that ends inside a word would cut keys: keep only what ends on a token boundary that
  // the content does not continue.
  return common && common.length > 0 ? common : undefined;
}

/**
 * Matches the prefix at the start of a line: the index where the rest begins, 'partial' when the
 * line ends inside the prefix (an empty comment line such as `#`), or -1.
 */
function matchPrefix(text: string, tokens: Token[]): number | 'partial' {
  let i = leadingSpaces(text);
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t]!;
    if (i >= text.length) return 'partial';
    const c = text.charCodeAt(i);
    if (tok.kind === 'digits') {
      if (!isDigit(c)) return -1;
      while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    } else if (tok.kind === 'space') {
      if (!isSpace(c)) return -1;
      // The last space run also holds the capture's own indentation: take only what all lines share.
      const last = t === tokens.length - 1;
      let n = 0;
      while (i < text.length && isSpace(text.charCodeAt(i)) && (!last || n < tok.min)) {
        i++;
        n++;
      }
    } else if (tok.kind === 'word') {
      if (!isLetter(c)) return -1;
      let j = i;
      while (j < text.length && isLetter(text.charCodeAt(j))) j++;
      if (!sameToken(tok, { kind: 'word', text: text.slice(i, j) })) return -1;
      i = j;
    } else {
      if (text[i] !== tok.c) return -1;
      i++;
    }
  }
  return i;
}

/** The lines without the prefix they share; lines that do not carry it stay as they are. */
export function stripPrefix(rows: Row[]): Row[] {
  const tokens = findPrefix(rows);
  if (!tokens) return rows;
  return rows.map((r) => {
    const at = matchPrefix(r.text, tokens);
    if (at === 'partial') return { line: r.line, text: '', spots: r.spots.length === 0 ? r.spots : [] };
    if (at < 0) return r;
    return { line: r.line, text: r.text.slice(at), spots: shiftSpots(r.spots, at) };
  });
}

/** CMTrace lines (`<![LOG[text]LOG]!><time="…" …>`): the text inside. */
export function stripCmtrace(lines: Line[]): Line[] {
  if (!lines.some((l) => l.text.includes(']LOG]!>') || l.text.includes('<![LOG['))) return lines;
  return lines.map((l) => {
    let t = l.text;
    const open = t.indexOf('<![LOG[');
    if (open >= 0) t = t.slice(open + 7);
    const close = t.indexOf(']LOG]!>');
    if (close >= 0) t = t.slice(0, close);
    return t === l.text ? l : { line: l.line, text: t };
  });
}
