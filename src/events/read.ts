// The front door for event logs: whatever export an administrator hands over, find out what it is
// and read its records. Pure: bytes in, records out; the caller reads files and prints.

import { bytesSource, isEvtx, readEvtx } from '../evtx/index.js';
import { readAllChunks, splitHead } from '../input/chunks.js';
import { type DecodedText, decodeText } from '../input/decode.js';
import { InputError } from '../types.js';
import { csvFlavour, csvReader, parseEventCsv } from './csv.js';
import { jsonReader, parseEventJson } from './json.js';
import { ChunkDecoder, type PushReader } from './text-stream.js';
import type { EventRecord, ReadOptions, ReadWarning } from './types.js';
import { parseEventXml, xmlReader } from './xml.js';

export type EventExportKind = 'evtx' | 'xml' | 'csv' | 'json';

const XML_EVENT = /<(?:[A-Za-z_][\w.-]*:)?Event[\s>/]/;
const JSON_ID = /"(?:Id|eventId)"\s*:/;
const JSON_EVENT = /"(?:ProviderName|RecordId|TimeCreated|LogName|provider)"\s*:/;

/** What kind of event export the bytes are, or 'none'. Looks at the first 64 KiB. */
export function sniffEvents(bytes: Uint8Array): EventExportKind | 'none' {
  if (isEvtx(bytes)) return 'evtx';
  // Cut on an even length so a UTF-16 head decodes whole.
  return sniffEventText(decodeText(bytes.subarray(0, 65536)).text);
}

/** The same, for text already decoded. */
export function sniffEventText(text: string): EventExportKind | 'none' {
  const head = text.slice(0, 65536).replace(/^[\s\ufeff]+/, '');
  const first = head[0];
  if (first === '<') return XML_EVENT.test(head) ? 'xml' : 'none';
  // A tool's banner before the XML, as `evtxexport -f xml` prints ("evtxexport 20181227").
  if (/^[^<\n]{1,100}\n\s*<(?:[A-Za-z_][\w.-]*:)?Event[\s>]/.test(head)) return 'xml';
  if (first === '[' || first === '{') return JSON_ID.test(head) && JSON_EVENT.test(head) ? 'json' : 'none';
  return csvFlavour(head) ? 'csv' : 'none';
}

export interface EventInput {
  kind: EventExportKind;
  /** How a text export was decoded; absent for .evtx. */
  encoding?: DecodedText['encoding'];
  records: Iterable<EventRecord>;
}

/**
 * Sniffs and opens an event export. Throws InputError at once when the bytes are no event log
 * (with a hint when they are something else we know); damage inside a log comes as warnings while
 * the records are read. Records come out in file order, lazily: a caller may stop early.
 */
export function openEvents(bytes: Uint8Array, options: ReadOptions = {}): EventInput {
  const source = options.source ?? '-';
  const opts: ReadOptions = { ...options, source };
  if (bytes.length === 0) throw new InputError(source, 'empty file: not an event log export');
  if (isEvtx(bytes)) return { kind: 'evtx', records: readEvtx(bytesSource(bytes), evtxOptions(opts)) };
  const { text, encoding } = decodeText(bytes);
  const kind = sniffEventText(text);
  if (kind === 'none') throw new InputError(source, notAnEventLog(bytes, text));
  const withEncoding = { ...opts, encoding };
  const records =
    kind === 'xml'
      ? parseEventXml(text, withEncoding)
      : kind === 'json'
        ? parseEventJson(text, withEncoding)
        : parseEventCsv(text, opts);
  return { kind, encoding, records };
}

/** The .evtx reader's warnings carry the code `evtx-damage` where it gives none of its own. */
export function evtxOptions(options: ReadOptions): ReadOptions {
  const onWarning = options.onWarning;
  if (!onWarning) return options;
  return { ...options, onWarning: (w: ReadWarning) => onWarning(w.code ? w : { ...w, code: 'evtx-damage' }) };
}

/** A text export's reader, to be fed piece by piece. */
export function textEventReader(
  kind: Exclude<EventExportKind, 'evtx'>,
  options: ReadOptions & { encoding?: DecodedText['encoding'] },
): PushReader<EventRecord> {
  return kind === 'xml' ? xmlReader(options) : kind === 'json' ? jsonReader(options) : csvReader(options);
}

export interface EventStream {
  kind: EventExportKind;
  records: AsyncIterable<EventRecord>;
}

/** How much of a stream is looked at to tell its kind. */
const SNIFF_BYTES = 65536;

/**
 * Opens an event export that arrives in pieces (a file or standard input read 64 KiB at a time):
 * the first 64 KiB tell its kind, then a text export is decoded and read record by record, so
 * memory holds one record, never the file. An .evtx needs random access: its pieces are joined
 * (the caller bounds them; a file on disk is better read with readEvtx over a file source).
 * Throws InputError as openEvents does.
 */
export async function openEventStream(
  chunks: AsyncIterable<Uint8Array>,
  options: ReadOptions = {},
): Promise<EventStream> {
  const source = options.source ?? '-';
  const { head: first, rest } = await splitHead(chunks, SNIFF_BYTES);
  if (first.length === 0) throw new InputError(source, 'empty file: not an event log export');
  if (isEvtx(first)) {
    const bytes = await readAllChunks(rest);
    return {
      kind: 'evtx',
      records: toAsync(readEvtx(bytesSource(bytes), evtxOptions({ ...options, source }))),
    };
  }
  const decoded = decodeText(first.subarray(0, first.length - (first.length % 2)));
  const kind = sniffEventText(decoded.text);
  if (kind === 'none' || kind === 'evtx') throw new InputError(source, notAnEventLog(first, decoded.text));
  return { kind, records: streamRecords(rest, kind, { ...options, source }) };
}

async function* streamRecords(
  chunks: AsyncIterable<Uint8Array>,
  kind: Exclude<EventExportKind, 'evtx'>,
  options: ReadOptions,
): AsyncGenerator<EventRecord> {
  const decoder = new ChunkDecoder();
  let reader: PushReader<EventRecord> | undefined;
  const feed = (text: string): EventRecord[] => {
    if (!text) return [];
    reader ??= textEventReader(kind, { ...options, encoding: decoder.encoding ?? 'utf-8' });
    return reader.push(text);
  };
  for await (const chunk of chunks) yield* feed(decoder.push(chunk));
  yield* feed(decoder.end());
  reader ??= textEventReader(kind, { ...options, encoding: decoder.encoding ?? 'utf-8' });
  yield* reader.end();
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

/** The records of an event export (see openEvents). */
export function readEvents(bytes: Uint8Array, options: ReadOptions = {}): Iterable<EventRecord> {
  return openEvents(bytes, options).records;
}

const DSREGCMD =
  /\|\s*(?:Device State|Device Details|Tenant Details|User State|SSO State|Diagnostic Data|Ngc Prerequisite Check)\s*\||\b(?:AzureAdJoined|DomainJoined|WorkplaceJoined|AzureAdPrt|Client ErrorCode|Error Phase)\s*:/i;

function notAnEventLog(bytes: Uint8Array, text: string): string {
  const base =
    'not an event log export (expected .evtx, or XML, CSV or JSON from Event Viewer, wevtutil or Get-WinEvent)';
  // The pre-Vista .evt format: a 0x30-byte header whose signature "LfLe" sits at offset 4.
  if (bytes[4] === 0x4c && bytes[5] === 0x66 && bytes[6] === 0x4c && bytes[7] === 0x65) {
    return 'an .evt file (the format before Windows Vista) is not supported: open it in Event Viewer and save it as .evtx';
  }
  if (DSREGCMD.test(text.slice(0, 65536))) {
    return `${base}; this looks like dsregcmd /status output: use \`dsreg-doctor diagnose\``;
  }
  return base;
}
