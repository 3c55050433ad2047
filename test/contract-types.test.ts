// The contract types in src/contract are generated from ../shared/contract/*.schema.json and must
// be current; the enum arrays are the schemas' enums, in the schemas' order.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { JOIN_TYPES, PHASES, SEVERITIES, VERDICTS } from '../src/contract/diagnosis.js';
import type { Event } from '../src/contract/event.js';
import type { LookupResult as ContractLookupResult } from '../src/contract/lookup.js';
import { RECONCILE_STATES } from '../src/contract/reconcile.js';
import type { EventRecord } from '../src/events/types.js';
import type { LookupResult } from '../src/kb/lookup.js';

const schema = (name: string) => JSON.parse(readFileSync(`../shared/contract/${name}.schema.json`, 'utf8'));
const run = (...args: string[]) =>
  execFileSync(process.execPath, ['scripts/gen-contract-types.mjs', ...args], {
    encoding: 'utf8',
    stdio: 'pipe',
  });

describe('contract types', () => {
  it('src/contract is what the generator writes from the schemas (--check)', () => {
    expect(() => run('--check')).not.toThrow();
  });

  it('--check fails when a schema gains a field the committed types lack', () => {
    const dir = mkdtempSync(join(tmpdir(), 'contract-'));
    try {
      for (const f of ['diagnosis', 'event', 'lookup', 'reconcile']) {
        const s = schema(f);
        if (f === 'diagnosis') s.properties.newField = { type: 'string' };
        writeFileSync(join(dir, `${f}.schema.json`), JSON.stringify(s));
      }
      let code = 0;
      try {
        run('--check', '--contracts', dir);
      } catch (err) {
        code = (err as { status: number }).status;
      }
      expect(code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30000);

  it('the enum arrays are the schemas’ enums, phases in flow order and severities most severe first', () => {
    const d = schema('diagnosis');
    expect([...PHASES]).toEqual(['precheck', 'discover', 'auth', 'join', 'post-join']);
    expect([...PHASES, null]).toEqual(d.properties.phase.enum);
    expect([...SEVERITIES]).toEqual(['error', 'warning', 'info']);
    expect([...SEVERITIES]).toEqual(d.$defs.finding.properties.severity.enum);
    expect([...VERDICTS]).toEqual(d.properties.verdict.enum);
    expect([...JOIN_TYPES]).toEqual(d.properties.joinType.enum);
    expect([...RECONCILE_STATES]).toEqual(schema('reconcile').$defs.state.enum);
  });

  it('the event readers’ record is the contract’s Event; lookup’s result has the contract’s fields', () => {
    expectTypeOf<EventRecord>().toEqualTypeOf<Event>();
    expectTypeOf<LookupResult>().toExtend<ContractLookupResult>();
  });
});
