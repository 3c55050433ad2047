// The join and PRT attempts the event logs tell, oldest first, each with its outcome, phase, codes
// and the event records behind it.
import type { AttemptCounts, Diagnosis, Evidence, TimelineEntry } from '../../src/types.js';

/** The key that ties a finding's event evidence to the timeline entry that holds the same record. */
export function recordKey(e: Pick<Evidence, 'source' | 'recordId'>): string {
  return `${e.source}#${e.recordId}`;
}

/** Timeline entry index by record, for jumping from a finding to its attempt. */
export function recordIndex(timeline: readonly TimelineEntry[]): Map<string, number> {
  const m = new Map<string, number>();
  timeline.forEach((t, i) => {
    for (const e of t.evidence) if (e.recordId !== undefined && !m.has(recordKey(e))) m.set(recordKey(e), i);
  });
  return m;
}

/** A time as the CLI prints it: to the second, in UTC ("2026-10-03 08:58:32 UTC"). */
export function when(iso: string): string {
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
}

function countsText(label: string, c: AttemptCounts): string {
  const parts = [`${c.count} ${label} attempt${c.count === 1 ? '' : 's'}, ${c.failures} failed`];
  if (c.lastFailure) parts.push(`last failure ${when(c.lastFailure)}`);
  if (c.lastSuccess) parts.push(`last success ${when(c.lastSuccess)}`);
  return parts.join('; ');
}

const PHASE_TEXT: Record<string, string> = {
  precheck: 'precheck',
  discover: 'discover',
  auth: 'auth',
  join: 'join',
  'post-join': 'PRT',
};

/** From this many attempts on, they are also drawn on a time axis, to show when they bunch up. */
export const AXIS_FROM = 8;

/** The attempts as dots on a time axis, one row for join and one for PRT; a dot shows its attempt. */
function TimeAxis({ timeline, active }: { timeline: readonly TimelineEntry[]; active: number | null }) {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const times = timeline.map((t) => {
    const ms = Date.parse(t.time);
    if (Number.isFinite(ms)) {
      min = Math.min(min, ms);
      max = Math.max(max, ms);
    }
    return ms;
  });
  if (!Number.isFinite(min)) return null;
  const span = max - min || 1;
  const kinds = (['join', 'prt'] as const).filter((k) => timeline.some((t) => t.kind === k));
  const first = timeline[times.indexOf(min)]!;
  const last = timeline[times.indexOf(max)]!;
  return (
    <figure class="time-axis" aria-label={`${timeline.length} attempts on a time axis`}>
      {kinds.map((kind) => (
        <div class="axis-row" key={kind} data-kind={kind}>
          <span class="axis-label">{kind === 'join' ? 'Join' : 'PRT'}</span>
          <div class="axis-track">
            {timeline.map((t, i) =>
              t.kind !== kind || !Number.isFinite(times[i]) ? null : (
                <a
                  key={i}
                  href={`#attempt-${i}`}
                  class={`axis-dot dot-${t.outcome}${active === i ? ' dot-active' : ''}`}
                  style={{ left: `${(((times[i] as number) - min) / span) * 100}%` }}
                  title={`${when(t.time)}: ${kind === 'join' ? 'join' : 'PRT'} ${t.outcome === 'success' ? 'succeeded' : 'failed'}`}
                >
                  <span class="visually-hidden">
                    {when(t.time)}, {t.outcome === 'success' ? 'succeeded' : 'failed'}
                  </span>
                </a>
              ),
            )}
          </div>
        </div>
      ))}
      <figcaption class="axis-ends muted small">
        <time dateTime={first.time}>{when(first.time)}</time>
        <time dateTime={last.time}>{when(last.time)}</time>
      </figcaption>
    </figure>
  );
}

interface Props {
  diagnosis: Diagnosis;
  active: number | null;
  onLookup?: (query: string) => void;
}

export function Timeline({ diagnosis: d, active, onLookup }: Props) {
  const timeline = d.timeline ?? [];
  if (timeline.length === 0) return null;
  return (
    <section class="timeline" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline of attempts</h2>
      {d.attempts && (
        <p class="muted small">
          {[
            d.attempts.join && countsText('join', d.attempts.join),
            d.attempts.prt && countsText('PRT', d.attempts.prt),
          ]
            .filter(Boolean)
            .join('. ')}
        </p>
      )}
      {timeline.length >= AXIS_FROM && <TimeAxis timeline={timeline} active={active} />}
      <ol class="timeline-list">
        {timeline.map((t, i) => (
          <li
            key={`${t.time}-${i}`}
            id={`attempt-${i}`}
            tabIndex={-1}
            class={`attempt attempt-${t.outcome}${active === i ? ' attempt-active' : ''}`}
            data-kind={t.kind}
            data-outcome={t.outcome}
          >
            <span class="attempt-icon" aria-hidden="true">
              {t.outcome === 'success' ? '✓' : '✕'}
            </span>
            <div class="attempt-body">
              <p class="attempt-head">
                <time dateTime={t.time}>{when(t.time)}</time>
                <span class="attempt-kind">{t.kind === 'join' ? 'Join' : 'PRT'}</span>
                <span class={`attempt-outcome outcome-${t.outcome}`}>
                  {t.outcome === 'success' ? 'succeeded' : 'failed'}
                </span>
                {t.phase && t.outcome === 'failure' && t.kind === 'join' && (
                  <span class="muted">in {PHASE_TEXT[t.phase] ?? t.phase}</span>
                )}
              </p>
              <p class="attempt-summary">{t.summary}</p>
              {t.codes.length > 0 && (
                <ul class="codes" aria-label="Codes">
                  {t.codes.map((c) => (
                    <li key={c.hex} class="code">
                      {onLookup ? (
                        <button type="button" class="code-button" onClick={() => onLookup(c.hex)}>
                          <code>{c.hex}</code>
                        </button>
                      ) : (
                        <code>{c.hex}</code>
                      )}
                      {c.name && <span class="code-name">{c.name}</span>}
                    </li>
                  ))}
                </ul>
              )}
              {t.evidence.length > 0 && (
                <details class="attempt-records">
                  <summary>
                    {t.evidence.length} event record{t.evidence.length === 1 ? '' : 's'}
                  </summary>
                  <ul>
                    {t.evidence.map((e, j) => (
                      <li key={`${e.source}-${e.recordId ?? j}`}>
                        <span class="ev-where">
                          {e.source}
                          {e.recordId !== undefined && ` record ${e.recordId}`}
                        </span>
                        <code class="ev-text">{e.text}</code>
                      </li>
                    ))}
                  </ul>
                </details>
              )}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
