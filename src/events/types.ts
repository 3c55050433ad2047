// One event record, from any export kind (.evtx, XML, CSV, JSON): the shape the .evtx reader
// defines (src/evtx/record.ts), which every reader of src/events produces too.
import type { ReadWarning } from '../evtx/record.js';

export type { EventRecord, ReadWarning } from '../evtx/record.js';

/** What every event reader takes: the name to put in `source` and in warnings, and where warnings go. */
export interface ReadOptions {
  source?: string;
  onWarning?: (warning: ReadWarning) => void;
}
