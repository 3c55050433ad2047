// The Windows headers' code names packed as bytes, for the bin: a lookup by value searches the
// table where it lies, without parsing or decoding it first.
//
// The generated module (src/kb/generated/generic-codes.ts) holds the table as text, values as
// base-36 deltas: to find one value, every block's values must be decoded, and in the bin the
// text must first be parsed as JSON; together about a tenth of a bare Node start-up. The build
// writes the same table with encodeCodeTable (dist/cli/generic-codes.bin) and the bin's bundles
// read it with tableCodeNames, which answers exactly as packedCodeNames does on the blocks
// (test/code-table.test.ts compares the two on every value and name).
//
// Layout, little-endian: u32 H, then H bytes of JSON (ASCII, padded with spaces to a multiple of
// 4) `{"blocks": [[family, source, count] ...], "count": N, "text": T}`; then N u32 values in the
// blocks' order (each block ascending); N u16 positions of the entries sorted by value (ties in
// the blocks' order), padded to a multiple of 4 bytes; N u32 ends of the names in a text of T
// bytes (ASCII) that follows, the names one after another.
import { type CodeNames, codeNames, guideNames, lookupByValue, lowerBound, type NamedCode } from './names.js';
import type { Family } from './types.js';

type Block = readonly [string, string, string, string];

interface Header {
  blocks: [string, string, number][];
  count: number;
  text: number;
}

const corrupt = (why: string) =>
  new Error(`the table of the Windows headers' code names is corrupt (${why})`);

/** The blocks of the generated module as the bytes tableCodeNames reads. */
export function encodeCodeTable(blocks: readonly Block[]): Uint8Array {
  const values: number[] = [];
  const names: string[] = [];
  const header: Header = { blocks: [], count: 0, text: 0 };
  for (const [family, source, deltas, words] of blocks) {
    const d = deltas.split(',');
    const w = words.split(' ');
    if (d.length !== w.length) throw corrupt(`block ${family}/${source}`);
    let value = 0;
    for (let i = 0; i < d.length; i++) {
      value += Number.parseInt(d[i]!, 36);
      values.push(value);
      names.push(w[i]!);
    }
    header.blocks.push([family, source, d.length]);
  }
  const n = values.length;
  if (n > 0xffff) throw corrupt('more than 65,535 names');
  const text = names.join('');
  if (!/^[\x20-\x7e]*$/.test(text)) throw corrupt('a name that is not ASCII');
  header.count = n;
  header.text = text.length;
  let json = JSON.stringify(header);
  json += ' '.repeat((4 - (json.length % 4)) % 4);
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
  const orderBytes = 2 * n + ((2 * n) % 4);
  const bytes = new Uint8Array(4 + json.length + 4 * n + orderBytes + 4 * n + text.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, json.length, true);
  let at = 4;
  for (let i = 0; i < json.length; i++) bytes[at++] = json.charCodeAt(i);
  for (const v of values) {
    view.setUint32(at, v, true);
    at += 4;
  }
  for (const i of order) {
    view.setUint16(at, i, true);
    at += 2;
  }
  at += (2 * n) % 4;
  let end = 0;
  for (const name of names) {
    end += name.length;
    view.setUint32(at, end, true);
    at += 4;
  }
  for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
  return bytes;
}

/**
 * The table of the guide's names and of the packed headers' table in `bytes` (encodeCodeTable),
 * answering as packedCodeNames does on the same blocks. A lookup by value reads a few of the
 * table's numbers; every name and the index by name are made on first use. Throws when the bytes
 * are no such table.
 */
export function tableCodeNames(bytes: Uint8Array): CodeNames {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { header, n, valuesAt, orderAt, endsAt, textAt, starts } = layoutOf(bytes, view);
  const value = (i: number) => view.getUint32(valuesAt + 4 * i, true);
  const sorted = (p: number) => view.getUint16(orderAt + 2 * p, true);
  const made: (NamedCode | undefined)[] = [];
  // The names' text, decoded whole the first time a name is asked for (one native decode: ASCII).
  let names: string | undefined;
  const entry = (i: number): NamedCode => {
    let e = made[i];
    if (!e) {
      let b = header.blocks.length - 1;
      while (starts[b]! > i) b--;
      const from = i === 0 ? 0 : view.getUint32(endsAt + 4 * (i - 1), true);
      const to = view.getUint32(endsAt + 4 * i, true);
      const [family, source] = header.blocks[b]!;
      names ??= latin1(bytes, textAt, bytes.length);
      e = {
        name: names.slice(from, to),
        value: value(i),
        family: family as Family,
        source,
      };
      made[i] = e;
    }
    return e;
  };
  const guideTable = guideNames();
  let full: CodeNames | undefined;
  const whole = () => {
    full ??= codeNames(Array.from({ length: n }, (_, i) => entry(i)));
    return full;
  };
  const byValue = lookupByValue(guideTable, (wanted, add) => {
    const at = (p: number) => value(sorted(p));
    for (let p = lowerBound(n, at, wanted); p < n && at(p) === wanted; p++) {
      const e = entry(sorted(p));
      add(e.name, () => e);
    }
  });
  // The names upper-cased, one after another as in the table: a name is found by searching it.
  let upper: string | undefined;
  const end = (i: number) => view.getUint32(endsAt + 4 * i, true);
  /** The entry whose name starts at this offset of the names' text and is this long, if one does. */
  const nameAt = (offset: number, length: number): number | undefined => {
    const lo = lowerBound(n, end, offset + 1);
    const from = lo === 0 ? 0 : end(lo - 1);
    return lo < n && from === offset && end(lo) === offset + length ? lo : undefined;
  };
  // As codeNames answers: the guide's codes of that name, then the headers' in their order, less
  // those whose value already has that exact name.
  const byName = (name: string): readonly NamedCode[] => {
    if (full) return full.byName(name);
    const wanted = name.toUpperCase();
    if (wanted.length === 0 || !/^[\x20-\x7e]+$/.test(wanted)) return whole().byName(name);
    names ??= latin1(bytes, textAt, bytes.length);
    upper ??= names.toUpperCase();
    const list: NamedCode[] = [...guideTable.byName(name)];
    for (let at = upper.indexOf(wanted); at >= 0; at = upper.indexOf(wanted, at + 1)) {
      const i = nameAt(at, wanted.length);
      if (i === undefined) continue;
      const e = entry(i);
      if (!list.some((g) => g.value === e.value && g.name === e.name)) list.push(e);
    }
    return list;
  };
  return {
    generic: header.blocks.length > 0,
    byValue,
    byName,
    all: () => whole().all(),
  };
}

/** The table's header and where its parts start; throws when the bytes are no such table. */
function layoutOf(bytes: Uint8Array, view: DataView) {
  if (bytes.length < 4) throw corrupt('too short');
  const h = view.getUint32(0, true);
  if (h > bytes.length - 4) throw corrupt('too short');
  let header: Header;
  try {
    header = JSON.parse(ascii(bytes, 4, 4 + h)) as Header;
  } catch {
    throw corrupt('no header');
  }
  const n = header.count;
  const valuesAt = 4 + h;
  const orderAt = valuesAt + 4 * n;
  const endsAt = orderAt + 2 * n + ((2 * n) % 4);
  const textAt = endsAt + 4 * n;
  if (
    !Array.isArray(header.blocks) ||
    header.blocks.reduce((sum, b) => sum + b[2], 0) !== n ||
    textAt + header.text !== bytes.length
  )
    throw corrupt('sizes');
  // Where each block starts, in the blocks' order.
  const starts: number[] = [];
  let start = 0;
  for (const b of header.blocks) {
    starts.push(start);
    start += b[2];
  }
  return { header, n, valuesAt, orderAt, endsAt, textAt, starts };
}

/** A short ASCII text (the header): a loop costs less than making a decoder. */
function ascii(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

function latin1(bytes: Uint8Array, from: number, to: number): string {
  return new TextDecoder('latin1').decode(bytes.subarray(from, to));
}
