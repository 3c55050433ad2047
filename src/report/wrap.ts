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
    const words = para.split(/\s+/).filter(Boolean).join(' ');
    const first = out.length === 0 ? firstIndent : indent;
    if (words === '') {
      out.push(first);
      continue;
    }
    const head = firstLine(words, width - first.length);
    out.push(first + head);
    const rest = words.slice(head.length).trimStart();
    if (rest !== '') wrapRest(rest, Math.max(1, width - indent.length), indent, out);
  }
  return out;
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
