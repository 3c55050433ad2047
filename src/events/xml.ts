// Event XML as Windows tools write it: `wevtutil qe LOG /f:xml` (a run of <Event> elements with no
// root and no declaration), `/f:RenderedXml` and Event Viewer's "Save as XML" (an <Events> root, each
// event with a <RenderingInfo> holding the message in the exporter's language), and the XML of
// libevtx and python-evtx. Each <Event> is cut out and parsed on its own, so one damaged event costs
// only itself. DTDs are refused before anything is parsed: no event export carries one, and entity
// expansion (XXE, "billion laughs") is the classic XML attack. Character and the five predefined
// entity references are decoded here, not by the parser, so no declared entity is ever expanded.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { attribute, payloadData, textContent, type XmlElement } from '../evtx/payload.js';
import type { TextEncoding } from '../input/decode.js';
import { InputError } from '../types.js';
import { lineCounter } from './lines.js';
import { type PushReader, pushAll, TextBuffer, type TextPlace, TextPositions } from './text-stream.js';
import { normalizeIsoTime } from './time.js';
import type { EventRecord, ReadOptions, ReadWarning } from './types.js';

const EVENT_START = /<(?:[A-Za-z_][\w.-]*:)?Event(?=[\s>/])/g;
const EVENT_END = /<\/(?:[A-Za-z_][\w.-]*:)?Event\s*>/g;
const DTD = /<!(?:DOCTYPE|ENTITY)/i;

let parser: XMLParser | undefined;

/** The XML parser, made on first use: a start-up that reads no XML export does not load the library. */
function xmlParser(): XMLParser {
  parser ??= new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
  });
  return parser;
}

export interface XmlReadOptions extends ReadOptions {
  /** The encoding the text was decoded from, for byte offsets in warnings. */
  encoding?: TextEncoding;
}

/** The longest text of one element kept (longer ones are cut, with a warning): 1 MiB of characters. */
export const MAX_XML_FIELD = 1 << 20;
/** The largest event read (larger ones are skipped, with a warning): 16 MiB of characters. */
export const MAX_XML_EVENT = 16 << 20;
/** How far back a search resumes after more text came, so a tag split between two pieces is found. */
const OVERLAP = 256;

/**
 * Every readable <Event> in the text, in order. Throws InputError at once, before any record, for a
 * DTD or when there is no <Event> at all.
 */
export function parseEventXml(text: string, options: XmlReadOptions = {}): Generator<EventRecord> {
  const source = options.source ?? '-';
  const dtd = DTD.exec(text);
  if (dtd) throw dtdError(source, lineCounter(text)(dtd.index));
  if (!new RegExp(EVENT_START.source).test(text)) throw noEventError(source);
  return pushAll(xmlReader(options), text, undefined, options.onProgress);
}

function dtdError(source: string, line: number): InputError {
  return new InputError(
    source,
    'refused: the XML declares a DTD or entities (<!DOCTYPE/<!ENTITY); event exports never do, and they are not expanded',
    { line },
  );
}

function noEventError(source: string): InputError {
  return new InputError(source, 'no <Event> element: this XML is not an event log export');
}

/**
 * The XML reader fed piece by piece (a file read in 64 KiB pieces): each <Event> is parsed once its
 * end has arrived, so memory holds one event, never the file. A text longer than MAX_XML_FIELD is
 * cut to that length and an event longer than MAX_XML_EVENT is skipped, each with a warning. Throws
 * InputError for a DTD (when it arrives) and, at the end, when no <Event> came at all.
 */
export function xmlReader(options: XmlReadOptions = {}): PushReader<EventRecord> {
  const source = options.source ?? '-';
  const encoding = options.encoding ?? 'utf-8';
  const buf = new TextBuffer(encoding);
  const warn: Warn = (index, message, recordId, code = 'xml-damaged-event') => {
    const { line, offset } = buf.placeAt(index);
    options.onWarning?.({
      source,
      code,
      message,
      line,
      offset,
      ...(recordId !== undefined ? { recordId } : {}),
    });
  };
  // A cut is found as text arrives, ahead of the events read: its warning waits (with its place,
  // counted on the text as written) until the events before it are read, so warnings come in order.
  const cuts: { at: number; warning: ReadWarning }[] = [];
  const flushCuts = (upTo: number): void => {
    while (cuts.length > 0 && cuts[0]!.at <= upTo) {
      const { warning } = cuts.shift()!;
      options.onWarning?.(warning);
    }
  };
  const runs = new RunLimiter(buf, encoding, (at, place) =>
    cuts.push({
      at,
      warning: {
        source,
        code: 'xml-field-too-long',
        message: `a text of more than ${MAX_XML_FIELD} characters: cut to that length`,
        ...place,
      },
    }),
  );
  const splitter = new EventSplitter(buf, source, warn, flushCuts);
  // The DTD check looks at each new piece with the end of the one before (a split "<!DOCTYPE").
  let tail = '';
  return {
    push(text) {
      const before = buf.base + buf.text.length;
      const added = runs.append(text);
      const dtd = DTD.exec(tail + added);
      if (dtd) throw dtdError(source, buf.placeAt(before - tail.length + dtd.index).line);
      tail = (tail + added).slice(-16);
      return splitter.split(false);
    },
    end() {
      const out = splitter.split(true);
      flushCuts(Number.POSITIVE_INFINITY);
      if (!splitter.sawEvent) throw noEventError(source);
      return out;
    },
  };
}

/**
 * Appends text to the buffer with every run of characters outside a tag (an element's text) cut to
 * MAX_XML_FIELD: a 200 MB text node costs 1 MiB, not the heap. The cut keeps entity references and
 * surrogate pairs whole, and the buffer keeps count of what was removed for later positions.
 */
class RunLimiter {
  private inTag = false;
  private run = 0;
  private cutting = false;

  constructor(
    private readonly buf: TextBuffer,
    private readonly encoding: TextEncoding,
    private readonly onCut: (at: number, place: TextPlace) => void,
  ) {
    this.original = new TextPositions(encoding);
  }

  /** Lines and bytes of the text as written (cut parts included), for the place of each cut. */
  private readonly original: TextPositions;

  /** Appends a piece (its long runs cut) and returns what was appended. */
  append(text: string): string {
    let kept = '';
    let added = '';
    let counted = 0;
    let from = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.inTag) {
        if (c === 0x3e) this.inTag = false;
        continue;
      }
      if (c === 0x3c) {
        if (this.cutting) {
          // The end of a cut run: what lay between the cut and here is left out.
          this.buf.noteCut(
            this.buf.base + this.buf.text.length + kept.length,
            text.slice(from, i),
            this.encoding,
          );
          from = i;
          this.cutting = false;
        }
        this.inTag = true;
        this.run = 0;
        continue;
      }
      if (this.cutting) continue;
      if (++this.run > MAX_XML_FIELD) {
        let cut = i;
        // Keep a reference (&amp;) or a surrogate pair whole: cut before it.
        const amp = text.lastIndexOf('&', cut);
        if (amp >= from && amp > cut - 12 && !text.slice(amp, cut).includes(';')) cut = amp;
        const prev = text.charCodeAt(cut - 1);
        if (cut > from && prev >= 0xd800 && prev <= 0xdbff) cut--;
        kept += text.slice(from, cut);
        // What is kept goes into the buffer first, so the warning's place is counted on it.
        this.buf.append(kept);
        added += kept;
        kept = '';
        this.original.advance(text.slice(counted, cut));
        counted = cut;
        this.onCut(this.buf.base + this.buf.text.length, this.original.place());
        from = cut;
        this.cutting = true;
      }
    }
    if (this.cutting) {
      this.buf.noteCut(this.buf.base + this.buf.text.length + kept.length, text.slice(from), this.encoding);
      from = text.length;
    }
    this.original.advance(text.slice(counted));
    const rest = kept + text.slice(from);
    this.buf.append(rest);
    return added + rest;
  }
}

/** Cuts the buffered text into <Event> elements and reads each, as the whole-text reader did. */
class EventSplitter {
  sawEvent = false;
  /** Where to look for the next event start (buffer index). */
  private pos = 0;
  /** Skipping an event larger than MAX_XML_EVENT, up to its end. */
  private skipping = false;
  /** The event start (global index) waiting for more text, and how far its searches went. */
  private waiting = -1;
  private searched = 0;
  private retryLength = 0;

  constructor(
    private readonly buf: TextBuffer,
    private readonly source: string,
    private readonly warn: Warn,
    /** Gives out the waiting warnings of cuts up to a global index. */
    private readonly flushCuts: (upTo: number) => void,
  ) {}

  split(final: boolean): EventRecord[] {
    const out: EventRecord[] = [];
    // An event still arriving is looked at again once the buffer has doubled (or passed the event
    // limit): appending stays cheap, and the text is joined a logarithmic number of times.
    if (this.waiting >= 0 && !final && this.buf.text.length < this.retryLength) return out;
    for (;;) {
      const text = this.buf.text;
      if (this.skipping) {
        if (!this.skipLarge(final)) break;
        continue;
      }
      const start = find(EVENT_START, text, this.pos);
      if (start === -1) {
        // Nothing but text between events: keep only a tail where a split tag may start.
        this.pos = Math.max(this.pos, text.length - OVERLAP);
        break;
      }
      this.sawEvent = true;
      const step = this.readAt(start, final, out);
      if (step === 'more') {
        this.pos = start;
        break;
      }
    }
    this.compact();
    return out;
  }

  /** Reads the event starting at buffer index `start`, or says more text is needed. */
  private readAt(start: number, final: boolean, out: EventRecord[]): 'done' | 'more' {
    const text = this.buf.text;
    const at = this.buf.base + start;
    this.flushCuts(at);
    // An event still arriving is searched on from where the last search stopped: linear in its size.
    const from =
      at === this.waiting ? Math.max(start + 1, this.searched - this.buf.base - OVERLAP) : start + 1;
    this.waiting = -1;
    const nextFound = find(EVENT_START, text, from);
    const next = nextFound === -1 ? text.length : nextFound;
    // The end is looked for only before the next start, so a run of unclosed events stays linear.
    const endFound = findEnd(nextFound === -1 ? text : text.slice(0, next), from);
    const tagEnd = text.indexOf('>', start);
    if (tagEnd !== -1 && tagEnd < next && text[tagEnd - 1] === '/') {
      this.warn(at, 'empty <Event/> element skipped', undefined, 'xml-empty-event');
      this.pos = tagEnd + 1;
      return 'done';
    }
    if (endFound && endFound.index < next) {
      const end = endFound.index + endFound.length;
      const record = readOne(text.slice(start, end), at, this.source, this.warn);
      this.flushCuts(this.buf.base + end);
      if (record) out.push(record);
      this.pos = end;
      return 'done';
    }
    if (nextFound !== -1 || final) {
      this.warn(
        at,
        'event cut off (no </Event>): skipped',
        recordIdIn(text.slice(start, next)),
        'xml-event-cut-off',
      );
      this.pos = next;
      return 'done';
    }
    if (text.length - start > MAX_XML_EVENT) {
      this.warn(
        at,
        `an event of more than ${MAX_XML_EVENT} characters: skipped`,
        recordIdIn(text.slice(start, start + 65536)),
        'xml-event-too-large',
      );
      this.skipping = true;
      this.pos = text.length - OVERLAP;
      return 'done';
    }
    this.waiting = at;
    this.searched = this.buf.base + text.length;
    this.retryLength = Math.min(2 * (text.length - start), MAX_XML_EVENT + 1);
    return 'more';
  }

  /** Passes over the rest of a skipped event; true once its end (or the next event) is reached. */
  private skipLarge(final: boolean): boolean {
    const text = this.buf.text;
    const from = Math.max(0, this.pos);
    const end = findEnd(text, from);
    const next = find(EVENT_START, text, from);
    if (end && (next === -1 || end.index < next)) {
      this.pos = end.index + end.length;
      this.skipping = false;
      return true;
    }
    if (next !== -1) {
      this.pos = next;
      this.skipping = false;
      return true;
    }
    this.pos = Math.max(from, text.length - OVERLAP);
    if (final) this.skipping = false;
    return false;
  }

  /** Drops what lies before the scan position (counting its lines and bytes on the way out). */
  private compact(): void {
    const k = Math.max(0, this.pos);
    this.buf.drop(k);
    this.pos -= k;
  }
}

/**
 * The characters the searches for event starts and ends have passed over, for the tests: reading
 * stays linear when this grows in proportion to the text (a count of work, not a time).
 */
export const xmlSearchWork = { characters: 0 };

function find(re: RegExp, text: string, from: number): number {
  const g = new RegExp(re.source, 'g');
  g.lastIndex = from;
  const index = g.exec(text)?.index ?? -1;
  xmlSearchWork.characters += (index === -1 ? text.length : index) - from;
  return index;
}

function findEnd(text: string, from: number): { index: number; length: number } | undefined {
  const g = new RegExp(EVENT_END.source, 'g');
  g.lastIndex = from;
  const m = g.exec(text);
  xmlSearchWork.characters += (m ? m.index : text.length) - from;
  return m ? { index: m.index, length: m[0].length } : undefined;
}

type Warn = (index: number, message: string, recordId?: number, code?: string) => void;

/** The longest tag (an element with its attributes) read: 64 KiB of characters. */
export const MAX_XML_TAG = 65536;

/** The length of the longest tag in a text, from '<' to '>'. */
function longestTag(text: string): number {
  let longest = 0;
  for (let i = text.indexOf('<'); i !== -1; ) {
    const end = text.indexOf('>', i);
    if (end === -1) return Math.max(longest, text.length - i);
    longest = Math.max(longest, end - i);
    i = text.indexOf('<', end);
  }
  return longest;
}

function readOne(chunk: string, at: number, source: string, warn: Warn): EventRecord | undefined {
  // The XML validator is slow on very long attribute values, and no event has one.
  if (longestTag(chunk) > MAX_XML_TAG) {
    warn(
      at,
      `a tag of more than ${MAX_XML_TAG} characters: event skipped`,
      recordIdIn(chunk),
      'xml-tag-too-long',
    );
    return undefined;
  }
  const valid = XMLValidator.validate(chunk);
  if (valid !== true) {
    const line = valid.err.line;
    const lineStart = line > 1 ? nthLineStart(chunk, line) : 0;
    warn(
      at + lineStart,
      `malformed XML (${valid.err.msg}): event skipped`,
      recordIdIn(chunk),
      'xml-malformed',
    );
    return undefined;
  }
  let ev: XmlElement | undefined;
  try {
    ev = toElements(xmlParser().parse(chunk)).find((e) => e.name === 'Event');
  } catch (err) {
    warn(
      at,
      `unreadable event (${err instanceof Error ? err.message : String(err)}): skipped`,
      recordIdIn(chunk),
      'xml-unreadable-event',
    );
    return undefined;
  }
  const sys = ev && child(ev, 'System');
  if (!ev || !sys) {
    warn(at, 'event without a <System> element: skipped', recordIdIn(chunk), 'xml-no-system');
    return undefined;
  }
  const providerEl = child(sys, 'Provider');
  const provider = providerEl && (attribute(providerEl, 'Name') ?? attribute(providerEl, 'EventSourceName'));
  const eventId = int(childText(sys, 'EventID'));
  const timeEl = child(sys, 'TimeCreated');
  const time = normalizeIsoTime((timeEl && attribute(timeEl, 'SystemTime')) ?? '');
  const recordIdText = childText(sys, 'EventRecordID');
  let recordId = int(recordIdText);
  const missing = [
    provider === undefined ? 'Provider Name' : '',
    eventId === undefined ? 'EventID' : '',
    time === undefined ? 'TimeCreated SystemTime' : '',
  ].filter(Boolean);
  if (missing.length > 0) {
    warn(at, `event without a readable ${missing.join(', ')}: skipped`, recordId, 'xml-missing-field');
    return undefined;
  }
  if (recordId === undefined) {
    warn(
      at,
      `event without a readable EventRecordID (${JSON.stringify(recordIdText ?? '')}): kept as record 0`,
      undefined,
      'xml-no-record-id',
    );
    recordId = 0;
  }
  const payload = ev.children.filter(
    (c): c is XmlElement => typeof c !== 'string' && c.name !== 'System' && c.name !== 'RenderingInfo',
  );
  const record: EventRecord = {
    source,
    recordId,
    time: time!,
    provider: provider!,
    eventId: eventId!,
    level: int(childText(sys, 'Level')) ?? 0,
    // The same flattening as the .evtx reader, so every input kind names a value the same way.
    data: payloadData(payload),
  };
  const channel = childText(sys, 'Channel');
  if (channel) record.channel = channel;
  const computer = childText(sys, 'Computer');
  if (computer) record.computer = computer;
  const rendering = child(ev, 'RenderingInfo');
  const message = rendering && childText(rendering, 'Message');
  if (message) record.message = message;
  return record;
}

/** fast-xml-parser's ordered output as element trees, entities decoded. */
function toElements(nodes: unknown): XmlElement[] {
  const out: XmlElement[] = [];
  if (!Array.isArray(nodes)) return out;
  for (const node of nodes as Array<Record<string, unknown>>) {
    for (const [key, value] of Object.entries(node)) {
      if (key === ':@' || key === '#text') continue;
      const attrs = (node[':@'] ?? {}) as Record<string, unknown>;
      out.push({
        name: key,
        attributes: Object.entries(attrs).map(([n, v]) => [n, decodeEntities(String(v))]),
        children: childrenOf(value),
      });
    }
  }
  return out;
}

function childrenOf(nodes: unknown): Array<XmlElement | string> {
  const out: Array<XmlElement | string> = [];
  if (!Array.isArray(nodes)) return out;
  for (const node of nodes as Array<Record<string, unknown>>) {
    if ('#text' in node) out.push(decodeEntities(String(node['#text'])));
    else out.push(...toElements([node]));
  }
  return out;
}

function child(el: XmlElement, name: string): XmlElement | undefined {
  for (const c of el.children) if (typeof c !== 'string' && c.name === name) return c;
  return undefined;
}

function childText(el: XmlElement, name: string): string | undefined {
  const c = child(el, name);
  return c && textContent(c);
}

function int(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  return /^\d+$/.test(t) ? Number(t) : undefined;
}

const ENTITY = /&(#[xX][0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes character references and the five predefined entities; anything else stays as written. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(ENTITY, (_, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref]!;
    const cp = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    const bad = !Number.isFinite(cp) || cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff);
    return bad ? '\ufffd' : String.fromCodePoint(cp);
  });
}

function recordIdIn(chunk: string): number | undefined {
  const m = /<(?:\w+:)?EventRecordID>\s*(\d+)\s*</.exec(chunk);
  return m ? Number(m[1]) : undefined;
}

function nthLineStart(s: string, line: number): number {
  let i = 0;
  for (let n = 1; n < line; n++) {
    const j = s.indexOf('\n', i);
    if (j === -1) return i;
    i = j + 1;
  }
  return i;
}
