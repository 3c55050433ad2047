// The one place that decides what an input is. Every reader of inputs (the analysis, a log
// collection's classification, the redaction, the CLI's and the page's intake) asks `sniff`; none
// looks at magic numbers or tries a parser on its own. Each format keeps its own recogniser (the
// event readers' `sniffEventText`, the dsregcmd parser), so sniff sits after the readers in the
// pipeline. Pure: bytes in, a decision out.
import { KNOWN_KEYS, KNOWN_SECTIONS } from '../dsregcmd/keys.js';
import { type DsregStatus, parseDsregcmd, parseDsregcmdAll } from '../dsregcmd/parse.js';
import { sniffEventText } from '../events/read.js';
import { decodeText } from './decode.js';
import { type InputKind, KIND_TEXT } from './kinds.js';
import { isEvtxHead, isZip, knownBinary } from './magic.js';

/** How much of an input the event readers' sniffing and the binary check look at (as `sniffEvents` does). */
const HEAD = 65536;

export interface Sniffed {
  kind: InputKind;
  /** What the input was taken for ("event log export (XML)"), or why it cannot be read ("a PDF document: not read"). */
  reason: string;
  /** For text (kinds dsregcmd and text): the decoded text. */
  text?: string;
  /**
   * For text the dsregcmd parser read: the captures, parsed once (the analysis reuses them); one
   * per JSON string or CSV cell when the text holds several devices' output. Kind `text` may
   * carry them too: a fragment with fewer known fields than a capture needs to be recognised in a
   * log collection, which an input given on its own is still read as.
   */
  captures?: DsregStatus[];
}

/** What an input is, by its content only (`name` goes into the capture's evidence). */
export function sniff(bytes: Uint8Array, name = '-'): Sniffed {
  if (bytes.length === 0) return { kind: 'empty', reason: 'empty file' };
  if (isZip(bytes)) return { kind: 'zip', reason: 'a zip archive' };
  const binary = knownBinary(bytes);
  if (binary) return { kind: 'binary', reason: binary };
  if (isEvtxHead(bytes)) return { kind: 'evtx', reason: KIND_TEXT.evtx! };
  // The event readers' sniffing and the binary check look at the first 64 KiB, decoded once; a
  // small input (a capture is a few KiB) is decoded once in all.
  const head = decodeText(bytes.length <= HEAD ? bytes : bytes.subarray(0, HEAD)).text;
  const events = sniffEventText(head);
  if (events !== 'none') return { kind: events, reason: KIND_TEXT[events]! };
  if (looksBinary(head))
    return { kind: 'binary', reason: 'binary file: neither text nor an .evtx event log' };

  const text = bytes.length <= HEAD ? head : decodeText(bytes).text;
  let captures: DsregStatus[];
  try {
    captures = parseDsregcmdAll(text, name);
  } catch {
    return { kind: 'text', reason: NOT_A_CAPTURE, text };
  }
  let fields = 0;
  for (const c of captures) fields += captureFields(c);
  if (fields > 0) {
    const what = captures.length > 1 ? `${captures.length} captures, ` : '';
    return { kind: 'dsregcmd', reason: `dsregcmd /status output (${what}${fields} fields)`, text, captures };
  }
  return { kind: 'text', reason: NOT_A_CAPTURE, text, captures };
}

/** Tab, line feed, form feed, carriage return, and the terminal sequences' ESC, BEL and backspace. */
const TEXT_CONTROLS: ReadonlySet<number> = new Set([0x07, 0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x1b]);
/**
 * Any character looksBinary counts: a control below 0x20 but those, or the replacement mark. Each
 * is searched on its own: a one-character search is a memchr, several times cheaper in all than a
 * character class tried at every position (and the mark is never in a one-byte string).
 */
const BAD_CHARS: readonly string[] = [0xfffd, ...Array.from({ length: 0x20 }, (_, c) => c)]
  .filter((c) => c === 0xfffd || !TEXT_CONTROLS.has(c))
  .map((c) => String.fromCharCode(c));

const NOT_A_CAPTURE = 'text without `dsregcmd /status` fields or event records';

/**
 * Text decoding left control characters or replacement marks in more than 1% of the head. The
 * characters of terminal sequences (ESC, BEL, backspace) do not count: a pasted value can carry
 * them, and the text is then read and the renderers show them as symbols.
 */
function looksBinary(text: string): boolean {
  // Most text has none: the searches say so.
  if (!BAD_CHARS.some((c) => text.includes(c))) return false;
  let bad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd) bad++;
    else if (c < 0x20 && !TEXT_CONTROLS.has(c)) bad++;
  }
  return bad > text.length / 100;
}

/**
 * How many fields a parsed text holds, or 0 when it is not a capture: it must have a known section
 * header, or at least two known keys (the three-line fragments people post).
 */
function captureFields(status: DsregStatus): number {
  // A known section settles it (a whole capture has one); else two known keys, counted up to two.
  if (status.sections.some((s) => KNOWN_SECTIONS.has(s.key))) return status.fields.length;
  let known = 0;
  for (const f of status.fields) if (KNOWN_KEYS.has(f.normKey) && ++known >= 2) return status.fields.length;
  return 0;
}

/**
 * How many known `dsregcmd /status` fields a text holds, or 0 when it is not a capture: it must
 * have a known section header, or at least two known keys (the three-line fragments people post).
 */
export function dsregcmdFields(text: string): number {
  try {
    return captureFields(parseDsregcmd(text));
  } catch {
    return 0;
  }
}
