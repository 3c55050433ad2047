// Event XML as Windows tools write it: `wevtutil qe LOG /f:xml` (a run of <Event> elements with no
// root and no declaration), `/f:RenderedXml` and Event Viewer's "Save as XML" (an <Events> root, each
// event with a <RenderingInfo> holding the message in the exporter's language), and the XML of
// libevtx and python-evtx. Each <Event> is cut out and parsed on its own, so one damaged event costs
// only itself. DTDs are refused before anything is parsed: no event export carries one, and entity
// expansion (XXE, "billion laughs") is the classic XML attack. Character and the five predefined
// entity references are decoded here, not by the parser, so no declared entity is ever expanded.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { attribute, payloadData, textContent, type XmlElement } from '../evtx/payload.js';
import { byteOffsetCounter, type TextEncoding } from '../input/decode.js';
import { InputError } from '../types.js';
import { lineCounter } from './lines.js';
import { normalizeIsoTime } from './time.js';
import type { EventRecord, ReadOptions } from './types.js';

const EVENT_START = /<(?:[A-Za-z_][\w.-]*:)?Event(?=[\s>/])/g;
const EVENT_END = /<\/(?:[A-Za-z_][\w.-]*:)?Event\s*>/g;
const DTD = /<!(?:DOCTYPE|ENTITY)/i;

const parser = new XMLParser({
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

export interface XmlReadOptions extends ReadOptions {
  /** The encoding the text was decoded from, for byte offsets in warnings. */
  encoding?: TextEncoding;
}

/**
 * Every readable <Event> in the text, in order. Throws InputError at once, before any record, for a
 * DTD or when there is no <Event> at all.
 */
export function parseEventXml(text: string, options: XmlReadOptions = {}): Generator<EventRecord> {
  const source = options.source ?? '-';
  const dtd = DTD.exec(text);
  if (dtd) {
    throw new InputError(
      source,
      'refused: the XML declares a DTD or entities (<!DOCTYPE/<!ENTITY); event exports never do, and they are not expanded',
      { line: lineCounter(text)(dtd.index) },
    );
  }
  if (!new RegExp(EVENT_START.source).test(text)) {
    throw new InputError(source, 'no <Event> element: this XML is not an event log export');
  }
  return events(text, source, options);
}

function* events(text: string, source: string, options: XmlReadOptions): Generator<EventRecord> {
  const lines = lineCounter(text);
  const offsets = byteOffsetCounter(text, options.encoding ?? 'utf-8');
  const warn = (index: number, message: string, recordId?: number): void => {
    options.onWarning?.({
      source,
      message,
      line: lines(index),
      offset: offsets(index),
      ...(recordId !== undefined ? { recordId } : {}),
    });
  };

  const starts = new RegExp(EVENT_START.source, 'g');
  const ends = new RegExp(EVENT_END.source, 'g');
  let pos = 0;
  // The first </Event> at or after the current event; reused while it lies ahead, so a file full
  // of unclosed events is still read in linear time.
  let end: RegExpExecArray | null | undefined;
  for (;;) {
    starts.lastIndex = pos;
    const m = starts.exec(text);
    if (!m) break;
    const start = m.index;
    starts.lastIndex = start + 1;
    const next = starts.exec(text);
    const nextStart = next ? next.index : text.length;
    if (end === undefined || (end !== null && end.index < start)) {
      ends.lastIndex = start;
      end = ends.exec(text);
    }
    const tagEnd = text.indexOf('>', start);
    if (tagEnd !== -1 && tagEnd < nextStart && text[tagEnd - 1] === '/') {
      warn(start, 'empty <Event/> element skipped');
      pos = tagEnd + 1;
    } else if (!end || end.index > nextStart) {
      warn(start, 'event cut off (no </Event>): skipped', recordIdIn(text.slice(start, nextStart)));
      pos = nextStart;
    } else {
      pos = end.index + end[0].length;
      const record = readOne(text.slice(start, pos), start, source, warn);
      if (record) yield record;
    }
  }
}

type Warn = (index: number, message: string, recordId?: number) => void;

function readOne(chunk: string, at: number, source: string, warn: Warn): EventRecord | undefined {
  const valid = XMLValidator.validate(chunk);
  if (valid !== true) {
    const line = valid.err.line;
    const lineStart = line > 1 ? nthLineStart(chunk, line) : 0;
    warn(at + lineStart, `malformed XML (${valid.err.msg}): event skipped`, recordIdIn(chunk));
    return undefined;
  }
  let ev: XmlElement | undefined;
  try {
    ev = toElements(parser.parse(chunk)).find((e) => e.name === 'Event');
  } catch (err) {
    warn(
      at,
      `unreadable event (${err instanceof Error ? err.message : String(err)}): skipped`,
      recordIdIn(chunk),
    );
    return undefined;
  }
  const sys = ev && child(ev, 'System');
  if (!ev || !sys) {
    warn(at, 'event without a <System> element: skipped', recordIdIn(chunk));
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
    warn(at, `event without a readable ${missing.join(', ')}: skipped`, recordId);
    return undefined;
  }
  if (recordId === undefined) {
    warn(
      at,
      `event without a readable EventRecordID (${JSON.stringify(recordIdText ?? '')}): kept as record 0`,
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
