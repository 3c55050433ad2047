// A log collection (a folder or a .zip, as Microsoft's auth scripts or support tools produce them)
// holds `dsregcmd /status` captures and event log exports among many other files, named in no
// reliable way. Each file is recognised by its content; the rest is listed with the reason it was
// left out, so the administrator sees what the diagnosis rests on. Pure: the caller reads the bytes.
import { InputError } from '../types.js';
import type { BundleEntry, EventKind } from './kinds.js';
import { type Sniffed, sniff } from './sniff.js';
import type { Bundle } from './zip.js';

export type { BundleEntry } from './kinds.js';
export { binaryHead } from './magic.js';
export { dsregcmdFields } from './sniff.js';

export type EntryKind = 'dsregcmd' | EventKind | 'ignored';

export interface ClassifiedEntry extends BundleEntry {
  kind: EntryKind;
  /** What the file was taken for, or why it was left out. */
  reason: string;
  /** What sniff said of it (the analysis reuses it rather than sniffing again). */
  sniffed: Sniffed;
}

/** What a file is, by its content only (see sniff). */
export function classifyEntry(entry: BundleEntry): ClassifiedEntry {
  const found = sniff(entry.bytes, entry.name);
  switch (found.kind) {
    case 'dsregcmd':
    case 'evtx':
    case 'xml':
    case 'csv':
    case 'json':
      return { ...entry, kind: found.kind, reason: found.reason, sniffed: found };
    case 'zip':
      return {
        ...entry,
        kind: 'ignored',
        reason: `${found.reason} inside the bundle: not opened (unpack it and pass it on its own)`,
        sniffed: found,
      };
    default:
      return { ...entry, kind: 'ignored', reason: found.reason, sniffed: found };
  }
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
        out.push({ ...c, kind: 'ignored', reason: `same content as ${same.name}` });
        continue;
      }
      seen.set(key, [...(seen.get(key) ?? []), e]);
    }
    out.push(c);
  }
  return out;
}

/** A file of a bundle that is not used, as the reports list it. */
export interface LeftOut {
  name: string;
  /** skipped: not read at all (too large, too deep ...); other: read, and neither a capture nor a log. */
  kind: 'skipped' | 'other';
  used: false;
  reason: string;
}

/** What a log collection gives the analysis: its captures and event logs, and the files left out. */
export interface BundleIntake {
  inputs: (BundleEntry & { fromBundle: true; sniffed: Sniffed })[];
  leftOut: LeftOut[];
}

/**
 * The one intake of a log collection (a folder or a .zip, read by the CLI from disk or by the page
 * from a dropped file): its files classified by content, in reading order. Throws InputError when it
 * holds no capture and no event log.
 */
export function intakeBundle(label: string, bundle: Bundle): BundleIntake {
  const leftOut: LeftOut[] = bundle.skipped.map((s) => ({
    name: s.name,
    kind: 'skipped',
    used: false,
    reason: s.reason,
  }));
  const inputs: BundleIntake['inputs'] = [];
  for (const c of classifyBundle(bundle.entries)) {
    if (c.kind === 'ignored') leftOut.push({ name: c.name, kind: 'other', used: false, reason: c.reason });
    else inputs.push({ name: c.name, bytes: c.bytes, fromBundle: true, sniffed: c.sniffed });
  }
  if (inputs.length === 0) {
    throw new InputError(label, 'no `dsregcmd /status` capture or event log export found in it');
  }
  return { inputs, leftOut };
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
