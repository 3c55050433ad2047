// A Sink that turns one expanded record into an EventRecord: the System fields we keep, EventData
// <Data> values straight into the data map, and any other payload (UserData, Binary, ...) as a
// small element tree flattened by payload.ts. System elements we do not keep are never rendered
// (the expander skips their values).
import { DataBuilder, type XmlElement } from './payload.js';
import type { EventRecord } from './record.js';
import type { Sink } from './render.js';
import { filetime } from './values.js';

// Where the element being read sits (plan.ts compiles templates into steps with the same sections).
export const NONE = 0;
export const SYSTEM = 1;
export const EVENT_DATA = 2;
export const PAYLOAD = 3;
export const SKIP = 4;

/** The section a child of <Event> opens; RenderingInfo is skipped, any other element is a payload. */
export function sectionOf(name: string): number {
  if (name === 'System') return SYSTEM;
  if (name === 'EventData') return EVENT_DATA;
  return name === 'RenderingInfo' ? SKIP : PAYLOAD;
}

// System children we read.
export const F_OTHER = 0;
export const F_PROVIDER = 1;
export const F_EVENT_ID = 2;
export const F_LEVEL = 3;
export const F_TIME = 4;
export const F_RECORD_ID = 5;
export const F_CHANNEL = 6;
export const F_COMPUTER = 7;

/** The System children read, by element name (a Map: an element named `constructor` is no field). */
export const SYSTEM_FIELDS: ReadonlyMap<string, number> = new Map([
  ['Provider', F_PROVIDER],
  ['EventID', F_EVENT_ID],
  ['Level', F_LEVEL],
  ['TimeCreated', F_TIME],
  ['EventRecordID', F_RECORD_ID],
  ['Channel', F_CHANNEL],
  ['Computer', F_COMPUTER],
]);

export class EventSink implements Sink {
  capture = false;
  private depth = 0;
  private section = NONE;
  private field = F_OTHER;
  private readonly captures: boolean[] = [];
  private readonly texts: string[] = ['', '', '', '', '', '', '', ''];
  private provider: string | undefined;
  private time: string | undefined;
  private readonly data = new DataBuilder();
  /** The <Data> element being read directly (depth 3 of EventData). */
  private inData = false;
  private dataName: string | undefined;
  private dataText = '';
  /** Element trees being built (a payload container, or a non-Data child of EventData). */
  private readonly stack: XmlElement[] = [];

  open(name: string): void {
    this.captures.push(this.capture);
    const d = ++this.depth;
    if (d === 1) {
      this.capture = false;
      return;
    }
    if (d === 2) {
      this.section = sectionOf(name);
      this.capture = this.section === EVENT_DATA || this.section === PAYLOAD;
      if (this.section === PAYLOAD) this.stack.push({ name, attributes: [], children: [] });
      return;
    }
    switch (this.section) {
      case SYSTEM:
        this.field = d === 3 ? (SYSTEM_FIELDS.get(name) ?? F_OTHER) : F_OTHER;
        this.capture = this.field !== F_OTHER;
        return;
      case EVENT_DATA:
        if (d === 3 && name === 'Data') {
          this.inData = true;
          this.dataName = undefined;
          this.dataText = '';
          return;
        }
        if (this.inData) return; // an element inside <Data>: its text counts, as textContent does
        break;
      case PAYLOAD:
        break;
      default:
        return;
    }
    const el: XmlElement = { name, attributes: [], children: [] };
    const parent = this.stack[this.stack.length - 1];
    if (parent !== undefined) parent.children.push(el);
    this.stack.push(el);
  }

  wantsAttr(name: string): boolean {
    if (this.section !== SYSTEM) return true;
    return this.field === F_PROVIDER ? name === 'Name' : this.field === F_TIME && name === 'SystemTime';
  }

  attr(name: string, value: string): void {
    switch (this.section) {
      case SYSTEM:
        if (this.field === F_PROVIDER && name === 'Name') this.provider = value;
        else if (this.field === F_TIME && name === 'SystemTime') this.time = value;
        return;
      case EVENT_DATA:
        if (this.inData) {
          if (this.depth === 3 && name === 'Name') this.dataName = value;
          return;
        }
        break;
      case PAYLOAD:
        break;
      default:
        return;
    }
    this.stack[this.stack.length - 1]?.attributes.push([name, value]);
  }

  text(value: string): void {
    switch (this.section) {
      case SYSTEM:
        if (this.field !== F_OTHER) this.texts[this.field] += value;
        return;
      case EVENT_DATA:
        if (this.inData) this.dataText += value;
        else if (this.depth > 2) this.stack[this.stack.length - 1]?.children.push(value);
        return;
      case PAYLOAD:
        this.stack[this.stack.length - 1]?.children.push(value);
    }
  }

  close(): void {
    const d = this.depth--;
    switch (this.section) {
      case SYSTEM:
        if (d === 3) this.field = F_OTHER;
        break;
      case EVENT_DATA:
        if (this.inData) {
          if (d === 3) {
            this.inData = false;
            this.data.eventData(this.dataName, this.dataText);
          }
        } else if (d >= 3) {
          const el = this.stack.pop()!;
          if (d === 3) this.data.element(el, '');
        }
        break;
      case PAYLOAD: {
        const el = this.stack.pop()!;
        if (d === 2) this.data.container(el);
        break;
      }
    }
    if (d === 2) this.section = NONE;
    this.capture = this.captures.pop() ?? false;
  }

  /**
   * The EventRecord. The record header's identifier and written time stand in for EventRecordID
   * and TimeCreated when the XML lacks them (`chunk` and `header`: the chunk's bytes and the
   * record's offset in it).
   */
  finish(source: string | undefined, headerId: number, chunk: Uint8Array, header: number): EventRecord {
    return makeRecord(source, headerId, chunk, header, this.texts, this.time, this.provider, this.data.data);
  }
}

/**
 * The EventRecord from what was read of it (EventSink's fields, or plan.ts's). The record header's
 * written time (at `header + 16` in `chunk`) is rendered only when TimeCreated is missing.
 */
export function makeRecord(
  source: string | undefined,
  headerId: number,
  chunk: Uint8Array,
  header: number,
  t: readonly string[],
  time: string | undefined,
  provider: string | undefined,
  data: Record<string, string>,
): EventRecord {
  const record = {} as EventRecord;
  if (source !== undefined) record.source = source;
  record.recordId = toInt(t[F_RECORD_ID]!) ?? headerId;
  record.time = time || filetime(chunk, header + 16);
  record.provider = provider ?? '';
  if (t[F_CHANNEL]) record.channel = t[F_CHANNEL];
  record.eventId = toInt(t[F_EVENT_ID]!) ?? 0;
  record.level = toInt(t[F_LEVEL]!) ?? 0;
  if (t[F_COMPUTER]) record.computer = t[F_COMPUTER];
  record.data = data;
  return record;
}

/** A field's text as the number it says, when it is a safe integer. */
export function toInt(s: string): number | undefined {
  if (s === '') return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}
