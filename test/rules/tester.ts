// The rule tester (ESLint's RuleTester is the model): a rule's `valid` and `invalid` cases as data.
// Each invalid case names the finding ids it must produce, no more and no fewer; every produced
// finding must be declared by the rule, carry its id as `rule`, and have the declared severity;
// every declared finding must be produced by some invalid case.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnose.js';
import { parseDsregcmd } from '../../src/dsregcmd/parse.js';
import { readEvents } from '../../src/events/read.js';
import type { EventRecord } from '../../src/events/types.js';
import type { DeviceEvidence } from '../../src/evidence.js';
import { RULES } from '../../src/rules/index.js';
import type { Diagnosis } from '../../src/types.js';

export interface Case {
  /** What the case shows (the test's name). */
  name: string;
  /** `dsregcmd /status` text, a whole capture or a fragment. */
  text?: string;
  /** Event records (see `event`). */
  events?: EventRecord[];
  /** The capture time, for the checks that judge dates. */
  now?: string;
}

export interface InvalidCase extends Case {
  /** The finding ids the rule must produce for this input. */
  findings: string[];
  /** More about the diagnosis (by all rules) that must hold. */
  expect?: (d: Diagnosis) => void;
}

export interface RuleCases {
  valid: Case[];
  invalid: InvalidCase[];
}

/** Capture fragments the cases build on. */
export const HYBRID = 'AzureAdJoined : YES\nDomainJoined : YES\nWorkplaceJoined : NO\n';
export const AADJ = 'AzureAdJoined : YES\nDomainJoined : NO\nWorkplaceJoined : NO\n';
export const DJ = 'AzureAdJoined : NO\nDomainJoined : YES\n';

/** A public sample of `../shared/samples/dsregcmd`, as published. */
export function sample(name: string): string {
  return readFileSync(`../shared/samples/dsregcmd/${name}`, 'utf8');
}

/** An example of `examples/dsregcmd`. */
export function example(name: string): string {
  return readFileSync(`examples/dsregcmd/${name}`, 'utf8');
}

/** The records of an event export in `test/fixtures/events`. */
export function fixtureEvents(name: string): EventRecord[] {
  return [...readEvents(new Uint8Array(readFileSync(`test/fixtures/events/${name}`)), { source: name })];
}

export const UDR = 'Microsoft-Windows-User Device Registration';
export const AAD = 'Microsoft-Windows-AAD';

let recordId = 100;
/** An event record as the readers make it. */
export function event(
  provider: string,
  eventId: number,
  time: string,
  data: Record<string, string> = {},
  message?: string,
): EventRecord {
  const r: EventRecord = { source: 'log.xml', recordId: recordId++, time, provider, eventId, level: 2, data };
  if (message !== undefined) r.message = message;
  return r;
}

function evidenceOf(c: Case): DeviceEvidence {
  const ev: DeviceEvidence = {
    captures: c.text !== undefined ? [parseDsregcmd(c.text, 't')] : [],
    events: c.events ?? [],
  };
  if (c.now !== undefined) ev.now = c.now;
  return ev;
}

export function testRule(ruleId: string, cases: RuleCases): void {
  describe(`rule ${ruleId}`, () => {
    const rule = RULES.find((r) => r.id === ruleId);

    it('is listed in src/rules/index.ts, with a kebab-case id and learn.microsoft.com docs', () => {
      expect(rule, ruleId).toBeDefined();
      expect(ruleId).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(rule!.docs.length).toBeGreaterThan(0);
      for (const d of rule!.docs) expect(d).toMatch(/^https:\/\/learn\.microsoft\.com\//);
      for (const id of Object.keys(rule!.findings)) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    });

    for (const c of cases.invalid) {
      it(`reports ${c.findings.join(', ')}: ${c.name}`, () => {
        const d = diagnose(evidenceOf(c), [rule!]);
        expect(unique(d.findings.map((f) => f.id)).sort()).toEqual(unique(c.findings).sort());
        for (const f of d.findings) {
          const meta = rule!.findings[f.id];
          expect(meta, `${f.id} is declared by ${ruleId}`).toBeDefined();
          expect(f.rule).toBe(ruleId);
          expect(f.severity).toBe(meta!.severity);
          expect(f.evidence.length, `${f.id} cites its evidence`).toBeGreaterThan(0);
          expect(f.docs?.length, `${f.id} links the docs`).toBeGreaterThan(0);
          expect(f.title.length).toBeGreaterThan(10);
        }
        // All the rules together still tell it (another rule's finding does not hide it).
        const all = diagnose(evidenceOf(c));
        for (const id of c.findings) expect(all.findings.map((f) => f.id)).toContain(id);
        c.expect?.(all);
      });
    }

    for (const c of cases.valid) {
      it(`stays quiet: ${c.name}`, () => {
        expect(diagnose(evidenceOf(c), [rule!]).findings).toEqual([]);
      });
    }

    it('has an invalid case for every finding it declares', () => {
      const exercised = new Set(cases.invalid.flatMap((c) => c.findings));
      expect(Object.keys(rule!.findings).filter((id) => !exercised.has(id))).toEqual([]);
    });
  });
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
