// The front door for event logs: whatever export an administrator hands over, find out what it is
// and read its records. Pure: bytes in, records out; the caller reads files and prints.

import { bytesSource, isEvtx, readEvtx } from '../evtx/index.js';
import { type DecodedText, decodeText } from '../input/decode.js';
import { InputError } from '../types.js';
import { csvFlavour, parseEventCsv } from './csv.js';
import { parseEventJson } from './json.js';
import type { EventRecord, ReadOptions } from './types.js';
import { parseEventXml } from './xml.js';

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
  if (isEvtx(bytes)) return { kind: 'evtx', records: readEvtx(bytesSource(bytes), opts) };
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
