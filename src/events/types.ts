// One event record, from any export kind (.evtx, XML, CSV, JSON): the shape the .evtx reader
// defines (src/evtx/record.ts), which every reader of src/events produces too.
import type { Crc32 } from '../evtx/crc32.js';
import type { ReadWarning } from '../evtx/record.js';

export type { EventRecord, ReadWarning } from '../evtx/record.js';

/** What every event reader takes: the name to put in `source` and in warnings, and where warnings go. */
export interface ReadOptions {
  source?: string;
  onWarning?: (warning: ReadWarning) => void;
  /**
   * Told how far the reading is, at a bounded rate (a text export every 1 MiB of characters, an
   * .evtx every 64 KiB chunk), never once a record: `done` of `total` in the reader's own unit
   * (characters of the decoded text, bytes of an .evtx).
   */
  onProgress?: (done: number, total: number) => void;
  /** For an .evtx: the CRC-32 its checksums are checked with (EvtxReadOptions.crc32); absent: the reader's own. */
  crc32?: Crc32;
}
