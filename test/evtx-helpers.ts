// What the .evtx tests share: the logs they read, a repeatable random stream, and damaged copies
// of the logs made from it (so a failure can be replayed from its seed).
import { readdirSync, readFileSync } from 'node:fs';

/** Every public .evtx sample and every fixture of ours. */
export const EVTX_FILES: readonly string[] = ['../shared/samples/evtx', 'test/fixtures/evtx'].flatMap((d) =>
  readdirSync(d)
    .filter((f) => f.endsWith('.evtx'))
    .map((f) => `${d}/${f}`),
);

/** mulberry32: a deterministic stream of numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A copy of one of EVTX_FILES with 1 to 12 bytes changed (set at random or one bit flipped), each
 * in a chunk's record area within `span` bytes of its first record (65000: anywhere in it).
 */
export function damagedCopy(next: () => number, span = 65000): Uint8Array {
  const b = new Uint8Array(readFileSync(EVTX_FILES[Math.floor(next() * EVTX_FILES.length)]!));
  const chunks = Math.max(1, Math.floor((b.length - 4096) / 65536));
  for (let k = 1 + Math.floor(next() * 12); k > 0; k--) {
    const at = 4096 + 65536 * Math.floor(next() * chunks) + 512 + Math.floor(next() * span);
    if (at < b.length)
      b[at] = next() < 0.5 ? Math.floor(next() * 256) : b[at]! ^ (1 << Math.floor(next() * 8));
  }
  return b;
}
