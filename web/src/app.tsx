// The page: inputs on one side (paste, drop, pick files, samples), the diagnosis on the other.
// Everything is computed here, in the browser, by the same core the CLI runs: in a Web Worker, so
// that a large input never freezes the page (use-analysis.ts). The state lives in three hooks:
// input handling (use-inputs.ts), sharing (use-share.ts) and evidence marks (use-evidence.ts).
import { useEffect, useRef, useState } from 'preact/hooks';
import type { InputReport } from '../../src/diagnose.js';
import type { ReadWarning } from '../../src/events/types.js';
import { KIND_TEXT } from '../../src/input/kinds.js';
import { Editor } from './editor.js';
import { Findings, Verdict } from './findings.js';
import { PASTED } from './inputs.js';
import { LookupBox, type LookupRequest } from './lookup-box.js';
import { RichText } from './rich-text.js';
import { SAMPLES } from './samples.js';
import { Timeline } from './timeline.js';
import { useAnalysis } from './use-analysis.js';
import { useEvidence } from './use-evidence.js';
import { shownText, useInputs } from './use-inputs.js';
import { useShare } from './use-share.js';

const ACCEPT = '.txt,.log,.text,.evtx,.xml,.csv,.json,.zip';

/** "40.0 MB", "512 KB". */
function size(bytes: number): string {
  return bytes < 1024 * 1024
    ? `${Math.max(1, Math.round(bytes / 1024))} KB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function App() {
  const inputs = useInputs();
  const { pasted, setPasted, files, current, setCurrent, status, leftOut, bundleProblems, sources } = inputs;
  const [lookupRequest, setLookupRequest] = useState<LookupRequest | null>(null);
  const [sample, setSample] = useState(SAMPLES[0]?.id ?? '');
  const [dragging, setDragging] = useState(0);
  const picker = useRef<HTMLInputElement>(null);
  const seq = useRef(0);

  const reading = useAnalysis(sources, () => {
    // Cancel: the files the reading was busy with are left out; what was read before stays.
    inputs.dropFilesExcept(new Set(reading.analysis.reports.keys()));
  });
  const analysis = reading.analysis;
  const diagnosis = analysis.diagnosis;
  const { redact, setRedact, shareStatus, share } = useShare(sources, leftOut);
  const evidence = useEvidence(diagnosis, sources, current, setCurrent);
  const shownSource = files.find((f) => f.name === current);
  const editorText = shownSource ? (shownText(shownSource) ?? '') : pasted;

  // Files dropped outside the drop zone must not replace the page (and lose what it holds).
  useEffect(() => {
    const stop = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
    };
    window.addEventListener('dragover', stop);
    window.addEventListener('drop', stop);
    return () => {
      window.removeEventListener('dragover', stop);
      window.removeEventListener('drop', stop);
    };
  }, []);

  const { addFiles, clearAll, removeFile } = inputs;
  const loadSample = () => inputs.loadSample(sample);
  const marks = evidence.marks;
  const active = evidence.active;
  const jump = evidence.jump;
  const selected = evidence.selected;
  const activeAttempt = evidence.activeAttempt;
  const canShow = evidence.canShow;
  const show = evidence.show;

  const problems = [...bundleProblems.entries(), ...analysis.problems.entries()];
  const lookupCode = (q: string) => {
    seq.current += 1;
    setLookupRequest({ query: q, seq: seq.current });
  };

  return (
    <>
      <a class="skip-link" href="#results">
        Skip to the diagnosis
      </a>
      <header class="top">
        <div class="top-inner">
          <h1>
            dsreg-doctor <span class="subtitle">why hybrid join or the PRT failed</span>
          </h1>
          <p class="privacy" id="privacy">
            <svg viewBox="0 0 16 16" aria-hidden="true" focusable="false">
              <path
                fill="currentColor"
                d="M8 1a3.5 3.5 0 0 0-3.5 3.5V6H4a1 1 0 0 0-1 1v7a1 1 0 0 0 1 1h8a1 1 0 0 0 1-1V7a1 1 0 0 0-1-1h-.5V4.5A3.5 3.5 0 0 0 8 1Zm-2 5V4.5a2 2 0 1 1 4 0V6H6Z"
              />
            </svg>
            Runs entirely in this browser tab: nothing you paste or drop is uploaded, stored or sent anywhere.
          </p>
        </div>
      </header>
      <main class="layout">
        <section
          class={`input-panel${dragging > 0 ? ' dragging' : ''}`}
          aria-labelledby="input-title"
          onDragEnter={(e) => {
            if (!e.dataTransfer?.types.includes('Files')) return;
            e.preventDefault();
            setDragging((n) => n + 1);
          }}
          onDragOver={(e) => {
            if (!e.dataTransfer?.types.includes('Files')) return;
            e.preventDefault();
            e.dataTransfer.dropEffect = 'copy';
          }}
          onDragLeave={() => setDragging((n) => Math.max(0, n - 1))}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(0);
            if (e.dataTransfer?.files.length) void addFiles(e.dataTransfer.files);
          }}
          data-testid="drop-zone"
        >
          <h2 id="input-title">Input</h2>
          <p class="muted small" id="input-help">
            Paste the output of <code>dsregcmd /status</code> (run it as the signed-in user, or as SYSTEM for
            the join), or drop its saved text file here. UTF-8 and UTF-16 files are both read.
          </p>
          <div class="toolbar">
            <span class="sample-picker">
              <label for="sample-select" class="visually-hidden">
                Sample
              </label>
              <select
                id="sample-select"
                value={sample}
                onChange={(e) => setSample((e.currentTarget as HTMLSelectElement).value)}
              >
                <optgroup label="dsregcmd /status">
                  {SAMPLES.filter((s) => s.group === 'dsregcmd').map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.label}
                    </option>
                  ))}
                </optgroup>
                <optgroup label="Event logs">
                  {SAMPLES.filter((s) => s.group === 'events').map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.label}
                    </option>
                  ))}
                </optgroup>
              </select>
              <button type="button" id="load-sample" onClick={() => void loadSample()}>
                Load sample
              </button>
            </span>
            <button type="button" id="choose-files" onClick={() => picker.current?.click()}>
              Choose files…
            </button>
            <input
              ref={picker}
              id="file-input"
              class="visually-hidden"
              type="file"
              multiple
              accept={ACCEPT}
              tabIndex={-1}
              aria-hidden="true"
              onChange={(e) => {
                const input = e.currentTarget as HTMLInputElement;
                if (input.files) void addFiles(input.files).then(() => (input.value = ''));
              }}
            />
            {sources.length > 0 && (
              <button type="button" id="clear" class="quiet" onClick={clearAll}>
                Clear
              </button>
            )}
          </div>
          {files.length > 0 && (
            <ul class="tabs" aria-label="Inputs">
              {[PASTED, ...files.map((f) => f.name)].map((name) => {
                const problem = analysis.problems.get(name);
                return (
                  <li
                    class={`tab${name === current ? ' tab-current' : ''}${problem ? ' tab-problem' : ''}`}
                    key={name}
                  >
                    <button
                      type="button"
                      aria-pressed={name === current}
                      title={describeReport(analysis.reports.get(name)).replace(/^, /, '')}
                      onClick={() => setCurrent(name)}
                    >
                      {name}
                    </button>
                    {name !== PASTED && (
                      <button
                        type="button"
                        class="tab-remove"
                        aria-label={`Remove ${name}`}
                        title={`Remove ${name}`}
                        onClick={() => removeFile(name)}
                      >
                        ×
                      </button>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
          {shownSource && shownText(shownSource) === undefined ? (
            <p class="muted binary-note">
              {shownSource.name}: {shownSource.bytes.length.toLocaleString('en')} bytes
              {describeReport(analysis.reports.get(shownSource.name))}
              {(shownSource.tooLarge || shownSource.text !== undefined) &&
                ' (too large to show here; it is read in full)'}
              .
            </p>
          ) : (
            <Editor
              id="input-text"
              label={shownSource ? `Contents of ${shownSource.name}` : 'dsregcmd /status output'}
              text={editorText}
              readOnly={Boolean(shownSource)}
              placeholder={
                'Paste dsregcmd /status output here,\nor drop a file.\n\nNothing leaves your browser.'
              }
              onText={(t) => setPasted(t)}
              marks={marks}
              active={active}
              jump={jump && jump.source === current ? jump : null}
              describedBy="input-help"
            />
          )}
          {problems.length > 0 && (
            <ul class="problems" aria-label="Inputs that could not be read">
              {problems.map(([name, message]) => (
                <li key={name} class="problem" role="alert">
                  {message}
                </li>
              ))}
            </ul>
          )}
          {leftOut.length > 0 && (
            <details class="read-warnings left-out">
              <summary>
                {leftOut.length} file{leftOut.length === 1 ? '' : 's'} of the bundle left out
              </summary>
              <ul>
                {leftOut.slice(0, 200).map((f) => (
                  <li key={f.name}>
                    {f.name}: {f.reason}
                  </li>
                ))}
                {leftOut.length > 200 && <li>and {leftOut.length - 200} more</li>}
              </ul>
            </details>
          )}
          {analysis.warnings.length > 0 && (
            <details class="read-warnings">
              <summary>
                {analysis.warnings.length} reading warning{analysis.warnings.length === 1 ? '' : 's'} (the
                rest was read)
              </summary>
              <ul>
                {analysis.warnings.slice(0, 50).map((w, i) => (
                  <li key={i}>{warningText(w)}</li>
                ))}
                {analysis.warnings.length > 50 && <li>and {analysis.warnings.length - 50} more</li>}
              </ul>
            </details>
          )}
          <div class="drop-hint" aria-hidden="true">
            Drop to read here, in this browser
          </div>
        </section>
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
              <progress class="reading-bar" aria-labelledby="reading-title" />
              <button type="button" id="cancel-reading" onClick={reading.cancel}>
                Cancel
              </button>
            </section>
          )}
          {reading.running && !diagnosis ? null : diagnosis ? (
            <>
              <Verdict diagnosis={diagnosis} />
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
              <Findings
                diagnosis={diagnosis}
                selected={selected}
                canShow={canShow}
                onShow={show}
                onLookup={lookupCode}
              />
              <Timeline diagnosis={diagnosis} active={activeAttempt} onLookup={lookupCode} />
              {reading.namesFailed && (
                <p class="muted small">
                  The names of Windows codes outside the guide could not be loaded: codes are shown without
                  them.
                </p>
              )}
            </>
          ) : (
            <section class="empty" aria-labelledby="empty-title">
              <h2 id="empty-title">Diagnosis</h2>
              <p>
                Paste <code>dsregcmd /status</code> output, drop a file, or load a sample: the verdict, the
                phase that failed and what to do appear here at once.
              </p>
            </section>
          )}
          <LookupBox request={lookupRequest} />
        </div>
      </main>
      <footer class="bottom">
        <p>
          <RichText text="The same diagnosis runs from the command line: `npx dsreg-doctor diagnose status.txt`. This page loads only its own files and makes no other request; once loaded it works offline." />
        </p>
      </footer>
      <p id="status" class="visually-hidden" role="status" aria-live="polite">
        {status}
      </p>
    </>
  );
}

function describeReport(r: InputReport | undefined): string {
  if (!r) return '';
  const kind = KIND_TEXT[r.kind];
  if (!r.used || !kind) return '';
  return `, ${kind}${r.reason ? `: ${r.reason}` : ''}`;
}

function warningText(w: ReadWarning): string {
  const where = [
    w.line !== undefined && `line ${w.line}`,
    w.chunk !== undefined && `chunk ${w.chunk}`,
    w.recordId !== undefined && `record ${w.recordId}`,
    w.offset !== undefined && `byte offset ${w.offset}`,
  ]
    .filter(Boolean)
    .join(', ');
  return `${w.source ?? ''}${where ? ` (${where})` : ''}: ${w.message}`;
}
