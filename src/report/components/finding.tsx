// One finding as the page and the HTML report show it: severity, phase and rule (linked to the
// rule's documentation, from the rules' own metadata), the title, the codes, the cause, the fix (or
// a pointer to the finding that gave the same fix), the evidence and the documentation. In the page
// the title and the evidence bring the lines into view and the codes are looked up; the report shows
// each cited line among its neighbours instead (its own evidence view).
import type { ComponentChild } from 'preact';
import { RULES } from '../../rules/index.js';
import type { CodeRef, Evidence, Finding, Phase, Severity } from '../../types.js';
import { renderFindingText } from '../text.js';
import { usePage } from './context.js';
import { CopyButton } from './copy-button.js';
import { DocLink, DocsItem, RichText, StepItem, Text } from './rich-text.js';

export const SEVERITY_LABEL: Record<Severity, string> = { error: 'Error', warning: 'Warning', info: 'Note' };

export const PHASE_LABEL: Record<Phase, string> = {
  precheck: 'precheck phase',
  discover: 'discover phase',
  auth: 'authentication phase',
  join: 'join phase',
  'post-join': 'PRT (after the join)',
};

/** The documentation link of each rule, from the rules' metadata (what `rules --format json` prints). */
export const RULE_DOCS: ReadonlyMap<string, string> = new Map(
  RULES.filter((r) => r.docs.length > 0).map((r) => [r.id, r.docs[0]!]),
);

/** Evidence grouped by input, in the order the inputs first appear. */
export function bySource(evidence: readonly Evidence[]): [string, Evidence[]][] {
  const groups = new Map<string, Evidence[]>();
  for (const e of evidence) {
    const list = groups.get(e.source);
    if (list) list.push(e);
    else groups.set(e.source, [e]);
  }
  return [...groups];
}

function codeText(c: CodeRef): string {
  return c.signed !== undefined && c.signed < 0 ? `${c.hex} (${c.signed})` : c.hex;
}

/** The fix of a finding as a report gives it: its steps, or the earlier finding that gave them all. */
export interface FixShown {
  steps: readonly string[];
  sameAs?: string;
}

export interface FindingProps {
  finding: Finding;
  /** 0-based position among the findings. */
  index: number;
  fix: FixShown;
  /** The report's anchor for the finding (finding-1 ...). */
  anchor?: string;
  selected?: boolean;
  /** Evidence that can be shown in the input (the page: its source is there and it has a line). */
  canShow?: (e: Evidence) => boolean;
  onShow?: (evidence?: Evidence) => void;
  onLookup?: (query: string) => void;
  /** How the evidence of one input is drawn (default: one line per item). */
  evidenceView?: (source: string, items: Evidence[]) => ComponentChild;
}

export function FindingCard(props: FindingProps) {
  const { finding: f, index, fix, selected = false, onLookup } = props;
  const page = usePage();
  const canShow = props.canShow ?? (() => false);
  const titleId = page ? `finding-${index}-title` : undefined;
  const shown = props.onShow ? f.evidence.filter(canShow) : [];
  return (
    <section
      class={`finding finding-${f.severity}${selected ? ' finding-selected' : ''}`}
      id={props.anchor}
      aria-labelledby={titleId}
      data-rule={f.id}
      data-severity={f.severity}
    >
      <Meta finding={f} />
      <h3 id={titleId} class="finding-title">
        {shown.length > 0 && props.onShow ? (
          <button type="button" class="linklike" aria-pressed={selected} onClick={() => props.onShow?.()}>
            <Text text={f.title} />
          </button>
        ) : (
          <Text text={f.title} />
        )}
      </h3>
      {(f.codes.length > 0 || f.serverErrorCode) && <Codes finding={f} onLookup={onLookup} />}
      {f.cause && (
        <div class="cause">
          <h4>Cause</h4>
          <p>
            <RichText text={f.cause} />
          </p>
        </div>
      )}
      <Fix fix={fix} />
      {f.evidence.length > 0 && (
        <div class="evidence">
          <h4>Evidence</h4>
          {bySource(f.evidence).map(([source, items]) =>
            props.evidenceView ? (
              props.evidenceView(source, items)
            ) : (
              <EvidenceList
                key={source}
                source={source}
                items={items}
                canShow={canShow}
                onShow={props.onShow}
              />
            ),
          )}
        </div>
      )}
      {f.docs && f.docs.length > 0 && (
        <div class="documentation">
          <h4>Documentation</h4>
          <ul class="docs" aria-label="Documentation">
            {f.docs.map((u) => (
              <li key={u}>
                <DocsItem url={u} />
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

/** Severity, phase and rule: the rule's id links to the documentation its metadata names. */
function Meta({ finding: f }: { finding: Finding }) {
  const ruleDocs = f.rule ? RULE_DOCS.get(f.rule) : undefined;
  return (
    <p class="finding-meta">
      <span class={`badge badge-${f.severity}`}>{SEVERITY_LABEL[f.severity]}</span>
      {f.phase && <span class="phase-tag">{PHASE_LABEL[f.phase] ?? f.phase}</span>}
      <span class="rule-id">
        {f.rule && f.rule !== f.id && (
          <>
            {ruleDocs ? <DocLink url={ruleDocs}>{f.rule}</DocLink> : f.rule}
            {': '}
          </>
        )}
        {f.rule === f.id && ruleDocs ? <DocLink url={ruleDocs}>{f.id}</DocLink> : f.id}
      </span>
      <CopyButton text={renderFindingText(f)} label={`Copy the finding "${f.title}" as text`} />
    </p>
  );
}

/** The codes of a finding (in the page, a button looks each up) and the server's error code. */
function Codes({
  finding: f,
  onLookup,
}: {
  finding: Finding;
  onLookup: ((query: string) => void) | undefined;
}) {
  return (
    <ul class="codes" aria-label="Codes">
      {f.codes.map((c) => (
        <li key={c.hex} class="code" data-code={c.hex}>
          {onLookup ? (
            <button
              type="button"
              class="code-button"
              title="Look this code up"
              onClick={() => onLookup(c.hex)}
            >
              <code>{codeText(c)}</code>
            </button>
          ) : (
            <code>{codeText(c)}</code>
          )}
          {c.name && <span class="code-name">{c.name}</span>}
          <CopyButton text={c.hex} label={`Copy ${c.hex}`} />
        </li>
      ))}
      {f.serverErrorCode && (
        <li class="code" data-server={f.serverErrorCode}>
          <span class="code-name">server: </span>
          <code>
            <Text text={f.serverErrorCode} />
          </code>
        </li>
      )}
    </ul>
  );
}

/** The steps of the fix, or the earlier finding that gave the same ones. */
function Fix({ fix }: { fix: FixShown }) {
  if (fix.steps.length === 0 && fix.sameAs === undefined) return null;
  return (
    <div class="fix">
      <h4>Fix</h4>
      {fix.sameAs !== undefined && (
        <p>
          As for “<Text text={fix.sameAs} />” above.
        </p>
      )}
      {fix.steps.length > 0 && (
        <ol>
          {fix.steps.map((s) => (
            <StepItem key={s} step={s} />
          ))}
        </ol>
      )}
    </div>
  );
}

/** Where an evidence item is: "line 45", "#1234". */
function where(e: Evidence): string {
  return e.line !== undefined ? `line ${e.line}` : e.recordId !== undefined ? `#${e.recordId}` : '';
}

interface EvidenceListProps {
  source: string;
  items: Evidence[];
  canShow: (e: Evidence) => boolean;
  onShow: ((evidence?: Evidence) => void) | undefined;
}

/** The evidence of one input, a line per item; in the page, a button that shows the item. */
function EvidenceList({ source, items, canShow, onShow }: EvidenceListProps) {
  return (
    <div class="ev-group">
      <p class="ev-source">
        <Text text={source} />
      </p>
      <ul>
        {items.map((e, i) => {
          const text = e.text
            .split('\n')
            .map((t) => t.trim())
            .join(' ');
          const body = (
            <>
              <span class="ev-where">{where(e)}</span>
              <code class="ev-text">
                <Text text={text} />
              </code>
            </>
          );
          return (
            <li key={`${e.line ?? e.recordId ?? ''}:${i}`}>
              {onShow && canShow(e) ? (
                <button
                  type="button"
                  class="ev-button"
                  title={
                    e.line !== undefined ? 'Show this line in the input' : 'Show this record in the timeline'
                  }
                  onClick={() => onShow(e)}
                >
                  {body}
                </button>
              ) : (
                <span class="ev-static">{body}</span>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
