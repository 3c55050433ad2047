// One event record as every reader gives it, and a problem found while reading. The .evtx reader
// owns these types (it sits below src/events in the pipeline); the other export readers in
// src/events produce the same shape. Mirrors ../shared/contract/event.schema.json: what
// `events --format jsonl` prints, one per line.

export interface EventRecord {
  /** The file it came from. */
  source?: string;
  /** EventRecordID. */
  recordId: number;
  /** TimeCreated SystemTime, ISO 8601 UTC ending in Z, with the precision the record has (>= ms). */
  time: string;
  provider: string;
  channel?: string;
  eventId: number;
  level: number;
  computer?: string;
  /** EventData values as strings; unnamed Data elements as '#0', '#1', ...; UserData flattened to dotted paths. */
  data: Record<string, string>;
  /** The rendered message, where the input carries one. */
  message?: string;
}

/** A problem found while reading an input that did not stop the reading: printed on standard error. */
export interface ReadWarning {
  source?: string;
  /**
   * What went wrong, as a stable kebab-case id a script can match on (`xml-event-cut-off`,
   * `csv-unterminated-quote`, `json-cut-off`, `evtx-damage` ...), as the Rust evtx crate types its
   * errors; the message says it for people.
   */
  code?: string;
  message: string;
  chunk?: number;
  recordId?: number;
  /** The byte offset in the file where the problem starts. */
  offset?: number;
  /** For text exports (XML, CSV, JSON): the line the problem starts on. */
  line?: number;
}
