// A log collection (a folder or a .zip, as Microsoft's auth scripts or support tools produce them)
// holds `dsregcmd /status` captures and event log exports among many other files, named in no
// reliable way. Each file is recognised by its content; the rest is listed with the reason it was
// left out, so the administrator sees what the diagnosis rests on. Pure: the caller reads the bytes.
import { KNOWN_KEYS, KNOWN_SECTIONS } from '../dsregcmd/keys.js';
import { parseDsregcmd } from '../dsregcmd/parse.js';
import { type EventExportKind, sniffEvents } from '../events/read.js';
import { decodeText } from './decode.js';

/** One file of a bundle: its name (a path inside the bundle, for people) and its bytes. */
export interface BundleEntry {
  name: string;
  bytes: Uint8Array;
}

export type EntryKind = 'dsregcmd' | EventExportKind | 'ignored';

export interface ClassifiedEntry extends BundleEntry {
  kind: EntryKind;
  /** What the file was taken for, or why it was left out. */
  reason: string;
}

const EXPORT_NAMES: Record<EventExportKind, string> = {
  evtx: 'event log (.evtx)',
  xml: 'event log export (XML)',
  csv: 'event log export (CSV)',
  json: 'event log export (JSON)',
};

/** What a file is, by its content only. */
export function classifyEntry(entry: BundleEntry): ClassifiedEntry {
  const { bytes } = entry;
  const ignored = (reason: string): ClassifiedEntry => ({ ...entry, kind: 'ignored', reason });
  if (bytes.length === 0) return ignored('empty file');
  const magic = binaryKind(bytes);
  if (magic) return ignored(magic);

  const events = sniffEvents(bytes);
  if (events !== 'none') return { ...entry, kind: events, reason: EXPORT_NAMES[events] };

  const head = decodeText(bytes.subarray(0, 65536)).text;
  if (looksBinary(head)) return ignored('binary file: neither text nor an .evtx event log');

  const text = decodeText(bytes).text;
  const fields = dsregcmdFields(text);
  if (fields > 0) {
    return { ...entry, kind: 'dsregcmd', reason: `dsregcmd /status output (${fields} fields)` };
  }
  return ignored('text without `dsregcmd /status` fields or event records');
}

/**
 * Classifies every file of a bundle, top folder first and then in name order (so captures are read
 * in a stable order), and leaves out a file whose bytes repeat an earlier one's (collections often
 * hold copies: the copy deeper in the tree is the one left out).
 */
export function classifyBundle(entries: readonly BundleEntry[]): ClassifiedEntry[] {
  const depth = (n: string) => n.split('/').length;
  const sorted = [...entries].sort((a, b) => depth(a.name) - depth(b.name) || compareNames(a.name, b.name));
  const seen = new Map<string, BundleEntry[]>();
  const out: ClassifiedEntry[] = [];
  for (const e of sorted) {
    const c = classifyEntry(e);
    if (c.kind !== 'ignored') {
      const key = `${e.bytes.length}:${fnv1a(e.bytes)}`;
      const same = (seen.get(key) ?? []).find((x) => equalBytes(x.bytes, e.bytes));
      if (same) {
        out.push({ ...e, kind: 'ignored', reason: `same content as ${same.name}` });
        continue;
      }
      seen.set(key, [...(seen.get(key) ?? []), e]);
    }
    out.push(c);
  }
  return out;
}

/**
 * Whether the first bytes of a file show a binary format that is not an .evtx: readers keep only the
 * head of such a file (enough to say what it is), not the hundreds of megabytes of a network trace.
 */
export function binaryHead(head: Uint8Array): boolean {
  const at = (i: number, ...sig: number[]) => sig.every((v, k) => head[i + k] === v);
  if (head.length === 0 || at(0, 0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00)) return false;
  if (at(0, 0xff, 0xfe) || at(0, 0xfe, 0xff) || at(0, 0xef, 0xbb, 0xbf)) return false;
  const n = Math.min(head.length, 4096);
  let control = 0;
  let oddNul = 0;
  let evenNul = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i]!;
    if (b === 0) {
      if (i % 2) oddNul++;
      else evenNul++;
    }
    if (b < 0x09 || (b > 0x0d && b < 0x20)) control++;
  }
  // UTF-16 text without a byte order mark: NULs in every other position.
  if (oddNul > n / 3 || evenNul > n / 3) return oddNul > n / 8 && evenNul > n / 8;
  return control > n / 20;
}

/** Known binary formats that are not read, with the reason people should see. */
function binaryKind(b: Uint8Array): string | undefined {
  const at = (i: number, ...sig: number[]) => sig.every((v, k) => b[i + k] === v);
  if (at(0, 0x50, 0x4b, 0x03, 0x04) || at(0, 0x50, 0x4b, 0x05, 0x06)) {
    return 'a zip archive inside the bundle: not opened (unpack it and pass it on its own)';
  }
  if (at(0, 0x4d, 0x53, 0x43, 0x46)) return 'a cabinet (.cab) archive: not opened';
  if (at(4, 0x4c, 0x66, 0x4c, 0x65)) {
    return 'an .evt event log (the format before Windows Vista): not supported';
  }
  if (at(0, 0x25, 0x50, 0x44, 0x46)) return 'a PDF document: not read';
  if (at(0, 0x89, 0x50, 0x4e, 0x47) || at(0, 0xff, 0xd8, 0xff)) return 'an image: not read';
  if (at(0, 0x4d, 0x5a)) return 'a Windows program or library: not read';
  if (at(0, 0x0a, 0x0d, 0x0d, 0x0a)) return 'a network capture (.pcapng): not read';
  return undefined;
}

/** Text decoding left control characters or replacement marks in more than 1% of the head. */
function looksBinary(text: string): boolean {
  if (text.length === 0) return false;
  let bad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0xfffd) bad++;
  }
  return bad > text.length / 100;
}

/**
 * How many known `dsregcmd /status` fields a text holds, or 0 when it is not a capture: it must
 * have a known section header, or at least two known keys (the three-line fragments people post).
 */
export function dsregcmdFields(text: string): number {
  let status: ReturnType<typeof parseDsregcmd>;
  try {
    status = parseDsregcmd(text);
  } catch {
    return 0;
  }
  const known = status.fields.filter((f) => KNOWN_KEYS.has(f.normKey)).length;
  const sections = status.sections.some((s) => KNOWN_SECTIONS.has(s.key));
  return sections || known >= 2 ? status.fields.length : 0;
}

/** Names compared segment by segment, numbers by value: "Work Account 2" before "Work Account 10". */
function compareNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' }) || (a < b ? -1 : a > b ? 1 : 0);
}

function fnv1a(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) {
    h ^= b[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
