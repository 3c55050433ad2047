// Template definitions shared across the chunks of a file (src/evtx/binxml.ts TemplateCache): a
// chunk takes an earlier chunk's parse of a definition only when it parses exactly the same, so
// reading with the cache must give the same records, JSON lines and warnings as reading without it,
// on the samples, the fixtures, damaged copies, and a chunk whose definitions and names were
// changed one byte at a time after a copy of it had filled the cache.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventRecord, ReadWarning } from '../src/events/types.js';
import { TemplateCache } from '../src/evtx/binxml.js';
import { sharedTemplates } from '../src/evtx/chunk.js';
import { bytesSource, readEvtx, readEvtxJson } from '../src/evtx/index.js';
import { damagedCopy, EVTX_FILES, mulberry32 } from './evtx-helpers.js';

interface Read {
  records: EventRecord[];
  lines: string[];
  warnings: ReadWarning[];
}

function read(bytes: Uint8Array, shared: boolean): Read {
  sharedTemplates.enabled = shared;
  const warnings: ReadWarning[] = [];
  const onWarning = (w: ReadWarning) => warnings.push(w);
  const records = [...readEvtx(bytesSource(bytes), { source: 'x', onWarning })];
  const lines = [...readEvtxJson(bytesSource(bytes), { source: 'x', onWarning })];
  return { records, lines, warnings };
}

/** How many definitions the cache gives while `f` runs. */
function hits(f: () => void): number {
  let n = 0;
  const find = TemplateCache.prototype.find;
  const spy = vi.spyOn(TemplateCache.prototype, 'find').mockImplementation(function (
    this: TemplateCache,
    ...args
  ) {
    const found = find.apply(this, args);
    if (found !== undefined) n++;
    return found;
  });
  try {
    f();
  } finally {
    spy.mockRestore();
  }
  return n;
}

afterEach(() => {
  sharedTemplates.enabled = true;
  vi.restoreAllMocks();
});

describe('templates shared across chunks', () => {
  it.each(EVTX_FILES)('read %s exactly as each chunk parsing its own does', (file) => {
    const bytes = readFileSync(file);
    expect(read(bytes, true)).toEqual(read(bytes, false));
  });

  it('are really reused on a log of many chunks', () => {
    const bytes = readFileSync('../shared/samples/evtx/security.evtx');
    const chunks = Math.floor((bytes.length - 4096) / 65536);
    expect(chunks).toBeGreaterThan(10);
    // Every chunk but the first stores the common templates again.
    expect(hits(() => read(bytes, true))).toBeGreaterThan(2 * (chunks - 1));
    expect(hits(() => read(bytes, false))).toBe(0);
  });

  it('keep no more plans than their budget, and read the same past it', () => {
    const bytes = readFileSync('../shared/samples/evtx/security.evtx');
    const caches = new Set<TemplateCache>();
    const find = TemplateCache.prototype.find;
    vi.spyOn(TemplateCache.prototype, 'find').mockImplementation(function (this: TemplateCache, ...args) {
      // A budget of 40 steps: the first plans are shared, the others kept per chunk.
      if (!caches.has(this)) this.steps = 40;
      caches.add(this);
      return find.apply(this, args);
    });
    const small = read(bytes, true);
    vi.restoreAllMocks();
    expect(caches.size).toBe(2); // one a read, readEvtx's and readEvtxJson's
    for (const cache of caches) {
      expect(cache.steps).toBeGreaterThanOrEqual(0);
      expect(cache.steps).toBeLessThan(40);
      expect(cache.hits).toBeGreaterThan(0);
    }
    expect(small).toEqual(read(bytes, false));
  });

  it('agree with per-chunk parsing on 150 damaged copies', () => {
    const next = mulberry32(20261202);
    for (let i = 0; i < 150; i++) {
      // Mostly where the definitions and names are: the first records of a chunk.
      const b = damagedCopy(next, 6000);
      expect(read(b, true)).toEqual(read(b, false));
    }
  }, 120_000);

  it('are taken only when they parse the same: a copy of a chunk changed one byte at a time', () => {
    const src = readFileSync('../shared/samples/evtx/security.evtx');
    // The file header, a chunk, then the same chunk again, whose first 2400 record bytes (every third) (where its
    // definitions and the names they refer to are stored) are changed one at a time.
    const base = new Uint8Array(4096 + 2 * 65536);
    base.set(src.subarray(0, 4096 + 65536));
    base.set(src.subarray(4096, 4096 + 65536), 4096 + 65536);
    const start = 4096 + 65536 + 512;
    let reused = 0;
    let changed = 0;
    const reference = read(base, false).lines;
    for (let at = start; at < start + 2400; at += 3) {
      const b = base.slice();
      b[at] = b[at]! ^ (at & 1 ? 0x01 : 0x20);
      let withCache: Read | undefined;
      reused += hits(() => {
        withCache = read(b, true);
      });
      const without = read(b, false);
      expect(withCache, `byte ${at - start}`).toEqual(without);
      if (without.lines.join('\n') !== reference.join('\n')) changed++;
    }
    // The changes do change what is read, and the cache is still used around them.
    expect(changed).toBeGreaterThan(100);
    expect(reused).toBeGreaterThan(700);
  }, 120_000);
});
