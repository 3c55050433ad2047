// Node's CRC-32 (zlib's, in C) for the .evtx reader's checksums: about three times as fast as the
// reader's own in JavaScript (src/evtx/crc32.ts) once that is warm, and some ten times before (a
// process reading one log mostly runs it cold). The pure core keeps its own as the fallback.
// node:zlib is loaded on the first checksum, not with the CLI (loading it takes about 0.7 ms), and
// through process.getBuiltinModule (Node 20.16, 22.3 and later; zlib.crc32 came with 20.15 and
// 22.2): on an older Node the reader's own CRC-32 is used. The results are the same either way.
import { crc32 as jsCrc32 } from '../evtx/crc32.js';
import type { Crc32 } from '../evtx/index.js';

/** The reader's own CRC-32 in the signature of zlib.crc32. */
const fallback: Crc32 = (bytes, value = 0) => jsCrc32(bytes, 0, bytes.length, value);

/** zlib.crc32 when `zlib` (the module, if it could be loaded) has it, else undefined. */
export function zlibCrc32(zlib: { crc32?: unknown } | undefined): Crc32 | undefined {
  const fn = zlib?.crc32;
  return typeof fn === 'function' ? (fn as Crc32) : undefined;
}

/** A CRC-32 that takes zlib's from `load()` on its first call, or the reader's own when there is none. */
export function lazyCrc32(load: () => { crc32?: unknown } | undefined): Crc32 {
  let fn: Crc32 | undefined;
  return (bytes, value = 0) => {
    fn ??= zlibCrc32(load()) ?? fallback;
    return fn(bytes, value);
  };
}

/** What the CLI passes as the .evtx reader's `crc32`: this Node's zlib.crc32 where it has one. */
export const nodeCrc32: Crc32 = lazyCrc32(() => {
  const p = process as { getBuiltinModule?: (id: string) => { crc32?: unknown } | undefined };
  return typeof p.getBuiltinModule === 'function' ? p.getBuiltinModule('node:zlib') : undefined;
});
