// The findings, most severe first (the core has ordered them), then the next steps. No fix is given
// twice: a finding whose steps were all given above points back to the first finding that gave them,
// and a next step already given as a fix is left out (the rule of every report, src/report/steps.ts).
import type { ComponentChild } from 'preact';
import type { Diagnosis, Evidence, Finding } from '../../types.js';
import { StepLedger } from '../steps.js';
import { usePage } from './context.js';
import { FindingCard, type FixShown } from './finding.js';
import { StepItem } from './rich-text.js';

/** The fix shown for each finding and the next steps left to give, in report order. */
export function fixesOf(d: Diagnosis): { fixes: FixShown[]; next: string[] } {
  const ledger = new StepLedger();
  const fixes = d.findings.map((f) => ledger.take(f.fix, f.title));
  return { fixes, next: ledger.fresh(d.nextSteps) };
}

export interface FindingsProps {
  diagnosis: Diagnosis;
  /** The page: the finding picked, which evidence it can show, and how. */
  selected?: number | null;
  canShow?: (e: Evidence) => boolean;
  onShow?: (index: number, evidence?: Evidence) => void;
  onLookup?: (query: string) => void;
  /** The report: anchors for its table of contents, and its own view of the evidence. */
  anchors?: boolean;
  evidenceView?: (finding: Finding, source: string, items: Evidence[]) => ComponentChild;
}

export function Findings(props: FindingsProps) {
  const { diagnosis: d, onShow, evidenceView } = props;
  const page = usePage();
  const { fixes, next } = fixesOf(d);
  return (
    <>
      <section class="findings" aria-labelledby={page ? 'findings-title' : undefined}>
        <h2 id={page ? 'findings-title' : undefined}>Findings</h2>
        {d.findings.length === 0 ? (
          <p class="muted">
            {d.verdict === 'healthy'
              ? 'No finding: every check of the guide passed on this input.'
              : 'No finding: the input says too little for any check.'}
          </p>
        ) : (
          <ol class="finding-list">
            {d.findings.map((f, i) => (
              <li key={`${f.id}-${i}`}>
                <FindingCard
                  finding={f}
                  index={i}
                  fix={fixes[i]!}
                  anchor={props.anchors ? `finding-${i + 1}` : undefined}
                  selected={props.selected === i}
                  canShow={props.canShow}
                  onShow={onShow ? (e) => onShow(i, e) : undefined}
                  onLookup={props.onLookup}
                  evidenceView={evidenceView ? (source, items) => evidenceView(f, source, items) : undefined}
                />
              </li>
            ))}
          </ol>
        )}
      </section>
      {next.length > 0 && (
        <section class="next-steps" aria-labelledby={page ? 'next-steps-title' : undefined}>
          <h2 id={page ? 'next-steps-title' : undefined}>Next steps</h2>
          <ul>
            {next.map((s) => (
              <StepItem key={s} step={s} />
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
