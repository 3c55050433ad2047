// The verdict at a glance and the findings, most severe first (the core has ordered them), each with
// its codes, cause, fix, evidence (a button per line that brings it into view) and documentation.

import { docsLabel, isDocsUrl } from '../../src/report/links.js';
import { JOIN_TYPE_TEXT, renderFindingText, verdictLine } from '../../src/report/text.js';
import type { CodeRef, Diagnosis, Evidence, Finding, Severity } from '../../src/types.js';
import { Flow, flowApplies } from './flow.js';
import { CopyButton, FixSteps, RichText } from './rich-text.js';

const SEVERITY_LABEL: Record<Severity, string> = { error: 'Error', warning: 'Warning', info: 'Note' };
const PHASE_LABEL: Record<string, string> = {
  precheck: 'precheck phase',
  discover: 'discover phase',
  auth: 'authentication phase',
  join: 'join phase',
  'post-join': 'PRT (after the join)',
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function counts(d: Diagnosis): string {
  const n = (s: Severity) => d.findings.filter((f) => f.severity === s).length;
  return [plural(n('error'), 'error'), plural(n('warning'), 'warning'), plural(n('info'), 'note')].join(', ');
}

function timeText(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}

export function Verdict({ diagnosis: d }: { diagnosis: Diagnosis }) {
  const dev = d.device;
  const device = [
    dev?.name,
    dev?.domainName && `domain ${dev.domainName}`,
    dev?.tenantName && `tenant ${dev.tenantName}`,
  ]
    .filter(Boolean)
    .join(', ');
  const prt =
    d.prt?.azureAdPrt === undefined
      ? undefined
      : d.prt.azureAdPrt
        ? `yes${d.prt.updateTime ? `, updated ${timeText(d.prt.updateTime)}` : ''}`
        : 'no';
  return (
    <section
      class={`verdict verdict-${d.verdict}`}
      aria-labelledby="verdict-title"
      data-verdict={d.verdict}
      data-phase={d.phase ?? ''}
    >
      <h2 id="verdict-title" class="verdict-line">
        {verdictLine(d)}
      </h2>
      <dl class="facts">
        <div>
          <dt>Join type</dt>
          <dd data-join-type={d.joinType}>{JOIN_TYPE_TEXT[d.joinType]}</dd>
        </div>
        {device && (
          <div>
            <dt>Device</dt>
            <dd>{device}</dd>
          </div>
        )}
        {prt && (
          <div>
            <dt>PRT</dt>
            <dd>{prt}</dd>
          </div>
        )}
        <div>
          <dt>Findings</dt>
          <dd>{counts(d)}</dd>
        </div>
      </dl>
      {flowApplies(d) && <Flow diagnosis={d} />}
    </section>
  );
}

export { docsLabel };

/** Evidence grouped by input, in the order the inputs first appear. */
function bySource(evidence: Evidence[]): [string, Evidence[]][] {
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

interface FindingProps {
  finding: Finding;
  index: number;
  selected: boolean;
  /** Evidence that can be shown in the input (its source is there and it has a line). */
  canShow: (e: Evidence) => boolean;
  onShow: (finding: Finding, evidence?: Evidence) => void;
  onLookup?: (query: string) => void;
}

function FindingCard({ finding: f, index, selected, canShow, onShow, onLookup }: FindingProps) {
  const titleId = `finding-${index}-title`;
  const shown = f.evidence.filter(canShow);
  return (
    <article
      class={`finding finding-${f.severity}${selected ? ' finding-selected' : ''}`}
      aria-labelledby={titleId}
      data-rule={f.id}
      data-severity={f.severity}
    >
      <p class="finding-meta">
        <span class={`badge badge-${f.severity}`}>{SEVERITY_LABEL[f.severity]}</span>
        {f.phase && <span class="phase-tag">{PHASE_LABEL[f.phase] ?? f.phase}</span>}
        <span class="rule-id">{f.id}</span>
        <CopyButton text={renderFindingText(f)} label={`Copy the finding "${f.title}" as text`} />
      </p>
      <h3 id={titleId} class="finding-title">
        {shown.length > 0 ? (
          <button type="button" class="linklike" aria-pressed={selected} onClick={() => onShow(f)}>
            {f.title}
          </button>
        ) : (
          f.title
        )}
      </h3>
      {(f.codes.length > 0 || f.serverErrorCode) && (
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
              <code>{f.serverErrorCode}</code>
            </li>
          )}
        </ul>
      )}
      {f.cause && (
        <p class="cause">
          <RichText text={f.cause} />
        </p>
      )}
      {f.fix && f.fix.length > 0 && (
        <div class="fix">
          <FixSteps steps={f.fix} />
        </div>
      )}
      {f.evidence.length > 0 && (
        <div class="evidence">
          <h4>Evidence</h4>
          {bySource(f.evidence).map(([source, items]) => (
            <div class="ev-group" key={source}>
              <p class="ev-source">{source}</p>
              <ul>
                {items.map((e, i) => {
                  const where =
                    e.line !== undefined
                      ? `line ${e.line}`
                      : e.recordId !== undefined
                        ? `#${e.recordId}`
                        : '';
                  const text = e.text
                    .split('\n')
                    .map((t) => t.trim())
                    .join(' ');
                  const body = (
                    <>
                      <span class="ev-where">{where}</span>
                      <code class="ev-text">{text}</code>
                    </>
                  );
                  return (
                    <li key={`${e.line ?? e.recordId ?? ''}:${i}`}>
                      {canShow(e) ? (
                        <button
                          type="button"
                          class="ev-button"
                          title={
                            e.line !== undefined
                              ? 'Show this line in the input'
                              : 'Show this record in the timeline'
                          }
                          onClick={() => onShow(f, e)}
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
          ))}
        </div>
      )}
      {f.docs && f.docs.length > 0 && (
        <ul class="docs" aria-label="Documentation">
          {f.docs.map((u) => (
            <li key={u}>
              {isDocsUrl(u) ? (
                <a href={u} target="_blank" rel="noopener noreferrer">
                  {docsLabel(u)}
                </a>
              ) : (
                <span class="url">{u}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}

interface FindingsProps {
  diagnosis: Diagnosis;
  selected: number | null;
  canShow: (e: Evidence) => boolean;
  onShow: (index: number, evidence?: Evidence) => void;
  onLookup?: (query: string) => void;
}

export function Findings({ diagnosis: d, selected, canShow, onShow, onLookup }: FindingsProps) {
  return (
    <section class="findings" aria-labelledby="findings-title">
      <h2 id="findings-title">Findings</h2>
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
                selected={selected === i}
                canShow={canShow}
                onShow={(_, e) => onShow(i, e)}
                onLookup={onLookup}
              />
            </li>
          ))}
        </ol>
      )}
      {d.nextSteps && d.nextSteps.length > 0 && (
        <div class="next-steps">
          <h3>Next steps</h3>
          <ul>
            {d.nextSteps.map((s) => (
              <li key={s}>
                <RichText text={s} />
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
