// What `diagnose` keeps of an event log: the records the rules read (User Device Registration and
// Microsoft-Windows-AAD, from which the join and PRT attempts are told), never the millions of
// other records a Security or System log holds. Fed record by record as a log is read, so memory
// stays bounded whatever the size of the log: at most `maxRecords` records are kept, the newest.
// Pure.
import type { EventRecord } from '../events/types.js';
import { providerOf } from './attempts.js';

/** Whether the diagnosis reads this record: the join and PRT stories, Windows Hello's 358-362. */
export function neededForDiagnosis(record: EventRecord): boolean {
  return providerOf(record) !== undefined;
}

/** The most records of the join and PRT stories kept for one diagnosis (the newest by time). */
export const MAX_STORY_RECORDS = 10_000;

export interface StoryCollection {
  /** The records kept, in the order they came. */
  records: EventRecord[];
  /** How many records were seen. */
  seen: number;
  /** How many records the diagnosis needed but were left out (the oldest, past maxRecords). */
  dropped: number;
}

export interface StoryCollector {
  add(record: EventRecord): void;
  finish(): StoryCollection;
}

/**
 * Keeps the records the diagnosis needs. Past `maxRecords` the oldest (by time) are dropped, in
 * batches so that adding stays amortized O(log n) a record. `keepFirst` also keeps the first
 * record of the input whatever it is, so an input that tells no story is still named in the
 * diagnosis's sources (the rules read nothing from it).
 */
export function createStoryCollector(
  options: { maxRecords?: number; keepFirst?: boolean } = {},
): StoryCollector {
  const max = options.maxRecords ?? MAX_STORY_RECORDS;
  let kept: { rec: EventRecord; n: number }[] = [];
  let first: EventRecord | undefined;
  let seen = 0;
  let dropped = 0;
  const trim = (): void => {
    // Newest first by time, then by arrival; keep `max`, and give the rest back in arrival order.
    kept.sort((a, b) => (a.rec.time < b.rec.time ? 1 : a.rec.time > b.rec.time ? -1 : b.n - a.n));
    dropped += kept.length - max;
    kept = kept.slice(0, max).sort((a, b) => a.n - b.n);
  };
  return {
    add(record) {
      seen++;
      if (neededForDiagnosis(record)) {
        // A copy: a value cut out of a text export is a slice that keeps the whole piece of text
        // it came from alive (V8 shares string storage), and 10,000 records would keep 10,000 pieces.
        kept.push({ rec: detached(record), n: seen });
        if (kept.length >= 2 * max) trim();
      } else if (seen === 1 && options.keepFirst) first = detached(record);
    },
    finish() {
      if (kept.length > max) trim();
      const records = kept.map((k) => k.rec);
      if (first && (records.length === 0 || records[0] !== first)) records.unshift(first);
      return { records, seen, dropped };
    },
  };
}

/** The record with strings of its own, sharing no storage with the text it was read from. */
function detached(record: EventRecord): EventRecord {
  return JSON.parse(JSON.stringify(record)) as EventRecord;
}
