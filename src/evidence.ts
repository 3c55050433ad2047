// One model of the device, built from every input: the rules read this, never the raw text.

import { normalizeKey, normalizeSection } from './dsregcmd/keys.js';
import type { DsregField, DsregStatus } from './dsregcmd/parse.js';
import type { EventRecord } from './events/types.js';
import type { Evidence as EvidenceLine, Finding } from './types.js';

/** What a live check (`diagnose --probe`) found: an input like a file, whose findings come ready-made. */
export interface ProbeEvidence {
  /** The name the checks go by in evidence. */
  source: string;
  findings: Finding[];
}

export interface DeviceEvidence {
  captures: DsregStatus[];
  events: EventRecord[];
  /** Results of live checks run for this device. */
  probes?: ProbeEvidence[];
  /** The time the caller says the capture was taken ("--now"), as an ISO string; never the wall clock. */
  now?: string;
}

/** Section-aware reading of the captures. */
export interface Reader {
  /** The first field with this key, outside Work Account blocks unless `section` names one. */
  field(key: string, section?: string): DsregField | undefined;
  /** The value of that field ('' when printed empty, undefined when absent). */
  value(key: string, section?: string): string | undefined;
  /** YES -> true, NO -> false, anything else -> undefined. */
  flag(key: string, section?: string): boolean | undefined;
  /** Every field with this key, in input order (Work Account blocks included). */
  all(key: string): DsregField[];
  hasSection(name: string): boolean;
  /** The evidence line for a field. */
  cite(field: DsregField | undefined): EvidenceLine[];
  /** The evidence line for a field, as one line (no list around it). */
  line(field: DsregField): EvidenceLine;
}

export function reader(ev: DeviceEvidence): Reader {
  const index = new Map<string, DsregField[]>();
  for (const c of ev.captures) {
    for (const f of c.fields) {
      const list = index.get(f.normKey);
      if (list) list.push(f);
      else index.set(f.normKey, [f]);
    }
  }
  // Which capture a field came from matters only for the few fields a finding cites.
  let sources: Map<DsregField, string> | undefined;
  const sourceOf = (f: DsregField): string => {
    // One capture (the usual case): its fields are in the index, no map of every field is needed.
    if (ev.captures.length === 1) return index.get(f.normKey)?.includes(f) ? ev.captures[0]!.source : '-';
    if (!sources) {
      sources = new Map();
      for (const c of ev.captures) for (const x of c.fields) sources.set(x, c.source);
    }
    return sources.get(f) ?? '-';
  };
  const field = (key: string, section?: string): DsregField | undefined => {
    const list = index.get(normalizeKey(key));
    if (!list) return undefined;
    // (Loops, not find: no closure a call, and most lists hold one field.)
    if (section) {
      const s = normalizeSection(section);
      for (const f of list) if (f.sectionKey === s) return f;
      return undefined;
    }
    for (const f of list) if (f.sectionKey !== 'workaccount') return f;
    return undefined;
  };
  const value = (key: string, section?: string) => field(key, section)?.value;
  const line = (f: DsregField): EvidenceLine => ({ source: sourceOf(f), line: f.line, text: f.text.trim() });
  return {
    field,
    value,
    flag: (key, section) => flagOf(value(key, section)),
    all: (key) => index.get(normalizeKey(key)) ?? [],
    hasSection: (name) => {
      const s = normalizeSection(name);
      return ev.captures.some((c) => c.sections.some((x) => x.key === s));
    },
    cite: (f) => (f ? [line(f)] : []),
    line,
  };
}

/** YES -> true, NO -> false (first word, any case), anything else -> undefined. */
function flagOf(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  // As printed (the usual case): no case folding and no regex.
  if (value === 'YES') return true;
  if (value === 'NO') return false;
  const v = value.toUpperCase();
  if (/^YES\b/.test(v)) return true;
  if (/^NO\b/.test(v)) return false;
  return undefined;
}
