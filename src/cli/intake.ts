// Reading the inputs of every command: a file, a folder, a .zip or standard input ('-'), with
// limits. Nothing is read without a bound: an input stops at the input limit (`--max-input`,
// default 2 GiB) with one line and exit code 2, so a FIFO fed from /dev/zero ends; binary data is
// refused from its first bytes, at once; an empty file is called empty; an event log is read record
// by record (an .evtx on disk chunk by chunk, an XML, CSV or JSON export 64 KiB at a time), so
// memory holds a record, not the file. Text read whole (a dsregcmd capture) has a lower limit.

import { InvalidArgumentError, Option } from 'commander';
import { evtxOptions, openEventStream } from '../events/read.js';
import type { EventRecord, ReadOptions, ReadWarning } from '../events/types.js';
import { type ByteSource, readEvtx, readEvtxJson } from '../evtx/index.js';
import { concatBytes, readAllChunks, splitHead } from '../input/chunks.js';
import { binaryHead, isEvtxHead, isZip } from '../input/magic.js';
import { nodeCrc32 } from '../node/crc32.js';

import { createStoryCollector, type StoryCollection } from '../story/collector.js';
import { InputError } from '../types.js';
import type { CliIO, InputStream } from './io.js';

export interface InputLimits {
  /** The most bytes read from one input (an event log read record by record, or standard input). */
  maxInput: number;
  /** The most bytes of an input read whole into memory (a dsregcmd capture, other text). */
  maxWhole: number;
}

const MIB = 1024 * 1024;
export const DEFAULT_INPUT_LIMITS: InputLimits = { maxInput: 2048 * MIB, maxWhole: 256 * MIB };

/** `--max-input 500M`: a size with an optional K, M, G or T (powers of 1024; B and iB allowed). */
export function parseSize(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(value);
  const n = m ? Number(m[1]) * 1024 ** ' kmgt'.indexOf((m[2] || ' ').toLowerCase()) : Number.NaN;
  if (!m || !Number.isFinite(n) || n < 1) throw new Error('give a size such as 500M, 2G or 1048576');
  return Math.floor(n);
}

/** The `--max-input <size>` option, the same on every command that reads inputs. */
export function maxInputOption(): Option {
  return new Option(
    '--max-input <size>',
    `the most bytes read from one input (500M, 2G ...; default ${formatSize(DEFAULT_INPUT_LIMITS.maxInput)}; text read whole: at most ${formatSize(DEFAULT_INPUT_LIMITS.maxWhole)})`,
  ).argParser((value: string) => {
    try {
      return parseSize(value);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  });
}

/** The limits for a `--max-input` given or not. */
export function inputLimits(maxInput: number | undefined): InputLimits {
  if (maxInput === undefined) return DEFAULT_INPUT_LIMITS;
  return { maxInput, maxWhole: Math.min(maxInput, DEFAULT_INPUT_LIMITS.maxWhole) };
}

/** A size for people: 2 GiB, 256 MiB, 12345 bytes. */
export function formatSize(bytes: number): string {
  for (const [unit, size] of [
    ['TiB', 1024 ** 4],
    ['GiB', 1024 ** 3],
    ['MiB', MIB],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size && bytes % (size / 1024) === 0) return `${+(bytes / size).toFixed(2)} ${unit}`;
  }
  return `${bytes} bytes`;
}

/** What an input turned out to be, opened for reading. */
export type OpenedInput =
  | { kind: 'evtx-file'; name: string; source: ByteSource & { close(): void } }
  | {
      kind: 'events';
      name: string;
      format: 'evtx' | 'xml' | 'csv' | 'json';
      records: AsyncIterable<EventRecord>;
    }
  | { kind: 'whole'; name: string; bytes: Uint8Array }
  | { kind: 'zip'; name: string; bytes?: Uint8Array };

export interface OpenOptions {
  limits?: InputLimits;
  /** An input of at most this many bytes is handed over whole (kind 'whole'); default 0: stream. */
  wholeUpTo?: number;
  /** Where the reading problems of a streamed event log go (an .evtx on disk: see recordsOf). */
  onWarning?: (w: ReadWarning) => void;
  /** The command reading, for the lines it prints ("dsreg-doctor events: reading standard input"). */
  command?: string;
}

const HEAD = 65536;

function tooLarge(name: string, limit: number, whole: boolean): InputError {
  return new InputError(
    name,
    `larger than the input limit of ${formatSize(limit)}${whole ? ' for a file read whole' : ''}: not read (--max-input changes it)`,
  );
}

function notText(name: string): InputError {
  return new InputError(name, 'binary data, neither text nor an .evtx event log: not read');
}

/** Pieces of a stream, stopped with an InputError past `limit` bytes. */
async function* bounded(
  chunks: AsyncIterable<Uint8Array>,
  name: string,
  limit: number,
  whole: boolean,
): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > limit) throw tooLarge(name, limit, whole);
    yield chunk;
  }
}

/** The stream of a path: the IO's own, or (in-memory test IOs) what read() returns, as one piece. */
async function streamOf(path: string, io: CliIO): Promise<InputStream> {
  if (io.stream) return io.stream(path);
  const bytes = await io.read(path);
  return {
    size: bytes.length,
    chunks: (async function* () {
      yield bytes;
    })(),
    close: () => {},
  };
}

/**
 * The options the CLI reads an event log of `source` with: the .evtx checksums by Node's CRC-32,
 * and the reader's damage warnings coded 'evtx-damage' (evtxOptions) before `onWarning` has them.
 */
function cliReadOptions(source: string, onWarning?: (w: ReadWarning) => void): ReadOptions {
  return evtxOptions({ source, crc32: nodeCrc32, ...(onWarning ? { onWarning } : {}) });
}

/**
 * Opens one input (not a folder: the caller looks at those) and tells what it is: an .evtx on
 * disk (random access), an event export streamed record by record, a zip, or bytes read whole
 * (other text, or any input of at most `wholeUpTo` bytes). Throws InputError for an empty input,
 * binary data or an input past the limits; file system errors are thrown as they come.
 */
export async function openInput(path: string, io: CliIO, options: OpenOptions = {}): Promise<OpenedInput> {
  const limits = options.limits ?? DEFAULT_INPUT_LIMITS;
  const wholeUpTo = Math.min(options.wholeUpTo ?? 0, limits.maxWhole);
  const name = path;
  const readOptions = cliReadOptions(name, options.onWarning);
  const stream = await streamOf(path, io);
  let handedOver = false;
  try {
    if (stream.size !== undefined && stream.size > limits.maxInput)
      throw tooLarge(name, limits.maxInput, false);
    if (path === '-' && stream.isTTY) {
      io.stderr(
        `dsreg-doctor${options.command ? ` ${options.command}` : ''}: reading standard input (end it with Ctrl+D, or Ctrl+Z and Enter on Windows)\n`,
      );
    }
    const chunks = bounded(stream.chunks, name, limits.maxInput, false);
    // The first 64 KiB say what the input is: empty, binary, a zip, an .evtx, text.
    const first = await splitHead(chunks, HEAD);
    let { head, rest, ended } = first;
    if (head.length === 0)
      throw new InputError(name, path === '-' ? 'standard input is empty' : 'empty file');
    const onDisk = path !== '-' && stream.size !== undefined;
    if (isZip(head)) {
      if (onDisk) return { kind: 'zip', name };
      return { kind: 'zip', name, bytes: await readAllChunks(bounded(rest, name, limits.maxWhole, true)) };
    }
    const evtx = isEvtxHead(head);
    if (!evtx && binaryHead(head.subarray(0, 4096))) throw notText(name);
    if (wholeUpTo > 0 && !ended && (stream.size === undefined || stream.size <= wholeUpTo)) {
      ({ head, rest, ended } = await splitHead(rest, wholeUpTo + 1));
    }
    if (ended && head.length <= wholeUpTo) return { kind: 'whole', name, bytes: head };
    if (isEvtxHead(head)) {
      if (onDisk && io.open) {
        stream.close();
        handedOver = true;
        return { kind: 'evtx-file', name, source: io.open(path) };
      }
      const bytes = await readAllChunks(rest);
      const source: ByteSource = { size: bytes.length, read: (o, l) => bytes.subarray(o, o + l) };
      return { kind: 'events', name, format: 'evtx', records: toAsync(readEvtx(source, readOptions)) };
    }
    try {
      const events = await openEventStream(rest, readOptions);
      handedOver = true;
      return { kind: 'events', name, format: events.kind, records: closing(events.records, stream) };
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
    }
    // Not an event export: text read whole (a dsregcmd capture), the head and what follows it.
    const parts = [head];
    let length = head.length;
    for await (const part of rest) {
      length += part.length;
      if (length > limits.maxWhole) throw tooLarge(name, limits.maxWhole, true);
      parts.push(part);
    }
    return { kind: 'whole', name, bytes: concatBytes(parts, length) };
  } finally {
    if (!handedOver) stream.close();
  }
}

async function* closing<T>(items: AsyncIterable<T>, stream: InputStream): AsyncGenerator<T> {
  try {
    yield* items;
  } finally {
    stream.close();
  }
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

/** The records of an opened event log, one by one (an .evtx on disk read chunk by chunk). */
export function recordsOf(
  input: Extract<OpenedInput, { kind: 'evtx-file' | 'events' }>,
  onWarning: (w: ReadWarning) => void,
): AsyncIterable<EventRecord> | Iterable<EventRecord> {
  if (input.kind === 'events') return input.records;
  return readEvtx(input.source, cliReadOptions(input.name, onWarning));
}

/** The JSON lines of an .evtx on disk, as readEvtxJson writes them (the warnings as recordsOf gives them). */
export function jsonLinesOf(
  input: Extract<OpenedInput, { kind: 'evtx-file' }>,
  onWarning: (w: ReadWarning) => void,
): Iterable<string> {
  return readEvtxJson(input.source, cliReadOptions(input.name, onWarning));
}

/** An input made ready for the diagnosis. */
export interface DiagnosisInput {
  name: string;
  bytes: Uint8Array;
  /** For an event log read record by record: what it was, and how many records it held. */
  kind?: 'evtx' | 'xml' | 'csv' | 'json';
  reason?: string;
  /** Reading problems met while streaming it (for an input given whole, the analysis finds them). */
  warnings?: ReadWarning[];
  /** The bytes are a zip archive (a log collection) to be opened by the caller. */
  zip?: boolean;
}

/** Event logs up to this size are handed over whole, as they are; larger ones are streamed. */
export const STREAM_ABOVE = 8 * MIB;

/**
 * Reads one input for `diagnose`. An input of at most `streamAbove` bytes, and any text, is handed
 * over whole, as it is. A larger event log is read record by record and only what the diagnosis
 * reads is kept (the join and PRT records, see src/story/collector.ts), handed over as JSON lines
 * (the form `events --format jsonl` prints and the readers read back): memory stays bounded by the
 * records kept, whatever the size of the log. A zip comes back whole, marked, for the caller.
 */
export async function readForDiagnosis(
  path: string,
  io: CliIO,
  options: {
    limits?: InputLimits;
    streamAbove?: number;
    maxRecords?: number;
    command?: string;
    /** Called for each record of a large log read record by record (a progress line counts them). */
    onRecord?: () => void;
  } = {},
): Promise<DiagnosisInput> {
  const warnings: ReadWarning[] = [];
  const opened = await openInput(path, io, {
    command: options.command ?? 'diagnose',
    ...(options.limits ? { limits: options.limits } : {}),
    wholeUpTo: options.streamAbove ?? STREAM_ABOVE,
    onWarning: (w) => warnings.push(w),
  });
  if (opened.kind === 'zip') return { name: path, bytes: opened.bytes ?? (await io.read(path)), zip: true };
  if (opened.kind === 'whole') return { name: path, bytes: opened.bytes };
  const collector = createStoryCollector({
    keepFirst: true,
    ...(options.maxRecords !== undefined ? { maxRecords: options.maxRecords } : {}),
  });
  try {
    for await (const rec of recordsOf(opened, (w) => warnings.push(w))) {
      collector.add(rec);
      options.onRecord?.();
    }
  } finally {
    if (opened.kind === 'evtx-file') opened.source.close();
  }
  const kind = opened.kind === 'evtx-file' ? 'evtx' : opened.format;
  return storyInput(path, kind, collector.finish(), warnings);
}

function storyInput(
  name: string,
  kind: NonNullable<DiagnosisInput['kind']>,
  story: StoryCollection,
  warnings: ReadWarning[],
): DiagnosisInput {
  const lines = story.records.map((r) => JSON.stringify({ ...r, source: name }));
  const kept = story.records.length;
  const reason =
    `${story.seen} event records` +
    (story.dropped > 0 ? `; the oldest ${story.dropped} join and PRT records left out (limit ${kept})` : '');
  if (story.dropped > 0) {
    warnings.push({
      source: name,
      code: 'story-records-dropped',
      message: `more than ${kept} join and PRT records: the oldest ${story.dropped} are left out of the diagnosis`,
    });
  }
  return { name, bytes: new TextEncoder().encode(`${lines.join('\n')}\n`), kind, reason, warnings };
}

export { inputReason, plainInputs } from '../redact/plain.js';
