// No fix repeats another in the text and Markdown reports: a finding whose fix repeats part of an
// earlier one's prints only the steps it adds, after pointing back to the earlier finding.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analyze.js';
import { diagnose } from '../src/diagnose.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { StepLedger } from '../src/report/steps.js';
import { renderText } from '../src/report/text.js';
import type { Diagnosis } from '../src/types.js';

const real = diagnose(
  analyze([
    {
      name: 'status.txt',
      bytes: readFileSync('../shared/samples/dsregcmd/011-doc-join-fail-0x801c03f2-directoryerror-sync.txt'),
    },
  ]).devices[0]!.evidence,
);

describe('a fix that repeats part of another', () => {
  const f = real.findings[0]!;
  const shared = f.fix![0]!;
  const own = 'Then restart the computer and sign in once more.';
  const partly: Diagnosis = {
    ...real,
    findings: [f, { ...f, id: 'partly', title: 'A second finding', fix: [shared, own] }],
  };

  it('text: the shared step once, the second finding points back and adds its own', () => {
    const text = renderText(partly);
    expect(text.split(shared.slice(0, 40)).length - 1).toBe(1);
    expect(text.replace(/\s+/g, ' ')).toContain(`Fix as for "${f.title}" above, and: - ${own}`);
  });

  it('Markdown: the same', () => {
    const md = renderMarkdown(partly);
    expect(md.split(shared.slice(0, 40)).length - 1).toBe(1);
    expect(md).toContain(`**Fix.** As for “${f.title}” above, and:\n\n1. ${own}`);
  });

  it('the ledger: only new steps, the earliest finding that gave a repeated one, next steps not counted', () => {
    const ledger = new StepLedger();
    expect(ledger.takeNew(['a', 'b'], 'A')).toEqual({ steps: ['a', 'b'] });
    expect(ledger.fresh(['c'])).toEqual(['c']);
    expect(ledger.takeNew(['c', 'b', 'd', 'd'], 'B')).toEqual({ steps: ['d'], sameAs: 'A' });
    expect(ledger.takeNew(['A ', 'b'], 'C')).toEqual({ steps: [], sameAs: 'A' });
  });
});
