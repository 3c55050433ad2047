// The .evtx reader's public API. PLACEHOLDER until the reader lands: the signatures are the contract
// between the reader and its callers (the events command, the diagnosis, the browser page).
import type { EventRecord, ReadWarning } from '../events/types.js';

/** Random access to the bytes of a file, so the reader can stream chunk by chunk. */
export interface ByteSource {
  readonly size: number;
  /** Up to `length` bytes from `offset` (fewer only at the end of the source). */
  read(offset: number, length: number): Uint8Array;
}

export interface EvtxReadOptions {
  /** Name used in warnings and in each record's `source`. */
  source?: string;
  onWarning?: (warning: ReadWarning) => void;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length) };
}

/** True when the bytes start with the .evtx file signature "ElfFile\0". */
export function isEvtx(head: Uint8Array): boolean {
  const sig = [0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00];
  return head.length >= 8 && sig.every((b, i) => head[i] === b);
}

/** Every readable record in file order; damage is reported through onWarning, never thrown. */
export function readEvtx(_source: ByteSource, _options: EvtxReadOptions = {}): Iterable<EventRecord> {
  throw new Error('the .evtx reader is not built yet');
}
