// The compiled-template fast path (src/evtx/plan.ts) against the generic expansion it stands in
// for: every public sample, our fixtures, and damaged copies of them (bytes changed in the record
// area, deterministic) must give the same records and the same warnings either way, and the fast
// path must really carry the common records.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventRecord, ReadWarning } from '../src/events/types.js';
import { fastPath } from '../src/evtx/chunk.js';
import { bytesSource, readEvtx, readEvtxJson } from '../src/evtx/index.js';
import { PlanReader } from '../src/evtx/plan.js';
import { damagedCopy, EVTX_FILES, mulberry32 } from './evtx-helpers.js';

function read(bytes: Uint8Array, fast: boolean): { records: EventRecord[]; warnings: ReadWarning[] } {
  fastPath.enabled = fast;
  const warnings: ReadWarning[] = [];
  const records = [...readEvtx(bytesSource(bytes), { source: 'x', onWarning: (w) => warnings.push(w) })];
  return { records, warnings };
}

afterEach(() => {
  fastPath.enabled = true;
  vi.restoreAllMocks();
});

describe('compiled templates', () => {
  it.each(EVTX_FILES)('read %s exactly as the generic expansion does', (file) => {
    const bytes = readFileSync(file);
    expect(read(bytes, true)).toEqual(read(bytes, false));
  });

  it('agree with the generic expansion on 150 damaged copies', () => {
    const next = mulberry32(20261201);
    let warned = 0;
    for (let i = 0; i < 150; i++) {
      const b = damagedCopy(next);
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
    // Every one, system.evtx's string arrays in unnamed <Data> elements too (393 of its records).
    expect(fast).toBe(records);
  });

  it('carry the array values that repeat a plain <Data> element, in the JSON stream too', () => {
    const spy = vi.spyOn(PlanReader.prototype, 'readJson');
    const names = ['system.evtx', 'Application_no_crc32.evtx', 'sample-with-zero-data-size-event.evtx'];
    let records = 0;
    for (const name of names)
      for (const line of readEvtxJson(bytesSource(readFileSync(`../shared/samples/evtx/${name}`)))) {
        expect(line).toBe(JSON.stringify(JSON.parse(line)));
        records++;
      }
    const fast = spy.mock.results.filter((r) => r.type === 'return' && r.value !== null).length;
    expect(records).toBe(1881 + 17 + 449);
    expect(fast).toBe(records);
  });
});
