// A chunk (libevtx "Chunk"): 65536 bytes holding a 512-byte header, event records, then free space.
//
//   0 signature "ElfChnk\0"                  8 first / 16 last event record number
//  24 first / 32 last event record identifier                40 header size (128)
//  44 last event record data offset          48 free space offset (end of the records)
//  52 event records checksum (CRC-32 of bytes 512 up to the free space offset)
// 120 flags (0x4: no checksums)              124 header checksum (CRC-32 of bytes 0-119 and 128-511)
// 128 common string offset table (64 x u32)  384 template pointer table (32 x u32)
//
// Event record (libevtx "Event record"):
//
//   0 signature 2a 2a 00 00    4 size (whole record)    8 event record identifier
//  16 written time (FILETIME)  24 binary XML ...        size - 4: copy of the size
//
// Names, templates and records are chunk-local, so each chunk is read on its own (a template
// definition the same as one of an earlier chunk's only reuses its parse, see binxml.ts). Damage is
// reported and skipped: a checksum mismatch is only reported (the records usually still read); a
// record whose size or copy of size is wrong ends the normal walk, and the rest of the chunk is
// scanned for record signatures whose size and copy agree (libevtx "Recovery"); a chunk without
// its signature is scanned the same way (its names and templates are chunk offsets, so they still
// resolve); records whose identifier was already seen in the chunk are stale copies and dropped.
import { ChunkContext, parseStream, type TemplateCache } from './binxml.js';
import { hasSignature, isZero, u32, u64 } from './bytes.js';
import { type Crc32, crc32With } from './crc32.js';
import { EvtxFormatError, type EvtxWarningCode } from './errors.js';
import { EventSink } from './event.js';
import { PlanReader } from './plan.js';
import type { EventRecord, ReadWarning } from './record.js';
import { Expander } from './render.js';

export const CHUNK_SIZE = 65536;
export const CHUNK_HEADER_SIZE = 512;
export const CHUNK_SIGNATURE = [0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00] as const;
export const CHUNK_FLAG_NO_CRC32 = 0x4;
const RECORD_HEADER_SIZE = 24;
const RECORD_SIGNATURE = 0x00002a2a;
/**
 * Whether records are read through their templates' compiled plans (plan.ts) when they can be;
 * off, every record takes the generic path. For tests that compare the two.
 */
export const fastPath = { enabled: true };
/** Whether a chunk reuses the template definitions of the file's earlier chunks (binxml.ts TemplateCache); for tests. */
export const sharedTemplates = { enabled: true };
/** Most warnings about one record that is still read (a value too small, a missing value). */
const MAX_NOTES = 10;

export interface ChunkHeader {
  signatureValid: boolean;
  firstEventRecordNumber: number | bigint;
  lastEventRecordNumber: number | bigint;
  firstEventRecordIdentifier: number | bigint;
  lastEventRecordIdentifier: number | bigint;
  headerSize: number;
  lastEventRecordDataOffset: number;
  freeSpaceOffset: number;
  eventRecordsChecksum: number;
  flags: number;
  checksum: number;
}

export function readChunkHeader(b: Uint8Array): ChunkHeader | null {
  if (b.length < CHUNK_HEADER_SIZE) return null;
  return {
    signatureValid: hasSignature(b, 0, CHUNK_SIGNATURE),
    firstEventRecordNumber: u64(b, 8),
    lastEventRecordNumber: u64(b, 16),
    firstEventRecordIdentifier: u64(b, 24),
    lastEventRecordIdentifier: u64(b, 32),
    headerSize: u32(b, 40),
    lastEventRecordDataOffset: u32(b, 44),
    freeSpaceOffset: u32(b, 48),
    eventRecordsChecksum: u32(b, 52),
    flags: u32(b, 120),
    checksum: u32(b, 124),
  };
}

export interface ChunkReadOptions {
  source: string | undefined;
  /** Index of the chunk in the file (0 for the chunk at offset 4096). */
  index: number;
  /** File offset of the chunk. */
  fileOffset: number;
  checksums: boolean;
  warn: (warning: ReadWarning) => void;
  /** Template definitions of the file's chunks read before, to reuse (binxml.ts); none: each chunk parses its own. */
  templates?: TemplateCache;
  /** The CRC-32 to check the checksums with (EvtxReadOptions.crc32); absent: crc32.ts's. */
  crc32?: Crc32;
}

/** The records of one chunk in the order they are stored. */
export function readChunk(b: Uint8Array, opts: ChunkReadOptions): Generator<EventRecord, void, undefined> {
  return walkChunk(b, opts, false, readRecord);
}

/** The JSON text of each record readChunk gives (JSON.stringify's, byte for byte), in the same order. */
export function readChunkJson(b: Uint8Array, opts: ChunkReadOptions): Generator<string, void, undefined> {
  return walkChunk(b, opts, true, readRecordJson);
}

/** Reads the record at `pos` of the chunk (its header checked) as a T; null when it cannot be read. */
type RecordReader<T> = (
  ctx: ChunkContext,
  plans: PlanReader | null,
  pos: number,
  size: number,
  source: string | undefined,
  fileOffset: number,
  warn: (code: EvtxWarningCode, message: string, offset: number) => void,
) => T | null;

/** The walk of readChunk: checks, recovery and copies as described above; each record read by `read`. */
function* walkChunk<T>(
  b: Uint8Array,
  opts: ChunkReadOptions,
  json: boolean,
  read: RecordReader<T>,
): Generator<T, void, undefined> {
  const { index, fileOffset } = opts;
  const warn = (code: EvtxWarningCode, message: string, offset: number, recordId?: number) => {
    const w: ReadWarning = { code, message, chunk: index, offset: fileOffset + offset };
    if (recordId !== undefined) w.recordId = recordId;
    if (opts.source !== undefined) w.source = opts.source;
    opts.warn(w);
  };
  const at = (n: number) => `offset ${fileOffset + n}`;

  const header = readChunkHeader(b);
  const short =
    b.length < CHUNK_SIZE ? `, and the chunk is cut short (${b.length} of ${CHUNK_SIZE} bytes)` : '';
  if (header === null) {
    if (!isZero(b, 0, b.length))
      warn('evtx-chunk-cut-short', `chunk cut short (${b.length} of ${CHUNK_SIZE} bytes): skipped`, 0);
    return;
  }
  let recovering = false;
  if (!header.signatureValid) {
    // Preallocated space past the last chunk is all zeros: not damage.
    if (isZero(b, 0, b.length)) return;
    warn('evtx-chunk-signature', `chunk signature missing${short}: scanning the chunk for records`, 0);
    recovering = true;
  } else if (short)
    warn('evtx-chunk-cut-short', `chunk cut short (${b.length} of ${CHUNK_SIZE} bytes)`, b.length);

  const end = recovering ? b.length : recordsEnd(b, header, opts.checksums, opts.crc32, warn);

  const ctx = new ChunkContext(b, sharedTemplates.enabled ? (opts.templates ?? null) : null);
  const plans = fastPath.enabled ? new PlanReader(ctx, json) : null;
  const seen = new SeenIds();
  // The record being read, for its warnings (one closure per chunk, not one per record).
  const current = { id: 0 as number | bigint, pos: 0, notes: 0 };
  const note = (code: EvtxWarningCode, message: string, offset: number) => {
    // A crafted record can hold thousands of the same small fault: report the first few.
    if (++current.notes <= MAX_NOTES) warn(code, message, offset, safeId(current.id));
    else if (current.notes === MAX_NOTES + 1)
      warn(
        'evtx-record-more-problems',
        'more problems in this record are not reported one by one',
        current.pos,
        safeId(current.id),
      );
  };
  let pos = CHUNK_HEADER_SIZE;
  if (recovering) {
    pos = nextRecord(b, pos, end);
    if (pos < 0) return;
  }
  while (pos + RECORD_HEADER_SIZE + 4 <= end) {
    const size = u32(b, pos + 4);
    const valid =
      u32(b, pos) === RECORD_SIGNATURE &&
      size >= RECORD_HEADER_SIZE + 4 &&
      pos + size <= b.length &&
      u32(b, pos + size - 4) === size;
    if (!valid) {
      if (isZero(b, pos, end)) return; // free space inside the chunk: no damage
      const next = nextRecord(b, pos + 1, end);
      const what = badHeader(b, pos, size);
      const recordId = u32(b, pos) === RECORD_SIGNATURE ? safeId(u64(b, pos + 8)) : undefined;
      warn(
        'evtx-record-header',
        `${what}: ${next < 0 ? 'the rest of the chunk is skipped' : `skipped to the next record, at ${at(next)}`}`,
        pos,
        recordId,
      );
      if (next < 0) return;
      pos = next;
      recovering = true;
      continue;
    }
    const id = u64(b, pos + 8);
    if (seen.add(id)) {
      current.id = id;
      current.pos = pos;
      current.notes = 0;
      const record = read(ctx, plans, pos, size, opts.source, fileOffset, note);
      if (record !== null) yield record;
    } else if (!recovering) {
      warn(
        'evtx-record-copy',
        'second copy of a record already read in this chunk: skipped',
        pos,
        safeId(id),
      );
    }
    pos += size;
  }
}

/**
 * The record identifiers met in a chunk. They nearly always come in increasing order, so an
 * identifier above every one before is new without a look-up: the identifiers are only listed, and
 * put into a Set the first time one comes out of order.
 */
class SeenIds {
  private readonly list: (number | bigint)[] = [];
  private set: Set<number | bigint> | null = null;
  private highest = -1;

  /** Adds `id`; false when it was met before. */
  add(id: number | bigint): boolean {
    if (this.set === null) {
      if (typeof id === 'number' && id > this.highest) {
        this.highest = id;
        this.list.push(id);
        return true;
      }
      this.set = new Set(this.list);
    }
    if (this.set.has(id)) return false;
    this.set.add(id);
    return true;
  }
}

/** What is wrong with the header of the record at `pos` that does not check out. */
function badHeader(b: Uint8Array, pos: number, size: number): string {
  if (u32(b, pos) !== RECORD_SIGNATURE) return 'no record signature';
  if (size < RECORD_HEADER_SIZE + 4 || pos + size > b.length) return `impossible record size (${size})`;
  return `record size (${size}) and copy of the size (${u32(b, pos + size - 4)}) differ`;
}

/**
 * Where the records of a chunk with its signature end (its free space offset, when possible), the
 * free space offset and the checksums checked on the way (a mismatch is reported, never fatal).
 */
function recordsEnd(
  b: Uint8Array,
  header: ChunkHeader,
  checksums: boolean,
  crc: Crc32 | undefined,
  warn: (code: EvtxWarningCode, message: string, offset: number) => void,
): number {
  let end = b.length;
  const free = header.freeSpaceOffset;
  if (free >= CHUNK_HEADER_SIZE && free <= b.length) end = free;
  else if (free > CHUNK_SIZE || free < CHUNK_HEADER_SIZE)
    warn(
      'evtx-chunk-free-space',
      `impossible free space offset (${free}) in the chunk header: reading to the end of the chunk`,
      48,
    );
  if (checksums && (header.flags & CHUNK_FLAG_NO_CRC32) === 0) {
    const headerCrc = crc32With(crc, b, 128, CHUNK_HEADER_SIZE, crc32With(crc, b, 0, 120));
    if (headerCrc !== header.checksum)
      warn(
        'evtx-chunk-checksum',
        `chunk header checksum does not match (stored 0x${hex32(header.checksum)}, computed 0x${hex32(headerCrc)}); reading the chunk anyway`,
        124,
      );
    if (end === free && free <= b.length) {
      const dataCrc = crc32With(crc, b, CHUNK_HEADER_SIZE, free);
      if (dataCrc !== header.eventRecordsChecksum)
        warn(
          'evtx-records-checksum',
          `event records checksum does not match (stored 0x${hex32(header.eventRecordsChecksum)}, computed 0x${hex32(dataCrc)}); reading the records anyway`,
          52,
        );
    }
  }
  return end;
}

/** The offset of the next plausible record (signature, sane size, matching copy), or -1. */
function nextRecord(b: Uint8Array, from: number, end: number): number {
  for (let p = from; p + RECORD_HEADER_SIZE + 4 <= end; p++) {
    if (b[p] !== 0x2a || b[p + 1] !== 0x2a || b[p + 2] !== 0 || b[p + 3] !== 0) continue;
    const size = u32(b, p + 4);
    if (size >= RECORD_HEADER_SIZE + 4 && p + size <= b.length && u32(b, p + size - 4) === size) return p;
  }
  return -1;
}

/** One record; null (with a warning) when its binary XML cannot be read. */
const readRecord: RecordReader<EventRecord> = (ctx, plans, pos, size, source, fileOffset, warn) => {
  const id = safeId(u64(ctx.data, pos + 8)) ?? 0;
  try {
    const fast = plans?.read(pos, size, source, id);
    return fast ? fast : genericRecord(ctx, pos, size, source, id, warn);
  } catch (err) {
    return unreadable(err, pos, fileOffset, warn);
  }
};

/** One record as JSON text; null (with a warning) when its binary XML cannot be read. */
const readRecordJson: RecordReader<string> = (ctx, plans, pos, size, source, fileOffset, warn) => {
  const id = safeId(u64(ctx.data, pos + 8)) ?? 0;
  try {
    const fast = plans?.readJson(pos, size, source, id);
    return fast ? fast : JSON.stringify(genericRecord(ctx, pos, size, source, id, warn));
  } catch (err) {
    return unreadable(err, pos, fileOffset, warn);
  }
};

/** One record through the generic expansion (render.ts into event.ts's EventSink); throws what it cannot read. */
function genericRecord(
  ctx: ChunkContext,
  pos: number,
  size: number,
  source: string | undefined,
  id: number,
  warn: (code: EvtxWarningCode, message: string, offset: number) => void,
): EventRecord {
  const sink = new EventSink();
  const expander = new Expander(ctx, sink, warn, pos);
  const nodes = parseStream(ctx, pos + RECORD_HEADER_SIZE, pos + size - 4, false, 0);
  expander.nodes(nodes, null, -1, 0);
  return sink.finish(source, id, ctx.data, pos);
}

/** The warning for a record that cannot be read; null. */
function unreadable(
  err: unknown,
  pos: number,
  fileOffset: number,
  warn: (code: EvtxWarningCode, message: string, offset: number) => void,
): null {
  if (err instanceof EvtxFormatError)
    warn(
      err.code,
      `record cannot be read: ${err.message} (at offset ${fileOffset + err.offset}); skipped`,
      pos,
    );
  // Not expected on any input; reported rather than thrown so one record never stops the rest.
  else
    warn(
      'evtx-record-unreadable',
      `record cannot be read (internal error: ${err instanceof Error ? err.message : String(err)}); skipped`,
      pos,
    );
  return null;
}

function safeId(id: number | bigint): number | undefined {
  return typeof id === 'number' ? id : undefined;
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}
