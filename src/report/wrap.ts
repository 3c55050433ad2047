// The one word-wrapping function of every terminal text (diagnose, probe, lookup, rules): wrap-ansi
// measures what a terminal shows (East Asian wide characters take two columns, our own colour
// codes none), and words longer than a line (URLs) stay whole on a line of their own, so they can
// still be clicked and copied.
import wrapAnsi from 'wrap-ansi';

const OPTIONS = { hard: false, trim: true, wordWrap: true } as const;

/**
 * Wraps `text` to `width` columns: the first line after `firstIndent`, the others after `indent`.
 * A newline in the text starts a new paragraph; other runs of white space become one space.
 */
export function wrap(text: string, width: number, indent: string, firstIndent = indent): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    // One space between words; a single-spaced paragraph (the usual one) is not copied.
    const words = RUNS.test(para) ? para.replace(/\s+/g, ' ').trim() : para.trim();
    const first = out.length === 0 ? firstIndent : indent;
    if (words === '') {
      out.push(first);
      continue;
    }
    if (PRINTABLE_ASCII.test(words)) {
      // Printable ASCII is as wide as it is long: the same greedy wrap, without measuring each
      // character (wrap-ansi costs some 40 µs a call, too much for a timeline of 100,000 rows).
      greedy(words, width - first.length, width - indent.length, first, indent, out);
      continue;
    }
    const head = firstLine(words, width - first.length);
    out.push(first + head);
    const rest = words.slice(head.length).trimStart();
    if (rest !== '') wrapRest(rest, Math.max(1, width - indent.length), indent, out);
  }
  return out;
}

const RUNS = /\s\s|[^\S ]/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Greedy wrap of single-spaced words whose width is their length; a long word keeps a line of its
 * own. Lines are cut out of the paragraph by position: one new string a line, so memory and time
 * stay linear on a paragraph of megabytes.
 */
function greedy(
  words: string,
  roomFirst: number,
  roomRest: number,
  first: string,
  indent: string,
  out: string[],
) {
  let prefix = first;
  let room = roomFirst;
  let lineStart = 0;
  let lineEnd = -1;
  let pos = 0;
  while (pos < words.length) {
    let end = words.indexOf(' ', pos);
    if (end < 0) end = words.length;
    if (lineEnd < 0) lineStart = pos;
    else if (lineEnd - lineStart + 1 + (end - pos) > room) {
      out.push(prefix + words.slice(lineStart, lineEnd));
      prefix = indent;
      room = roomRest;
      lineStart = pos;
    }
    lineEnd = end;
    pos = end + 1;
  }
  out.push(prefix + (lineEnd < 0 ? '' : words.slice(lineStart, lineEnd)));
}

/** Characters handed to wrap-ansi at a time: a long paragraph costs linear time, in bounded pieces. */
const CHUNK = 8192;

/**
 * Wraps `words` at `room` columns onto `out`, a piece at a time. Greedy wrapping starts each line
 * afresh, so the unfinished last line of a piece, carried into the next, wraps as in one pass.
 */
function wrapRest(words: string, room: number, indent: string, out: string[]): void {
  let pos = 0;
  let carry = '';
  while (pos < words.length) {
    let end = Math.min(words.length, pos + CHUNK);
    if (end < words.length) {
      const space = words.indexOf(' ', end);
      end = space < 0 ? words.length : space;
    }
    const piece = carry ? `${carry} ${words.slice(pos, end).trim()}` : words.slice(pos, end).trim();
    pos = end;
    const lines = wrapAnsi(piece, room, OPTIONS).split('\n');
    carry = pos < words.length ? (lines.pop() ?? '') : '';
    for (const line of lines) out.push(indent + line);
  }
  if (carry) out.push(indent + carry);
}

/** The first line of `words` wrapped at `room` columns (only as much of the text as it can hold). */
function firstLine(words: string, room: number): string {
  // A line never holds more characters than columns, so wrapping a little more than `room`
  // characters finds the same first line as wrapping the whole paragraph.
  const end = words.indexOf(' ', Math.max(1, room) + 1);
  const chunk = end < 0 ? words : words.slice(0, end);
  return wrapAnsi(chunk, Math.max(1, room), OPTIONS).split('\n')[0] ?? '';
}
