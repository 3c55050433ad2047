// A log collection (a folder or a .zip) made safe to post: every capture, event export and other
// text file redacted with one redactor, so a value has the same pseudonym in every file; an .evtx
// becomes its redacted records as JSON lines (`name.evtx.jsonl`, what `events --format jsonl`
// prints); a binary file that cannot be redacted is left out and listed. File names keep their
// shape, with the identifiers in them replaced (`dsregcmd_WKS-0417.txt` -> `dsregcmd_computer-1.txt`:
// no `<>` in names, which Windows forbids). Pure: the caller reads the bundle and writes the copy.
import { readEvents } from '../events/read.js';
import type { EventRecord, ReadWarning } from '../events/types.js';
import { type BundleEntry, classifyEntry } from '../input/bundle.js';
import { decodeText } from '../input/decode.js';
import { InputError } from '../types.js';
import { isXml } from './index.js';
import { createRedactor, type RedactOptions, type Redactor } from './redactor.js';

export interface RedactedFile {
  /** The path inside the copy, with its identifiers replaced. */
  name: string;
  /** The path inside the bundle it came from (for messages; not to be printed unredacted). */
  from: string;
  bytes: Uint8Array;
  /** What it was read as: a capture, an event export, an .evtx (now JSON lines), or other text. */
  kind: 'dsregcmd' | 'evtx' | 'xml' | 'csv' | 'json' | 'text' | 'empty';
  /** Written as XML (pseudonyms escaped, markup untouched). */
  xml: boolean;
}

export interface BundleRedaction {
  files: RedactedFile[];
  /** Files not in the copy, with why (names already redacted). */
  left: { name: string; reason: string }[];
  warnings: ReadWarning[];
  redactor: Redactor;
}

type Read =
  | { entry: BundleEntry; kind: 'evtx'; records: EventRecord[] }
  | { entry: BundleEntry; kind: Exclude<RedactedFile['kind'], 'evtx'>; text: string }
  | { entry: BundleEntry; kind: 'left'; reason: string };

/** A path safe to write under a folder: no `..`, no empty or `.` segments, no absolute root. */
export function safePath(name: string): string {
  const parts = name
    .replace(/\\/g, '/')
    .split('/')
    .filter((p) => p !== '' && p !== '.' && p !== '..')
    .map((p) => p.replace(/[\u0000-\u001f<>:"|?*]/g, '_'));
  return parts.join('/') || 'unnamed';
}

/**
 * Redacts every file of a bundle. `entries` are named inside the bundle (no bundle prefix);
 * `onProgress` is told each file as it is done.
 */
export function redactBundle(
  entries: readonly BundleEntry[],
  options: RedactOptions = {},
  onProgress?: (done: number, total: number) => void,
): BundleRedaction {
  const r = createRedactor(options);
  const warnings: ReadWarning[] = [];
  const total = entries.length * 2;
  let done = 0;
  const tick = () => onProgress?.(++done, total);

  const read: Read[] = entries.map((entry) => {
    const x = readEntry(entry, warnings);
    if (x.kind === 'evtx') r.learnEvents(x.records);
    else if (x.kind !== 'left') r.learn(x.text);
    tick();
    return x;
  });

  const encoder = new TextEncoder();
  const rename = (name: string) => safePath(r.text(name).replace(/<([a-z]+(?:-[a-z]+)*-\d+)>/g, '$1'));
  const write = () => {
    const files: RedactedFile[] = [];
    const left: { name: string; reason: string }[] = [];
    const taken = new Set<string>();
    const unique = (name: string) => {
      let n = name;
      for (let i = 2; taken.has(n.toLowerCase()); i++) n = name.replace(/(\.[^./]*)?$/, `-${i}$1`);
      taken.add(n.toLowerCase());
      return n;
    };
    for (const x of read) {
      if (x.kind === 'left') {
        left.push({ name: rename(x.entry.name), reason: x.reason });
      } else if (x.kind === 'evtx') {
        const lines = r
          .eventRecords(x.records)
          .map((rec) => `${JSON.stringify(rec)}\n`)
          .join('');
        files.push({
          name: unique(`${rename(x.entry.name)}.jsonl`),
          from: x.entry.name,
          bytes: encoder.encode(lines),
          kind: 'evtx',
          xml: false,
        });
      } else {
        const xml = x.kind === 'xml' || (x.kind === 'text' && isXml(x.text));
        const text = r.text(x.text, xml ? 'xml' : 'text');
        files.push({
          name: unique(rename(x.entry.name)),
          from: x.entry.name,
          bytes: encoder.encode(text),
          kind: x.kind,
          xml,
        });
      }
      tick();
    }
    return { files, left };
  };
  // A name the patterns find in a later file is replaced in the earlier ones too.
  const before = r.revision;
  let written = write();
  if (r.revision !== before) {
    done = entries.length;
    written = write();
  }
  const { files, left } = written;
  for (const w of warnings) {
    w.message = r.text(w.message);
    if (w.source) w.source = rename(w.source);
  }
  return { files, left, warnings, redactor: r };
}

function readEntry(entry: BundleEntry, warnings: ReadWarning[]): Read {
  const c = classifyEntry(entry);
  if (entry.bytes.length === 0) return { entry, kind: 'empty', text: '' };
  if (c.kind === 'evtx') {
    try {
      const records = [
        ...readEvents(entry.bytes, { source: entry.name, onWarning: (w) => warnings.push(w) }),
      ];
      return { entry, kind: 'evtx', records };
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return { entry, kind: 'left', reason: 'an .evtx too damaged to read' };
    }
  }
  if (c.kind !== 'ignored') return { entry, kind: c.kind, text: decodeText(entry.bytes).text };
  const text = decodeText(entry.bytes).text;
  if (isText(text)) return { entry, kind: 'text', text };
  return { entry, kind: 'left', reason: `${c.reason.split(':')[0]}, which cannot be redacted` };
}

/** Text without the control characters that binary data decodes to. */
function isText(text: string): boolean {
  const n = Math.min(text.length, 65536);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0xfffd) bad++;
  }
  return bad <= n / 100;
}
