// The .evtx reader's public API: every readable record of a Windows XML Event Log file, in file
// order, streamed one 64 KiB chunk at a time from a ByteSource. Pure: no `node:` imports (the Node
// file source is src/node/file-source.ts). Damage is reported through onWarning with the chunk,
// record and file offset, never thrown; see chunk.ts for what is recovered and how.
import { TemplateCache } from './binxml.js';
import { CHUNK_SIZE, type ChunkReadOptions, readChunk, readChunkJson } from './chunk.js';
import type { Crc32 } from './crc32.js';
import type { EvtxWarningCode } from './errors.js';
import { FILE_HEADER_SIZE, FILE_SIGNATURE, readFileHeader } from './file-header.js';
import type { EventRecord, ReadWarning } from './record.js';

export type { ChunkHeader } from './chunk.js';
export { readChunkHeader } from './chunk.js';
export type { Crc32 } from './crc32.js';
export type { EvtxWarningCode } from './errors.js';
export type { FileHeader } from './file-header.js';
export { readFileHeader } from './file-header.js';
export type { XmlElement } from './payload.js';
export { payloadData } from './payload.js';

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
  /** Check the chunk checksums and report mismatches (default true). The records are read either way. */
  checksums?: boolean;
  /** Stop between chunks once aborted. */
  signal?: AbortSignal;
  /** Told the bytes read of the file's size after each chunk (see ReadOptions.onProgress). */
  onProgress?: (done: number, total: number) => void;
  /**
   * The CRC-32 the checksums are checked with: a faster one than the reader's own (which is pure
   * JavaScript), such as Node's zlib.crc32 (Node 20.15 and later), which the CLI passes; the same
   * results either way. Absent: the reader's own.
   */
  crc32?: Crc32;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length) };
}

/** True when the bytes start with the .evtx file signature "ElfFile\0". */
export function isEvtx(head: Uint8Array): boolean {
  return head.length >= 8 && FILE_SIGNATURE.every((b, i) => head[i] === b);
}

/**
 * Every readable record in file order; damage is reported through onWarning, never thrown (an
 * error thrown by the ByteSource itself, such as an I/O error, does reach the caller). Memory
 * stays bounded by one chunk whatever the file size: stop iterating to stop reading.
 */
export function readEvtx(
  source: ByteSource,
  options: EvtxReadOptions = {},
): Generator<EventRecord, void, undefined> {
  return readFile(source, options, readChunk);
}

/**
 * The JSON text of every record readEvtx gives, in the same order with the same warnings: byte for
 * byte `JSON.stringify(record)` (what `events --format jsonl` prints for a record), written as the
 * record is read, without building the record object.
 */
export function readEvtxJson(
  source: ByteSource,
  options: EvtxReadOptions = {},
): Generator<string, void, undefined> {
  return readFile(source, options, readChunkJson);
}

function* readFile<T>(
  source: ByteSource,
  options: EvtxReadOptions,
  chunkReader: (chunk: Uint8Array, opts: ChunkReadOptions) => Generator<T, void, undefined>,
): Generator<T, void, undefined> {
  const name = options.source;
  const onWarning = options.onWarning ?? (() => {});
  const warn = (code: EvtxWarningCode, message: string, offset?: number) => {
    const w: ReadWarning = { code, message };
    if (name !== undefined) w.source = name;
    if (offset !== undefined) w.offset = offset;
    onWarning(w);
  };
  const size = source.size;
  const header = readFileHeader(source.read(0, 128), options.crc32);
  if (header === null) {
    warn('evtx-file-too-short', `file is too short for an event log file header (${size} bytes)`, 0);
    return;
  }
  if (!header.signatureValid)
    warn('evtx-file-signature', 'file header has no "ElfFile" signature: looking for chunks anyway', 0);
  else {
    // Flag 0x4 (seen with a zero checksum) marks a file written without checksums, as in chunks.
    if (!header.checksumValid && (header.fileFlags & 0x4) === 0)
      warn('evtx-file-checksum', 'file header checksum does not match: its counts are not used', 124);
    if (header.majorVersion !== 3 || (header.minorVersion !== 1 && header.minorVersion !== 2))
      warn(
        'evtx-file-version',
        `file format version ${header.majorVersion}.${header.minorVersion} is not 3.1 or 3.2: reading it anyway`,
        36,
      );
  }
  if (size <= FILE_HEADER_SIZE) warn('evtx-file-no-chunks', 'file ends before its first chunk', size);
  const templates = new TemplateCache();
  // The header's chunk count is stale in dirty files: every 64 KiB block after the header is tried.
  for (let offset = FILE_HEADER_SIZE, index = 0; offset < size; offset += CHUNK_SIZE, index++) {
    if (options.signal?.aborted) return;
    const read = source.read(offset, CHUNK_SIZE);
    // A plain view of a Buffer: Buffer's own subarray (taken for every long string) is slower.
    const chunk =
      read.constructor === Uint8Array ? read : new Uint8Array(read.buffer, read.byteOffset, read.length);
    yield* chunkReader(chunk, {
      source: name,
      index,
      fileOffset: offset,
      checksums: options.checksums ?? true,
      warn: onWarning,
      templates,
      crc32: options.crc32,
    });
    options.onProgress?.(Math.min(offset + CHUNK_SIZE, size), size);
  }
}
