// The inputs of the .evtx fuzzer (scripts/fuzz-evtx.mjs): the public samples mutated (bit flips,
// interesting bytes and 32-bit values at record and chunk fields, truncation, chunks spliced from
// other files, copied ranges). Every input is a pure function of (corpus, seed, iteration), so
// scripts/evtx-same.mjs reads the same damaged copies before and after a change.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { rng } from './fuzz-common.mjs';

const CHUNK = 65536;
const HEADER = 4096;

export function loadCorpus(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.evtx'))
    .sort()
    .map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(path.join(dir, f))) }));
}

/** Offsets of the chunks with a signature in a file. */
function chunksOf(bytes) {
  const out = [];
  for (let o = HEADER; o + CHUNK <= bytes.length; o += CHUNK)
    if (bytes[o] === 0x45 && bytes[o + 3] === 0x43) out.push(o);
  return out;
}

const INTERESTING8 = [
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x0d, 0x0e, 0x0f, 0x21, 0x41, 0x45, 0x7f, 0x80, 0x81, 0xff,
];
const INTERESTING32 = [
  0, 1, 2, 4, 8, 24, 28, 511, 512, 513, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff,
];

/** The input for one iteration: a pure function of the corpus, the seed and the iteration. */
export function makeInput(corpus, seed, iteration) {
  const r = rng((seed ^ Math.imul(iteration, 0x9e3779b1)) >>> 0);
  const int = (n) => Math.floor(r() * n);
  const pick = (a) => a[int(a.length)];
  const base = pick(corpus).bytes;
  const chunks = chunksOf(base);
  // Keep inputs small: the file header and one to three chunks (some from other files).
  const count = 1 + int(3);
  const buf = new Uint8Array(HEADER + count * CHUNK);
  buf.set(base.subarray(0, HEADER));
  for (let i = 0; i < count; i++) {
    const donor = r() < 0.2 ? pick(corpus).bytes : base;
    const offs = donor === base ? chunks : chunksOf(donor);
    if (offs.length > 0) {
      const o = pick(offs);
      buf.set(donor.subarray(o, o + CHUNK), HEADER + i * CHUNK);
    }
  }
  let bytes = buf;
  const mutations = 1 + int(4);
  for (let m = 0; m < mutations; m++) {
    const kind = int(7);
    // Aim most mutations at the record area of some chunk, where the parser does its work.
    const at = () => (r() < 0.8 ? HEADER + int(count) * CHUNK + int(CHUNK) : int(bytes.length));
    if (kind === 0) {
      for (let k = 1 + int(16); k > 0; k--) {
        const p = at();
        if (p < bytes.length) bytes[p] ^= 1 << int(8);
      }
    } else if (kind === 1) {
      for (let k = 1 + int(8); k > 0; k--) {
        const p = at();
        if (p < bytes.length) bytes[p] = pick(INTERESTING8);
      }
    } else if (kind === 2) {
      const p = at();
      const v = r() < 0.7 ? pick(INTERESTING32) : Math.floor(r() * 2 ** 32);
      if (p + 4 <= bytes.length) new DataView(bytes.buffer).setUint32(p, v, true);
    } else if (kind === 3) {
      bytes = bytes.subarray(0, int(bytes.length + 1));
    } else if (kind === 4) {
      // Splice a range of another file over this one.
      const donor = pick(corpus).bytes;
      const len = 1 + int(4096);
      const from = int(Math.max(1, donor.length - len));
      const to = Math.min(at(), bytes.length);
      const n = Math.min(len, bytes.length - to, donor.length - from);
      if (n > 0) bytes.set(donor.subarray(from, from + n), to);
    } else if (kind === 5) {
      // Copy a range inside the file (duplicate records, templates, names).
      const len = 1 + int(2048);
      const from = at();
      const to = at();
      if (from + len <= bytes.length && to + len <= bytes.length) bytes.copyWithin(to, from, from + len);
    } else {
      // Zero a range (half-written records, wiped chunk headers).
      const from = at();
      bytes.fill(0, from, Math.min(bytes.length, from + 1 + int(600)));
    }
  }
  return bytes;
}
