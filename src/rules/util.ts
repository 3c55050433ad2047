// Small helpers the rules share: citing fields, building code-based findings.
import type { DsregField } from '../dsregcmd/parse.js';
import type { Reader } from '../evidence.js';
import { describeCode } from '../kb/describe.js';
import type { CodeNames } from '../kb/names.js';
import type { CodeEntry } from '../kb/types.js';
import type { CodeRef, Evidence, Phase } from '../types.js';

/** The evidence lines of these fields (by key or as read), in the order of the input. */
export function cite(r: Reader, ...keys: (DsregField | string | undefined)[]): Evidence[] {
  const out: Evidence[] = [];
  let oneSource = true;
  let inOrder = true;
  for (const k of keys) {
    const f = typeof k === 'string' ? r.field(k) : k;
    if (!f) continue;
    const e = r.line(f);
    const last = out[out.length - 1];
    if (last) {
      if (e.source !== last.source) oneSource = false;
      else if ((e.line ?? 0) < (last.line ?? 0)) inOrder = false;
    }
    out.push(e);
  }
  if (out.length < 2) return out;
  // One capture (the usual case): the order of the input is the order of the lines, often already kept.
  if (oneSource) return inOrder ? out : out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const sources = [...new Set(out.map((e) => e.source))];
  return out.sort(
    (a, b) => sources.indexOf(a.source) - sources.indexOf(b.source) || (a.line ?? 0) - (b.line ?? 0),
  );
}

export function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

export interface CodeSet {
  refs: CodeRef[];
  entries: CodeEntry[];
}

/** The codes of a finding, main code first, named from `names`, with the guide's entries for those it covers. */
export function codeSet(values: number[], names: CodeNames): CodeSet {
  const refs: CodeRef[] = [];
  const entries: CodeEntry[] = [];
  const seen = new Set<number>();
  for (const v of values) {
    if (seen.has(v >>> 0)) continue;
    seen.add(v >>> 0);
    const d = describeCode(v, names);
    refs.push(d.ref);
    if (d.entry) entries.push(d.entry);
  }
  return { refs, entries };
}

/** "0x801c0021 DSREG_AUTOJOIN_DISC_FAILED" or just the hex when no name is known. */
export function codeLabel(ref: CodeRef): string {
  return ref.name ? `${ref.name} (${ref.hex})` : ref.hex;
}

/** The phase a pre-join "Error Phase" value names. */
export function phaseOf(value: string | undefined): Phase | undefined {
  const v = value?.toLowerCase().replace(/[\s_-]/g, '');
  if (!v) return undefined;
  if (v.startsWith('precheck')) return 'precheck';
  if (v.startsWith('discover')) return 'discover';
  if (v.startsWith('auth')) return 'auth';
  if (v.startsWith('join')) return 'join';
  return undefined;
}

export const PHASE_NAMES: Record<Phase, string> = {
  precheck: 'precheck',
  discover: 'discover',
  auth: 'authentication',
  join: 'join',
  'post-join': 'post-join (PRT)',
};

/** A server's reply quoted in a cause, as every rule quotes one. */
export function serverSaid(message: string): string {
  return `The server said: "${message}"`;
}

/** A title continued after a colon: "Tenant not found" -> "tenant not found", "AD FS ..." unchanged. */
export function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s;
}
