// The same failure told by two rules (a capture's and an event log's) is one finding that cites
// each evidence line once. The merge looks lines up by key, so a log of many attempts costs linear
// time: doubling the attempts doubles the evidence and nothing is cited twice.
import { describe, expect, it } from 'vitest';
import { diagnose } from '../src/diagnose.js';
import type { EventRecord } from '../src/events/types.js';
import { defineRule } from '../src/rules/rule.js';
import { cite } from '../src/story/attempts.js';

const AAD = 'Microsoft-Windows-AAD';

/** A log of `n` failed PRT attempts: 1006 (start), 1081 (server error), 1007 (end, failed). */
function attempts(n: number): EventRecord[] {
  const out: EventRecord[] = [];
  for (let i = 0; i < n; i++) {
    const t = (s: number) => new Date(Date.UTC(2026, 10, 1) + i * 3_600_000 + s * 1000).toISOString();
    const rec = (eventId: number, s: number, data: Record<string, string>): EventRecord => ({
      source: 'aad.xml',
      recordId: out.length + 1,
      time: t(s),
      provider: AAD,
      eventId,
      level: eventId === 1006 ? 4 : 2,
      data,
    });
    out.push(rec(1006, 0, {}));
    out.push(rec(1081, 1, { 'Error code': '0xc000006a', 'Server error': 'invalid_grant' }));
    out.push(rec(1007, 2, { Status: '0xc000006a' }));
  }
  return out;
}

const FINDINGS = { 'prt-failed-again': { severity: 'error', title: 'PRT requests keep failing' } } as const;

// Two rules that report the same finding (same id, same codes): one cites the server's answer of
// every attempt, the other the answer and the end of every attempt.
const answers = defineRule({
  id: 'test-answers',
  description: 'test',
  step: 'test',
  phase: 'post-join',
  docs: [],
  findings: FINDINGS,
  check({ facts }, report) {
    const evidence = facts.prtAttempts.flatMap((a) =>
      a.records.filter((r) => r.eventId === 1081).map((r) => cite(r)),
    );
    if (evidence.length > 0) report('prt-failed-again', { evidence });
  },
});
const answersAndEnds = defineRule({
  id: 'test-answers-and-ends',
  description: 'test',
  step: 'test',
  phase: 'post-join',
  docs: [],
  findings: FINDINGS,
  check({ facts }, report) {
    const evidence = facts.prtAttempts.flatMap((a) =>
      a.records.filter((r) => r.eventId === 1081 || r.eventId === 1007).map((r) => cite(r)),
    );
    if (evidence.length > 0) report('prt-failed-again', { evidence });
  },
});

function merged(n: number) {
  const d = diagnose({ captures: [], events: attempts(n) }, [answers, answersAndEnds]);
  expect(d.findings.map((f) => f.id)).toEqual(['prt-failed-again']);
  return d.findings[0]!.evidence;
}

describe('merging the same finding from two rules', () => {
  it('cites each line once: the first rule’s lines, then what the second adds, in its order', () => {
    const evidence = merged(3);
    expect(evidence.map((e) => e.recordId)).toEqual([2, 5, 8, 3, 6, 9]);
  });

  it('doubling the attempts doubles the evidence, with no line twice', () => {
    for (const n of [2_000, 4_000]) {
      const evidence = merged(n);
      expect(evidence).toHaveLength(2 * n);
      expect(new Set(evidence.map((e) => e.recordId)).size).toBe(2 * n);
    }
  });
});
