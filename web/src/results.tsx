// The diagnosis side of the page: the reading under way (progress and Cancel), the verdict, sharing,
// the findings and the timeline, or what to do first. The verdict and the findings are the HTML
// report's own components (src/report/components/), so the page and the report cannot drift.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { Findings } from '../../src/report/components/findings.js';
import { Verdict } from '../../src/report/components/verdict.js';
import { LookupBox, type LookupRequest } from './lookup-box.js';
import { Timeline } from './timeline.js';
import type { AnalysisState } from './use-analysis.js';
import type { EvidenceState } from './use-evidence.js';
import type { InputState } from './use-inputs.js';
import { useShare } from './use-share.js';

/** "40.0 MB", "512 KB". */
function size(bytes: number): string {
  return bytes < 1024 * 1024
    ? `${Math.max(1, Math.round(bytes / 1024))} KB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

interface Props {
  inputs: InputState;
  reading: AnalysisState;
  evidence: EvidenceState;
}

export function Results({ inputs, reading, evidence }: Props) {
  const [lookupRequest, setLookupRequest] = useState<LookupRequest | null>(null);
  const seq = useRef(0);
  const diagnosis = reading.analysis.diagnosis;
  // Kept while the diagnosis comes and goes: the choice to redact stays as it was set.
  const sharing = useShare(inputs.sources, inputs.leftOut);
  // For bench/page.mjs: the verdict of new inputs is drawn (paste-to-verdict ends here).
  useLayoutEffect(() => {
    if (diagnosis) performance.mark('dsreg-verdict');
  }, [diagnosis]);
  const lookupCode = (query: string) => {
    seq.current += 1;
    setLookupRequest({ query, seq: seq.current });
  };
  return (
    <div
      class="results"
      id="results"
      tabIndex={-1}
      aria-busy={reading.running || inputs.editing ? 'true' : undefined}
      data-busy={inputs.editing ? 'edit' : reading.running ? 'reading' : undefined}
    >
      {reading.running && (
        <section class="reading" aria-labelledby="reading-title">
          <h2 id="reading-title" class="visually-hidden">
            Reading
          </h2>
          <p class="reading-line" role="status">
            Reading {size(reading.bytes)}…
          </p>
          {reading.progress === undefined ? (
            // Until the worker first says how far it is; then a bar that fills, with its percent.
            <progress key="indeterminate" class="reading-bar" aria-labelledby="reading-title" />
          ) : (
            <>
              <progress
                key="determinate"
                class="reading-bar"
                aria-labelledby="reading-title"
                max={1}
                value={reading.progress}
              />
              <span class="reading-percent">{Math.floor(reading.progress * 100)}%</span>
            </>
          )}
          <button type="button" id="cancel-reading" onClick={reading.cancel}>
            Cancel
          </button>
        </section>
      )}
      {reading.running && !diagnosis ? null : diagnosis ? (
        <>
          <Verdict diagnosis={diagnosis} />
          <ShareBox sharing={sharing} />
          <Findings
            diagnosis={diagnosis}
            selected={evidence.selected}
            canShow={evidence.canShow}
            onShow={evidence.show}
            onLookup={lookupCode}
          />
          <Timeline diagnosis={diagnosis} active={evidence.activeAttempt} onLookup={lookupCode} />
          {reading.namesFailed && (
            <p class="muted small">
              The names of Windows codes outside the guide could not be loaded: codes are shown without them.
            </p>
          )}
        </>
      ) : (
        <section class="empty" aria-labelledby="empty-title">
          <h2 id="empty-title">Diagnosis</h2>
          <p>
            Paste <code>dsregcmd /status</code> output, drop a file, or load a sample: the verdict, the phase
            that failed and what to do appear here at once.
          </p>
        </section>
      )}
      <LookupBox request={lookupRequest} />
    </div>
  );
}

/** The Markdown report copied, the HTML report downloaded: redacted unless asked otherwise. */
function ShareBox({ sharing }: { sharing: ReturnType<typeof useShare> }) {
  const { redact, setRedact, shareStatus, share } = sharing;
  return (
    <section class="share" aria-labelledby="share-title">
      <h2 id="share-title" class="visually-hidden">
        Share the diagnosis
      </h2>
      <div class="share-row">
        <label class="switch">
          <input
            type="checkbox"
            id="redact"
            checked={redact}
            onChange={(e) => setRedact((e.currentTarget as HTMLInputElement).checked)}
            aria-describedby="redact-help"
          />
          <span>Redact identifiers</span>
        </label>
        <button type="button" id="copy-md" onClick={() => void share('md')}>
          Copy as Markdown
        </button>
        <button type="button" id="download-html" onClick={() => void share('html')}>
          Download HTML report
        </button>
      </div>
      <p id="redact-help" class="muted small">
        {redact
          ? 'Redact on: tenant, device, user, domain and computer names and IDs become pseudonyms such as <domain-1>, the same value always the same one.'
          : 'Redact off: the report holds the real names and IDs of the device, the user and the tenant.'}
      </p>
      <p class="share-status small" role="status">
        {shareStatus}
      </p>
    </section>
  );
}
