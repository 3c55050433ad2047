// A Sink that turns one expanded record into an EventRecord: the System fields we keep, and the
// payload containers (EventData, UserData, ...) as small element trees flattened by payload.ts.
// System elements we do not keep are never rendered (the expander skips their values).
import type { EventRecord } from '../events/types.js';
import { payloadData, type XmlElement } from './payload.js';
import type { Sink } from './render.js';

const NONE = 0;
const SYSTEM = 1;
const PAYLOAD = 2;
const SKIP = 3;

// System children we read.
const F_OTHER = 0;
const F_PROVIDER = 1;
const F_EVENT_ID = 2;
const F_LEVEL = 3;
const F_TIME = 4;
const F_RECORD_ID = 5;
const F_CHANNEL = 6;
const F_COMPUTER = 7;

const SYSTEM_FIELDS: Record<string, number> = {
  Provider: F_PROVIDER,
  EventID: F_EVENT_ID,
  Level: F_LEVEL,
  TimeCreated: F_TIME,
  EventRecordID: F_RECORD_ID,
  Channel: F_CHANNEL,
  Computer: F_COMPUTER,
};

export class EventSink implements Sink {
  capture = false;
  private depth = 0;
  private section = NONE;
  private field = F_OTHER;
  private readonly captures: boolean[] = [];
  private readonly stack: XmlElement[] = [];
  private readonly containers: XmlElement[] = [];
  private readonly texts: string[] = ['', '', '', '', '', '', '', ''];
  private provider: string | undefined;
  private time: string | undefined;

  open(name: string): void {
    this.captures.push(this.capture);
    const d = ++this.depth;
    if (d === 1) {
      this.capture = false;
      return;
    }
    if (d === 2) {
      if (name === 'System') {
        this.section = SYSTEM;
        this.capture = false;
      } else if (name === 'RenderingInfo') {
        this.section = SKIP;
        this.capture = false;
      } else {
        this.section = PAYLOAD;
        this.capture = true;
        const el: XmlElement = { name, attributes: [], children: [] };
        this.containers.push(el);
        this.stack.push(el);
      }
      return;
    }
    if (this.section === SYSTEM) {
      this.field = d === 3 ? (SYSTEM_FIELDS[name] ?? F_OTHER) : F_OTHER;
      this.capture = this.field !== F_OTHER;
    } else if (this.section === PAYLOAD) {
      const el: XmlElement = { name, attributes: [], children: [] };
      this.stack[this.stack.length - 1]!.children.push(el);
      this.stack.push(el);
    }
  }

  attr(name: string, value: string): void {
    if (this.section === PAYLOAD) this.stack[this.stack.length - 1]!.attributes.push([name, value]);
    else if (this.section === SYSTEM) {
      if (this.field === F_PROVIDER && name === 'Name') this.provider = value;
      else if (this.field === F_TIME && name === 'SystemTime') this.time = value;
    }
  }

  text(value: string): void {
    if (this.section === PAYLOAD) this.stack[this.stack.length - 1]!.children.push(value);
    else if (this.section === SYSTEM && this.field !== F_OTHER) this.texts[this.field] += value;
  }

  close(): void {
    const d = this.depth--;
    if (this.section === PAYLOAD) this.stack.pop();
    if (d === 2) this.section = NONE;
    else if (d === 3 && this.section === SYSTEM) this.field = F_OTHER;
    this.capture = this.captures.pop() ?? false;
  }

  /**
   * The EventRecord. The record header's identifier and written time stand in for EventRecordID
   * and TimeCreated when the XML lacks them.
   */
  finish(source: string | undefined, headerId: number, writtenTime: string): EventRecord {
    const t = this.texts;
    const record: EventRecord = {} as EventRecord;
    if (source !== undefined) record.source = source;
    record.recordId = toInt(t[F_RECORD_ID]!) ?? headerId;
    record.time = this.time || writtenTime;
    record.provider = this.provider ?? '';
    if (t[F_CHANNEL]) record.channel = t[F_CHANNEL];
    record.eventId = toInt(t[F_EVENT_ID]!) ?? 0;
    record.level = toInt(t[F_LEVEL]!) ?? 0;
    if (t[F_COMPUTER]) record.computer = t[F_COMPUTER];
    record.data = payloadData(this.containers);
    return record;
  }
}

function toInt(s: string): number | undefined {
  if (s === '') return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}
