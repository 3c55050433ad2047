// Event XML as Windows tools write it: `wevtutil qe LOG /f:xml` (a run of <Event> elements with no
// root and no declaration), `/f:RenderedXml` and Event Viewer's "Save as XML" (an <Events> root, each
// event with a <RenderingInfo> holding the message in the exporter's language), and the XML of
// libevtx and python-evtx. Each <Event> is cut out and parsed on its own, so one damaged event costs
// only itself. DTDs are refused before anything is parsed: no event export carries one, and entity
// expansion (XXE, "billion laughs") is the classic XML attack. Character and the five predefined
// entity references are decoded here, not by the parser, so no declared entity is ever expanded.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { byteOffsetCounter, type TextEncoding } from '../input/decode.js';
import { InputError } from '../types.js';
import { putData } from './data.js';
import { lineCounter } from './lines.js';
import { normalizeIsoTime } from './time.js';
import type { EventRecord, ReadOptions } from './types.js';

const EVENT_START = /<(?:[A-Za-z_][\w.-]*:)?Event(?=[\s>/])/g;
const EVENT_END = /<\/(?:[A-Za-z_][\w.-]*:)?Event\s*>/g;
const DTD = /<!(?:DOCTYPE|ENTITY)/i;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => name === 'Data' || name === 'Binary',
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
  let doc: unknown;
  try {
    doc = parser.parse(chunk);
  } catch (err) {
    warn(
      at,
      `unreadable event (${err instanceof Error ? err.message : String(err)}): skipped`,
      recordIdIn(chunk),
    );
    return undefined;
  }
  const ev = obj(obj(doc)?.Event);
  const sys = obj(ev?.System);
  if (!ev || !sys) {
    warn(at, 'event without a <System> element: skipped', recordIdIn(chunk));
    return undefined;
  }
  const provider = attr(sys.Provider, 'Name') ?? attr(sys.Provider, 'EventSourceName');
  const eventId = int(text(sys.EventID));
  const time = normalizeIsoTime(attr(sys.TimeCreated, 'SystemTime') ?? '');
  const recordIdText = text(sys.EventRecordID);
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
    warn(at, `event without a readable EventRecordID (${JSON.stringify(recordIdText)}): kept as record 0`);
    recordId = 0;
  }
  const record: EventRecord = {
    source,
    recordId,
    time: time!,
    provider: provider!,
    eventId: eventId!,
    level: int(text(sys.Level)) ?? 0,
    data: {},
  };
  const channel = text(sys.Channel);
  if (channel) record.channel = channel;
  const computer = text(sys.Computer);
  if (computer) record.computer = computer;
  readEventData(ev.EventData, record.data);
  for (const key of ['UserData', 'ProcessingErrorData'] as const) {
    if (ev[key] !== undefined) flatten(ev[key], key === 'UserData' ? '' : key, record.data);
  }
  const message = text(obj(ev.RenderingInfo)?.Message);
  if (message) record.message = message;
  return record;
}

function readEventData(node: unknown, data: Record<string, string>): void {
  const ed = obj(node);
  if (!ed) return;
  let unnamed = 0;
  for (const d of list(ed.Data)) {
    const name = attr(d, 'Name');
    putData(data, name ?? `#${unnamed++}`, text(d) ?? '');
  }
  for (const b of list(ed.Binary)) putData(data, 'Binary', (text(b) ?? '').trim());
}

/** UserData and ProcessingErrorData: leaf elements under dotted paths of their element names. */
function flatten(node: unknown, path: string, data: Record<string, string>): void {
  const o = obj(node);
  const children = o ? Object.keys(o).filter((k) => !k.startsWith('@_') && k !== '#text') : [];
  if (!o || children.length === 0) {
    if (path) putData(data, path, text(node) ?? '');
    return;
  }
  for (const key of children) {
    const child = o[key];
    const name = path ? `${path}.${key}` : key;
    // Repeated elements share a path; putData numbers the repeats (#1, #2, ...).
    for (const item of Array.isArray(child) ? child : [child]) flatten(item, name, data);
  }
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function list(v: unknown): unknown[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** The text content of an element as parsed (string, or an object with #text), entities decoded. */
function text(v: unknown): string | undefined {
  if (typeof v === 'string') return decodeEntities(v);
  const o = obj(v);
  if (!o) return undefined;
  const t = o['#text'];
  return typeof t === 'string' ? decodeEntities(t) : '';
}

function attr(v: unknown, name: string): string | undefined {
  const a = obj(v)?.[`@_${name}`];
  return typeof a === 'string' ? decodeEntities(a) : undefined;
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
