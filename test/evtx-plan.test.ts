// The compiled-template fast path (src/evtx/plan.ts) against the generic expansion it stands in
// for: every public sample, our fixtures, and damaged copies of them (bytes changed in the record
// area, deterministic) must give the same records and the same warnings either way, and the fast
// path must really carry the common records.
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventRecord, ReadWarning } from '../src/events/types.js';
import { fastPath } from '../src/evtx/chunk.js';
import { bytesSource, readEvtx } from '../src/evtx/index.js';
import { PlanReader } from '../src/evtx/plan.js';

const DIRS = ['../shared/samples/evtx', 'test/fixtures/evtx'];
const FILES = DIRS.flatMap((d) =>
  readdirSync(d)
    .filter((f) => f.endsWith('.evtx'))
    .map((f) => `${d}/${f}`),
);

function read(bytes: Uint8Array, fast: boolean): { records: EventRecord[]; warnings: ReadWarning[] } {
  fastPath.enabled = fast;
  const warnings: ReadWarning[] = [];
  const records = [...readEvtx(bytesSource(bytes), { source: 'x', onWarning: (w) => warnings.push(w) })];
  return { records, warnings };
}

/** mulberry32: a deterministic stream of numbers in [0, 1). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

afterEach(() => {
  fastPath.enabled = true;
  vi.restoreAllMocks();
});

describe('compiled templates', () => {
  it.each(FILES)('read %s exactly as the generic expansion does', (file) => {
    const bytes = readFileSync(file);
    expect(read(bytes, true)).toEqual(read(bytes, false));
  });

  it('agree with the generic expansion on 150 damaged copies', () => {
    const next = rng(20261201);
    let warned = 0;
    for (let i = 0; i < 150; i++) {
      const b = new Uint8Array(readFileSync(FILES[Math.floor(next() * FILES.length)]!));
      const chunks = Math.max(1, Math.floor((b.length - 4096) / 65536));
      for (let k = 1 + Math.floor(next() * 12); k > 0; k--) {
        const at = 4096 + 65536 * Math.floor(next() * chunks) + 512 + Math.floor(next() * 65000);
        if (at < b.length)
          b[at] = next() < 0.5 ? Math.floor(next() * 256) : b[at]! ^ (1 << Math.floor(next() * 8));
      }
      const fast = read(b, true);
      expect(fast).toEqual(read(b, false));
      if (fast.warnings.length > 0) warned++;
    }
    // The damage did reach the readers (records lost or values too small are reported).
    expect(warned).toBeGreaterThan(20);
  });

  it('carry the records of security.evtx and system.evtx', () => {
    const spy = vi.spyOn(PlanReader.prototype, 'read');
    let records = 0;
    for (const name of ['security.evtx', 'system.evtx']) {
      records += read(readFileSync(`../shared/samples/evtx/${name}`), true).records.length;
    }
    const fast = spy.mock.results.filter((r) => r.type === 'return' && r.value !== null).length;
    expect(records).toBe(2261 + 1881);
    // system.evtx's array values (they repeat elements) take the generic path.
    expect(fast).toBeGreaterThan(0.9 * records);
  });
});
