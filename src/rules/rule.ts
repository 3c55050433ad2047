// A rule: one check of the guide, with its metadata beside it (the ESLint way). A rule declares
// the findings it can emit (id, severity, title); its `check` reports them by id, and `report` only
// accepts the declared ids, so an undeclared finding does not compile (typescript-eslint's typed
// `messages` are the model). `check` is pure.
import type { DeviceEvidence, Reader } from '../evidence.js';
import type { Facts } from '../facts.js';
import type { CodeNames } from '../kb/names.js';
import type { CodeRef, Evidence, Finding, Phase, Severity } from '../types.js';

export interface RuleContext {
  ev: DeviceEvidence;
  r: Reader;
  facts: Facts;
  /** The code names to cite codes with (the guide's, and the Windows headers' once loaded). */
  names: CodeNames;
}

/** What a rule declares about one finding it can emit. */
export interface FindingMeta {
  severity: Severity;
  /** The title; a report may give a more precise one (with the code, the hours ...). */
  title: string;
}

/** What a check says about one finding; id, rule and severity come from the declaration. */
export interface FindingReport {
  /** Defaults to the declared title. */
  title?: string;
  /** Defaults to the rule's phase. */
  phase?: Phase | null;
  codes?: CodeRef[];
  serverErrorCode?: string | undefined;
  evidence: Evidence[];
  cause?: string;
  fix?: string[];
  docs?: string[];
}

/** Reports one finding, by one of the ids the rule declared. */
export type Report<Id extends string> = (id: Id, finding: FindingReport) => void;

export interface RuleDefinition<Id extends string> {
  /** Stable id, kebab case; the rule's file is `src/rules/<id>.ts`, its tests `test/rules/<id>.test.ts`. */
  id: string;
  /** What the rule checks, in a sentence (shown by `dsreg-doctor rules`). */
  description: string;
  /** The step of the guide it follows. */
  step: string;
  phase: Phase | null;
  /** The documentation the rule follows (learn.microsoft.com). */
  docs: readonly string[];
  /** Every finding the rule can emit, by id. */
  findings: { readonly [K in Id]: FindingMeta };
  check(ctx: RuleContext, report: Report<Id>): void;
}

/** A rule as the diagnosis runs it and `rules --format json` lists it. */
export interface Rule {
  readonly id: string;
  readonly description: string;
  readonly step: string;
  readonly phase: Phase | null;
  readonly docs: readonly string[];
  readonly findings: Readonly<Record<string, FindingMeta>>;
  /** The findings of this rule for this evidence, each carrying `rule`. */
  check(ctx: RuleContext): Finding[];
}

export function defineRule<Id extends string>(def: RuleDefinition<Id>): Rule {
  const findings: Readonly<Record<string, FindingMeta>> = def.findings;
  return {
    id: def.id,
    description: def.description,
    step: def.step,
    phase: def.phase,
    docs: def.docs,
    findings,
    check(ctx) {
      const out: Finding[] = [];
      def.check(ctx, (id, f) => {
        const meta = def.findings[id];
        const finding: Finding = {
          id,
          rule: def.id,
          severity: meta.severity,
          phase: f.phase === undefined ? def.phase : f.phase,
          title: f.title ?? meta.title,
          codes: f.codes ?? [],
          evidence: f.evidence,
        };
        if (f.cause !== undefined) finding.cause = f.cause;
        if (f.fix !== undefined) finding.fix = f.fix;
        if (f.docs !== undefined) finding.docs = f.docs;
        if (f.serverErrorCode !== undefined) finding.serverErrorCode = f.serverErrorCode;
        out.push(finding);
      });
      return out;
    },
  };
}
