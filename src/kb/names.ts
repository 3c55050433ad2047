// Names of codes by value and by name, across the guide's codes and the generic table generated
// from the Windows headers (src/kb/generated/generic-codes.ts).
//
// The guide's names are always there. The generic table (about 5,900 names, 43 KB gzipped) is a
// separate chunk that `await loadGenericNames()` imports once, so that the CLI starts without it
// and the browser page fetches it only when needed; after that every function here answers with
// it, synchronously. Before it, they answer with the guide's names only.
import { GUIDE_CODES, SERVER_ERRORS } from './guide-codes.js';
import type { CodeEntry, Family, ServerErrorEntry } from './types.js';

export interface NamedCode {
  name: string;
  /** Unsigned 32-bit value. */
  value: number;
  family: Family;
  /** The header the name comes from (winerror.h ...), or 'guide' for the guide's own codes. */
  source: string;
  /** The guide's entry, for the guide's codes. */
  entry?: CodeEntry;
  /** The value as lower-case hex, filled in on first use (lookups print it often). */
  hex?: string;
}

let all: NamedCode[] | undefined;
let byValue: Map<number, NamedCode[]> | undefined;
let byName: Map<string, NamedCode[]> | undefined;
let generic: NamedCode[] | undefined;
let loading: Promise<void> | undefined;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Decodes the packed generic table (see scripts/gen-codes.mjs for the format). */
export function decodeGenericBlocks(
  blocks: readonly (readonly [string, string, string, string])[],
): NamedCode[] {
  const out: NamedCode[] = [];
  for (const [family, source, values, names] of blocks) {
    const deltas = values.split(',');
    const words = names.split(' ');
    if (deltas.length !== words.length) throw new Error(`generic table block ${family}/${source} is corrupt`);
    let value = 0;
    for (let i = 0; i < deltas.length; i++) {
      value += Number.parseInt(deltas[i]!, 36);
      out.push({ name: words[i]!, value, family: family as Family, source });
    }
  }
  return out;
}

/**
 * The guide's names, then the headers' (without a name the guide already gives for the same
 * value), and the index by value, built together in one pass on first use.
 */
function names(): NamedCode[] {
  if (all) return all;
  const list: NamedCode[] = GUIDE_CODES.map((entry) => ({
    name: entry.name,
    value: entry.value >>> 0,
    family: entry.family,
    source: 'guide',
    entry,
  }));
  const index = new Map<number, NamedCode[]>();
  for (const n of list) push(index, n.value, n);
  for (const n of generic ?? []) {
    const at = index.get(n.value);
    if (at?.some((g) => g.name === n.name)) continue;
    list.push(n);
    if (at) at.push(n);
    else index.set(n.value, [n]);
  }
  byValue = index;
  all = list;
  return list;
}

function valueIndex(): Map<number, NamedCode[]> {
  if (!byValue) names();
  return byValue!;
}

// The name index is built on first use of its own: a lookup by value never pays for upper-casing.
function nameIndex(): Map<string, NamedCode[]> {
  if (byName) return byName;
  byName = new Map();
  for (const n of names()) push(byName, n.name.toUpperCase(), n);
  return byName;
}

/**
 * Loads the names generated from the Windows headers (once; later calls return at once). Until it
 * has resolved, lookups know only the guide's names and the structure of a value.
 */
export function loadGenericNames(): Promise<void> {
  loading ??= import('./generated/generic-codes.js').then((m) => {
    generic = decodeGenericBlocks(m.GENERIC_BLOCKS);
    all = byValue = byName = undefined;
  });
  return loading;
}

/** Whether loadGenericNames() has finished. */
export function genericNamesLoaded(): boolean {
  return generic !== undefined;
}

const NONE: readonly NamedCode[] = [];

/** Every name for a value (signed or unsigned), the guide's first, then the headers' in their order. */
export function namesByValue(value: number): readonly NamedCode[] {
  return valueIndex().get(value >>> 0) ?? NONE;
}

/** The codes with this exact name, case-insensitively (a name can have more than one value). */
export function namesByName(name: string): readonly NamedCode[] {
  return nameIndex().get(name.toUpperCase()) ?? NONE;
}

/** Every known name, the guide's first. */
export function allNames(): readonly NamedCode[] {
  return names();
}

/**
 * The names a diagnosis can show for a code it has no entry for: every known name of the value,
 * best first (the guide's, then the headers'). Synchronous; the headers' names are included once
 * `await loadGenericNames()` has resolved (before that, only the guide's).
 */
export function namesForValue(value: number): { name: string; family: Family }[] {
  return namesByValue(value).map((n) => ({ name: n.name, family: n.family }));
}

/** Server errors (DirectoryError, AuthenticationError, AADSTS50155 ...) with this code or id. */
export function serverErrorsByCode(code: string): ServerErrorEntry[] {
  const c = code.toLowerCase();
  return SERVER_ERRORS.filter((e) => e.code.toLowerCase() === c || e.id === c);
}

export interface NameSearch {
  codes: NamedCode[];
  serverErrors: ServerErrorEntry[];
}

/** Names containing a word, case-insensitively: guide codes first, then by name. */
export function searchNames(word: string): NameSearch {
  const w = word.toUpperCase();
  const codes = names()
    .filter((n) => n.name.toUpperCase().includes(w))
    .sort((a, b) => {
      const ga = a.source === 'guide' ? 0 : 1;
      const gb = b.source === 'guide' ? 0 : 1;
      return ga - gb || (a.name < b.name ? -1 : a.name > b.name ? 1 : a.value - b.value);
    });
  const lw = word.toLowerCase();
  const serverErrors = SERVER_ERRORS.filter(
    (e) => e.code.toLowerCase().includes(lw) || e.id.includes(lw) || e.title.toLowerCase().includes(lw),
  );
  return { codes, serverErrors };
}
