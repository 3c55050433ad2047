// `lookup`: every known meaning of a code, given in any of the forms administrators meet it in,
// plus what its bits say. The JSON shape is ../shared/contract/lookup.schema.json.
import type { Phase } from '../types.js';
import { toHex, toSigned, toUnsigned } from './format.js';
import { type CodeNames, guideNames, type NamedCode, searchNames, serverErrorsByCode } from './names.js';
import {
  type CodeStructure,
  decodeStructure,
  explainStructure,
  isInternetError,
  type Wrapping,
} from './structure.js';
import type { Family, ServerErrorEntry } from './types.js';

export {
  type CodeNames,
  codeNames,
  guideNames,
  loadCodeNames,
  type NamedCode,
  namesForValue,
} from './names.js';

// ---- reading a query ----

export type ParsedQuery =
  | {
      kind: 'number';
      value: number;
      /** How it was written: 0x-hex, hex without 0x, decimal, negative (signed) decimal. */
      form: 'hex' | 'bare-hex' | 'decimal' | 'signed-decimal';
    }
  | { kind: 'compound'; parts: string[] }
  | { kind: 'aadsts'; code: string; number: number }
  | { kind: 'word'; word: string }
  | { kind: 'invalid'; reason: string };

const EXPECTED =
  'expected a hex code (0x801c03f2 or 801C03F2), a decimal one (-2145647630 or 2149319666), a name ' +
  '(DSREG_E_DIRECTORY_FAILURE, or a word to search), AADSTS50155, a server error (DirectoryError) or code/sub-code';

/** Reads one query. Never throws: a query it cannot read comes back as { kind: 'invalid', reason }. */
export function parseCodeQuery(query: string): ParsedQuery {
  // What people paste: "[0x801c0021/0x80072ee2]" from dsregcmd, "0x80070005L" from headers,
  // quotes, a trailing comma.
  const q = query
    .trim()
    .replace(/[.,;]+$/, '')
    .replace(/^["'`[(]+|["'`\])]+$/g, '')
    .replace(/[.,;]+$/, '')
    .trim();
  if (q === '') return { kind: 'invalid', reason: 'empty query; ' + EXPECTED };
  if (q.includes('/')) {
    const parts = q.split('/').map((p) => p.trim());
    if (parts.length < 2 || parts.some((p) => p === ''))
      return { kind: 'invalid', reason: `"${q}" is not code/sub-code; ${EXPECTED}` };
    for (const p of parts) {
      const parsed = parseCodeQuery(p);
      if (parsed.kind === 'invalid') return { kind: 'invalid', reason: `part "${p}": ${parsed.reason}` };
      if (parsed.kind === 'compound') return { kind: 'invalid', reason: `"${q}": nested compound` };
    }
    return { kind: 'compound', parts };
  }
  const aadsts = /^AADSTS(\d{1,9})(?::.*)?$/i.exec(q);
  if (aadsts) return { kind: 'aadsts', code: `AADSTS${Number(aadsts[1])}`, number: Number(aadsts[1]) };
  const hex = /^0x([0-9a-f]+)l?$/i.exec(q);
  if (hex) return readHex(hex[1]!, 'hex', q);
  if (/^[+-]?\d+$/.test(q)) {
    // Eight digits starting with 8 or 9 are an HRESULT written without 0x (80070005): as a
    // decimal number they would be 0x04c4b400-0x05f5e0ff, where no codes live.
    if (/^[89]\d{7}$/.test(q)) return readHex(q, 'bare-hex', q);
    const n = Number(q);
    if (n < -0x80000000 || n > 0xffffffff)
      return { kind: 'invalid', reason: `${q} is outside the 32-bit range (-2147483648 to 4294967295)` };
    return { kind: 'number', value: toUnsigned(n), form: n < 0 ? 'signed-decimal' : 'decimal' };
  }
  if (/^[0-9a-f]+l?$/i.test(q) && /[a-f]/i.test(q.replace(/l$/i, '')))
    return readHex(q.replace(/l$/i, ''), 'bare-hex', q);
  if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(q)) return { kind: 'word', word: q };
  return { kind: 'invalid', reason: `cannot read "${q}"; ${EXPECTED}` };
}

function readHex(digits: string, form: 'hex' | 'bare-hex', q: string): ParsedQuery {
  let d = digits.replace(/^0+(?=.)/, '');
  // 64-bit sign extension (0xffffffff80070005), as some tools print a negative HRESULT.
  if (d.length === 16 && /^ffffffff[89a-f]/i.test(d)) d = d.slice(8);
  if (d.length > 8) return { kind: 'invalid', reason: `${q} has more than 8 hex digits (32 bits)` };
  return { kind: 'number', value: Number.parseInt(d, 16) >>> 0, form };
}

// ---- the result ----

export interface LookupMatch {
  name: string;
  hex?: string;
  signed?: number;
  family: Family | string;
  phases?: Phase[];
  /** Server errors: a short title. */
  title?: string;
  meaning?: string;
  fix?: string[];
  docs?: string[];
  /** Where the name comes from: 'guide', a header (winerror.h ...), or 'server' for server errors. */
  source: string;
  /** Set when the name belongs to the code wrapped inside the value, not the value itself. */
  via?: Wrapping;
  /** Server errors: the server message this entry applies to (a regular expression), if any. */
  when?: string;
}

export interface LookupValue {
  hex: string;
  signed: number;
  unsigned: number;
  kind: CodeStructure['kind'];
  severity?: string;
  facility?: number;
  facilityName?: string;
  code: number;
  customer?: boolean;
  inner?: { hex: string; value: number; kind: 'win32' | 'ntstatus'; via: Wrapping };
  /** ADAL codes: the group, as 0xcaa8. */
  adalGroup?: string;
}

/** The same error written another way (a Win32 error as an HRESULT, or as ADAL reports it). */
export interface RelatedForm {
  hex: string;
  via: Wrapping;
  names: string[];
}

export interface LookupResult {
  query: string;
  value?: LookupValue;
  /** Known meanings, best first: the guide's, then the headers' names, then names of a wrapped code. */
  matches: LookupMatch[];
  /** What the value's structure says, in words. */
  notes: string[];
  related?: RelatedForm[];
  /** For code/sub-code: one result per part, in order. */
  parts?: LookupResult[];
  /** For a word that is no exact name: the search that was made. */
  search?: { word: string; total: number };
  /** Set when the query could not be read: the CLI prints it and exits 2. */
  error?: string;
}

/** Most names a search returns; `search.total` says how many there were. */
export const SEARCH_LIMIT = 100;

function fromNamed(n: NamedCode, via?: Wrapping): LookupMatch {
  n.hex ??= toHex(n.value);
  const m: LookupMatch = {
    name: n.name,
    hex: n.hex,
    signed: toSigned(n.value),
    family: n.family,
    source: n.source,
  };
  if (n.entry) {
    m.phases = n.entry.phases;
    m.meaning = n.entry.meaning;
    m.fix = n.entry.fix;
    m.docs = n.entry.docs;
  }
  if (via) m.via = via;
  return m;
}

function fromServer(e: ServerErrorEntry): LookupMatch {
  const m: LookupMatch = {
    name: e.code,
    family: e.family,
    phases: e.phases,
    title: e.title,
    meaning: e.meaning,
    fix: e.fix,
    docs: e.docs,
    source: 'server',
  };
  if (e.messagePattern) m.when = String(e.messagePattern);
  return m;
}

const WIN32_ORDER: Record<string, number> = { win32: 0, wininet: 1, winhttp: 2 };

/** The value's own names: the guide's first; for Win32-sized values, Win32/WinINet/WinHTTP before the rest. */
function ownNames(v: number, table: CodeNames): NamedCode[] {
  const names = [...table.byValue(v)];
  const rank = (n: NamedCode) =>
    (n.source === 'guide' ? 0 : 10) + (v <= 0xffff ? (WIN32_ORDER[n.family] ?? 5) : 0);
  return names.sort((a, b) => rank(a) - rank(b)); // stable: header order otherwise
}

function innerNames(inner: NonNullable<CodeStructure['inner']>, table: CodeNames): NamedCode[] {
  const ok = inner.kind === 'win32' ? ['win32', 'wininet', 'winhttp'] : ['ntstatus', 'cloudap'];
  return ownNames(inner.value, table).filter((n) => ok.includes(n.family));
}

function toValue(s: CodeStructure): LookupValue {
  return {
    hex: s.hex,
    signed: s.signed,
    unsigned: s.unsigned,
    kind: s.kind,
    severity: s.severity,
    facility: s.facility,
    facilityName: s.facilityName,
    code: s.code,
    customer: s.customer,
    inner: s.inner && {
      hex: toHex(s.inner.value),
      value: s.inner.value,
      kind: s.inner.kind,
      via: s.inner.via,
    },
    adalGroup: s.adalGroup === undefined ? undefined : `0x${s.adalGroup.toString(16)}`,
  };
}

function uniqueNames(list: NamedCode[]): string[] {
  return [...new Set(list.map((n) => n.name))];
}

const NO_NAME = 'No name is known for this value.';
const NOT_LOADED =
  "Only the guide's names were searched: pass the table of await loadCodeNames() for the Windows headers' names.";

/**
 * Everything known about one 32-bit value, with the names of `names` (the guide's only by
 * default); `family`, if given, decides how its bits are read.
 */
export function lookupValue(
  value: number,
  query: string = toHex(value),
  family?: Family,
  names: CodeNames = guideNames(),
): LookupResult {
  const v = toUnsigned(value);
  const own = ownNames(v, names);
  const s = decodeStructure(v, family ?? own[0]?.family);
  const matches = own.map((n) => fromNamed(n));
  let inner: NamedCode[] = [];
  if (s.inner) {
    inner = innerNames(s.inner, names);
    const seen = new Set(matches.map((m) => m.name));
    for (const n of inner) if (!seen.has(n.name)) matches.push(fromNamed(n, s.inner.via));
  }
  const result: LookupResult = {
    query,
    value: toValue(s),
    matches,
    notes: explainStructure(s, uniqueNames(inner)),
  };
  if (s.kind === 'win32' && v !== 0) {
    const related: RelatedForm[] = [];
    const hr = (0x80070000 | v) >>> 0;
    related.push({ hex: toHex(hr), via: 'HRESULT_FROM_WIN32', names: uniqueNames(ownNames(hr, names)) });
    if (isInternetError(v)) {
      const adal = (0xcaa80000 | v) >>> 0;
      related.push({ hex: toHex(adal), via: 'ADAL', names: uniqueNames(ownNames(adal, names)) });
    }
    result.related = related;
  }
  if (matches.length === 0) result.notes.push(NO_NAME);
  if (!names.generic) result.notes.push(NOT_LOADED);
  return result;
}

function searchResult(query: string, word: string, names: CodeNames): LookupResult {
  const found = searchNames(word, names);
  const total = found.codes.length + found.serverErrors.length;
  const matches = [
    ...found.serverErrors.map(fromServer),
    ...found.codes.slice(0, Math.max(0, SEARCH_LIMIT - found.serverErrors.length)).map((n) => {
      const m: LookupMatch = {
        name: n.name,
        hex: toHex(n.value),
        signed: toSigned(n.value),
        family: n.family,
        source: n.source,
      };
      return m;
    }),
  ];
  const notes =
    total === 0
      ? [`No known code name contains "${word}".`]
      : [`${total} known name${total === 1 ? '' : 's'} contain${total === 1 ? 's' : ''} "${word}".`];
  if (!names.generic) notes.push(NOT_LOADED);
  return { query, matches, notes, search: { word, total } };
}

/**
 * Looks up one query: a code in any form (hex with or without 0x, signed or unsigned decimal),
 * a symbolic name, code/sub-code, AADSTS with or without the prefix, a DRS server error, or a
 * word to search names for, in the table `names` (the guide's only by default; pass
 * `await loadCodeNames()` for the Windows headers' too). Never throws; a query it cannot read has
 * `error` set.
 */
export function lookup(query: string, names: CodeNames = guideNames()): LookupResult {
  const parsed = parseCodeQuery(query);
  switch (parsed.kind) {
    case 'invalid':
      return { query, matches: [], notes: [], error: parsed.reason };
    case 'compound': {
      const parts = parsed.parts.map((p) => lookup(p, names));
      return {
        query,
        matches: parts.flatMap((p) => p.matches),
        notes: [
          `A code and its sub-code: ${parsed.parts[0]} is the error, ${parsed.parts.slice(1).join(', then ')} the reason underneath it.`,
        ],
        parts,
      };
    }
    case 'aadsts': {
      const known = serverErrorsByCode(parsed.code);
      const notes = [
        `${parsed.code} is an error of the Microsoft Entra sign-in service (the number is decimal).`,
      ];
      if (known.length === 0)
        notes.push(
          `This tool knows only the AADSTS codes the guide covers; https://login.microsoftonline.com/error?code=${parsed.number} explains the others.`,
        );
      return { query, matches: known.map(fromServer), notes };
    }
    case 'number': {
      const result = lookupValue(parsed.value, query, undefined, names);
      if (parsed.form === 'bare-hex' && /^[89]\d{7}$/.test(query.trim()))
        result.notes.unshift(
          `Read as hexadecimal ${toHex(parsed.value)} (eight digits starting with 8 or 9).`,
        );
      if (parsed.form === 'decimal') {
        // A bare number may be an AADSTS code written without its prefix.
        const aadsts = serverErrorsByCode(`AADSTS${parsed.value}`);
        if (aadsts.length) {
          result.notes = result.notes.filter((n) => n !== NO_NAME);
          result.matches.unshift(...aadsts.map(fromServer));
          result.notes.push(`AADSTS${parsed.value} is an error of the Microsoft Entra sign-in service.`);
        }
      }
      return result;
    }
    case 'word': {
      const server = serverErrorsByCode(parsed.word);
      const named = names.byName(parsed.word);
      if (named.length > 0) {
        const first = named[0]!;
        // The family of the name asked for decides how to read the bits (S_FALSE is an HRESULT).
        const result = lookupValue(first.value, query, first.family, names);
        // The name asked for first, then the value's other names.
        const wanted = new Set(named.map((n) => `${n.name}\u0000${toHex(n.value)}`));
        const key = (m: LookupMatch) => `${m.name}\u0000${m.hex}`;
        const chosen = named.map(
          (n) => result.matches.find((m) => key(m) === `${n.name}\u0000${toHex(n.value)}`) ?? fromNamed(n),
        );
        result.matches = [...chosen, ...result.matches.filter((m) => !wanted.has(key(m)))];
        if (server.length) result.matches.unshift(...server.map(fromServer));
        return result;
      }
      if (server.length > 0) {
        const notes = [
          server[0]!.family === 'aadsts'
            ? `${server[0]!.code} is an error of the Microsoft Entra sign-in service.`
            : `${server[0]!.code} is an error the device registration service (DRS) returns; the server message tells the cases apart.`,
        ];
        return { query, matches: server.map(fromServer), notes };
      }
      return searchResult(query, parsed.word, names);
    }
  }
}
