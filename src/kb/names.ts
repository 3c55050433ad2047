// Names of codes by value and by name, across the guide's codes and the generic table generated
// from the Windows headers (src/kb/generated/generic-codes.ts).
//
// A names table (CodeNames) is a value that callers pass in: `guideNames()` holds the guide's names
// only and is there at once; `await loadCodeNames()` adds the headers' (about 5,900 names, 43 KB
// gzipped, a separate chunk imported on first call, so that the CLI starts without it and the
// browser page fetches it only when needed). Nothing here changes what a function answers behind
// the caller's back: the answer depends on the table given.
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

/** A table of code names: the guide's, and the headers' once loaded. Immutable. */
export interface CodeNames {
  /** Whether the Windows headers' names are in (else only the guide's). */
  readonly generic: boolean;
  /** Every name for a value (signed or unsigned), the guide's first, then the headers' in their order. */
  byValue(value: number): readonly NamedCode[];
  /** The codes with this exact name, case-insensitively (a name can have more than one value). */
  byName(name: string): readonly NamedCode[];
  /** Every known name, the guide's first. */
  all(): readonly NamedCode[];
}

const NONE: readonly NamedCode[] = [];

/**
 * The table of the guide's names, then the headers' (without a name the guide already gives for
 * the same value). The index by name is built on first use of its own: a lookup by value never
 * pays for upper-casing.
 */
export function codeNames(generic: readonly NamedCode[] = []): CodeNames {
  const list: NamedCode[] = GUIDE_CODES.map((entry) => ({
    name: entry.name,
    value: entry.value >>> 0,
    family: entry.family,
    source: 'guide',
    entry,
  }));
  const index = new Map<number, NamedCode[]>();
  for (const n of list) push(index, n.value, n);
  for (const n of generic) {
    const at = index.get(n.value);
    if (at?.some((g) => g.name === n.name)) continue;
    list.push(n);
    if (at) at.push(n);
    else index.set(n.value, [n]);
  }
  let byName: Map<string, NamedCode[]> | undefined;
  return {
    generic: generic.length > 0,
    byValue: (value) => index.get(value >>> 0) ?? NONE,
    byName: (name) => {
      if (!byName) {
        byName = new Map();
        for (const n of list) push(byName, n.name.toUpperCase(), n);
      }
      return byName.get(name.toUpperCase()) ?? NONE;
    },
    all: () => list,
  };
}

let guide: CodeNames | undefined;

/** The guide's names only: there at once, the same table every call. */
export function guideNames(): CodeNames {
  guide ??= codeNames();
  return guide;
}

type Block = readonly [string, string, string, string];

/** A block of the packed table with its values decoded: ascending, so searched by halving. */
interface DecodedBlock {
  family: Family;
  source: string;
  values: Float64Array;
  /** The block's names joined by ' ', split on first use (a lookup by value rarely needs a block's). */
  text: string;
  words?: string[];
  /** The entries made so far, by position (one object per entry, whichever way it was asked). */
  made: (NamedCode | undefined)[];
}

function decodeBlock([family, source, values, names]: Block): DecodedBlock {
  const deltas = values.split(',');
  const out = new Float64Array(deltas.length);
  let value = 0;
  for (let i = 0; i < deltas.length; i++) {
    const delta = Number.parseInt(deltas[i]!, 36);
    if (!(delta >= 0)) throw new Error(`generic table block ${family}/${source} is corrupt`);
    value += delta;
    out[i] = value;
  }
  return { family: family as Family, source, values: out, text: names, made: [] };
}

/** A block's names, split on first use and checked against its values. */
function wordsOf(b: DecodedBlock): string[] {
  if (!b.words) {
    const words = b.text.split(' ');
    if (words.length !== b.values.length)
      throw new Error(`generic table block ${b.family}/${b.source} is corrupt`);
    b.words = words;
  }
  return b.words;
}

function entryOf(b: DecodedBlock, i: number): NamedCode {
  let n = b.made[i];
  if (!n) {
    n = { name: wordsOf(b)[i]!, value: b.values[i]!, family: b.family, source: b.source };
    b.made[i] = n;
  }
  return n;
}

/** The first of the positions 0 to count - 1, whose values ascend, at which the value is at least `value`. */
export function lowerBound(count: number, valueAt: (i: number) => number, value: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (valueAt(mid) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A lookup by value as codeNames answers it, over a headers' table that `each` searches: the
 * guide's codes of the value first, then each headers' code `each` gives to `add` (its name, and
 * how to make its entry), less those whose name the guide or an earlier one already gave. Each
 * answer is kept.
 */
export function lookupByValue(
  guideTable: CodeNames,
  each: (value: number, add: (name: string, make: () => NamedCode) => void) => void,
): (value: number) => readonly NamedCode[] {
  const found = new Map<number, readonly NamedCode[]>();
  return (v) => {
    const value = v >>> 0;
    const known = found.get(value);
    if (known) return known;
    const guideNamed = guideTable.byValue(value);
    let list: NamedCode[] | undefined;
    each(value, (name, make) => {
      if (guideNamed.some((g) => g.name === name) || list?.some((g) => g.name === name)) return;
      list ??= [...guideNamed];
      list.push(make());
    });
    const answer = list ?? guideNamed;
    found.set(value, answer);
    return answer;
  };
}

/**
 * The table of the guide's names and the packed headers' table, answering as
 * `codeNames(decodeGenericBlocks(blocks))` does, without building it at once: a start-up that
 * names no code pays nothing, and a lookup by value decodes the blocks' values (not their entries)
 * and searches each block for the value. Every name and the index by name are made on first use.
 */
export function packedCodeNames(blocks: readonly Block[]): CodeNames {
  const guideTable = guideNames();
  let decoded: DecodedBlock[] | undefined;
  const decode = () => {
    decoded ??= blocks.map(decodeBlock);
    return decoded;
  };
  let full: CodeNames | undefined;
  // The table as codeNames builds it, made of the same entries as the lookups by value.
  const whole = () => {
    full ??= codeNames(decode().flatMap((b) => wordsOf(b).map((_, i) => entryOf(b, i))));
    return full;
  };
  const byValue = lookupByValue(guideTable, (value, add) => {
    for (const b of decode()) {
      const at = (i: number) => b.values[i]!;
      for (let i = lowerBound(b.values.length, at, value); i < b.values.length && at(i) === value; i++)
        add(wordsOf(b)[i]!, () => entryOf(b, i));
    }
  });
  return {
    generic: blocks.length > 0,
    byValue,
    byName: (name) => whole().byName(name),
    all: () => whole().all(),
  };
}

let loading: Promise<CodeNames> | undefined;

/**
 * The guide's names and the Windows headers' (the chunk is imported once; later calls share it).
 * The headers' table is decoded only when a code is looked up in it (see packedCodeNames).
 */
export function loadCodeNames(): Promise<CodeNames> {
  loading ??= import('./generic-codes.js').then((m) => m.genericNames());
  return loading;
}

/** Every known name of a value in a table, best first (the guide's, then the headers'). */
export function namesForValue(
  value: number,
  names: CodeNames = guideNames(),
): { name: string; family: Family }[] {
  return names.byValue(value).map((n) => ({ name: n.name, family: n.family }));
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
export function searchNames(word: string, names: CodeNames = guideNames()): NameSearch {
  const w = word.toUpperCase();
  const codes = names
    .all()
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
