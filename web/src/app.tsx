// The page: inputs on one side (paste, drop, pick files, samples), the diagnosis on the other.
// Everything is computed here, in the browser, by the same core the CLI runs.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { InputReport } from '../../src/diagnose.js';
import type { ReadWarning } from '../../src/events/types.js';
import { classifyBundle } from '../../src/input/bundle.js';
import { KIND_TEXT } from '../../src/input/kinds.js';
import { type CodeNames, loadCodeNames } from '../../src/kb/lookup.js';
import type { Evidence, Severity } from '../../src/types.js';
import { Editor, type Jump } from './editor.js';
import { Findings, Verdict } from './findings.js';
import {
  analyze,
  fileSource,
  isZip,
  MAX_SHOWN_TEXT,
  PASTED,
  pastedSource,
  type Source,
  uniqueName,
} from './inputs.js';
import { LookupBox, type LookupRequest } from './lookup-box.js';
import { buildReport, copyText, downloadText, type ReportFile, type ReportFormat } from './report.js';
import { RichText } from './rich-text.js';
import { fetchSampleFile, SAMPLES } from './samples.js';
import { recordIndex, recordKey, Timeline } from './timeline.js';

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
const ACCEPT = '.txt,.log,.text,.evtx,.xml,.csv,.json,.zip';

/** The text the editor shows for a source, unless it is binary or too large to show. */
function shownText(s: Source): string | undefined {
  return s.text !== undefined && s.text.length <= MAX_SHOWN_TEXT ? s.text : undefined;
}

export function App() {
  const [pasted, setPasted] = useState('');
  const [files, setFiles] = useState<Source[]>([]);
  const [current, setCurrent] = useState(PASTED);
  const [selected, setSelected] = useState<number | null>(null);
  const [jump, setJump] = useState<Jump | null>(null);
  const [lookupRequest, setLookupRequest] = useState<LookupRequest | null>(null);
  const [sample, setSample] = useState(SAMPLES[0]?.id ?? '');
  const [dragging, setDragging] = useState(0);
  const [status, setStatus] = useState('');
  const [leftOut, setLeftOut] = useState<ReportFile[]>([]);
  const [bundleProblems, setBundleProblems] = useState<ReadonlyMap<string, string>>(new Map());
  const [redact, setRedact] = useState(true);
  const [shareStatus, setShareStatus] = useState('');
  const [activeAttempt, setActiveAttempt] = useState<number | null>(null);
  // Codes outside the guide are named from the Windows headers, as in the CLI: load them before the
  // first diagnosis (a few dozen KB from where the page came from), or diagnose without on failure.
  const [names, setNames] = useState<'loading' | 'ready' | 'failed'>('loading');
  const [codeNames, setCodeNames] = useState<CodeNames | undefined>(undefined);
  const picker = useRef<HTMLInputElement>(null);
  const seq = useRef(0);

  // Each change re-reads every input. With files loaded too (event logs can be large), the
  // diagnosis follows the typing after a short pause rather than at every key.
  const [settled, setSettled] = useState(pasted);
  useEffect(() => {
    const t = setTimeout(() => setSettled(pasted), 200);
    return () => clearTimeout(t);
  }, [pasted]);
  const analyzed = files.length === 0 ? pasted : settled;
  const sources = useMemo(
    () => (analyzed.trim() === '' ? files : [pastedSource(analyzed), ...files]),
    [analyzed, files],
  );
  const waiting = sources.length > 0 && names === 'loading';
  useEffect(() => {
    if (!waiting) return;
    loadCodeNames().then(
      (table) => {
        setCodeNames(table);
        setNames('ready');
      },
      () => setNames('failed'),
    );
  }, [waiting]);
  const analysis = useMemo(
    () => (waiting ? analyze([]) : analyze(sources, codeNames ? { names: codeNames } : {})),
    [sources, waiting, codeNames],
  );
  const diagnosis = analysis.diagnosis;
  const attemptOf = useMemo(() => recordIndex(diagnosis?.timeline ?? []), [diagnosis]);
  const shownSource = files.find((f) => f.name === current);
  const editorText = shownSource ? (shownText(shownSource) ?? '') : pasted;

  // A new diagnosis invalidates the picked finding (its index may point elsewhere now).
  useEffect(() => {
    setSelected(null);
    setActiveAttempt(null);
  }, [diagnosis]);

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

  const marks = useMemo(() => {
    const m = new Map<number, Severity>();
    for (const f of diagnosis?.findings ?? []) {
      for (const e of f.evidence) {
        if (e.source !== current || e.line === undefined) continue;
        const had = m.get(e.line);
        if (had === undefined || SEVERITY_RANK[f.severity] < SEVERITY_RANK[had]) m.set(e.line, f.severity);
      }
    }
    return m;
  }, [diagnosis, current]);

  const active = useMemo(() => {
    const lines = new Set<number>();
    const f = selected !== null ? diagnosis?.findings[selected] : undefined;
    for (const e of f?.evidence ?? []) if (e.source === current && e.line !== undefined) lines.add(e.line);
    return lines;
  }, [diagnosis, selected, current]);

  const textSources = new Set(sources.filter((s) => shownText(s) !== undefined).map((s) => s.name));
  const canShow = (e: Evidence) =>
    (e.line !== undefined && textSources.has(e.source)) ||
    (e.recordId !== undefined && attemptOf.has(recordKey(e)));

  const show = (index: number, evidence?: Evidence) => {
    setSelected(index);
    const f = diagnosis?.findings[index];
    const target = evidence ?? f?.evidence.find(canShow);
    if (!target) return;
    if (target.line !== undefined) {
      setCurrent(target.source);
      seq.current += 1;
      setJump({ source: target.source, line: target.line, seq: seq.current });
      return;
    }
    const attempt = attemptOf.get(recordKey(target));
    if (attempt === undefined) return;
    setActiveAttempt(attempt);
    const el = document.getElementById(`attempt-${attempt}`);
    el?.scrollIntoView({ block: 'center' });
    el?.focus({ preventScroll: true });
  };

  const addFiles = async (list: FileList | File[]) => {
    const picked = [...list];
    if (picked.length === 0) return;
    const taken = new Set([PASTED, ...files.map((f) => f.name)]);
    const added: Source[] = [];
    const left: ReportFile[] = [];
    const bundleErrors: [string, string][] = [];
    for (const file of picked) {
      const name = uniqueName(file.name || 'file', taken);
      taken.add(name);
      const bytes = new Uint8Array(await file.arrayBuffer());
      if (!isZip(bytes)) {
        added.push(fileSource(name, bytes));
        continue;
      }
      // A log collection: its files are found by content, as the CLI does with a .zip.
      try {
        const { readZipBytes } = await import('./zip.js');
        const zip = await readZipBytes(name, bytes);
        for (const x of zip.skipped)
          left.push({ name: x.name, kind: 'skipped', used: false, reason: x.reason });
        let found = 0;
        for (const c of classifyBundle(zip.entries)) {
          if (c.kind === 'ignored') {
            left.push({ name: c.name, kind: 'other', used: false, reason: c.reason });
            continue;
          }
          const entryName = uniqueName(c.name, taken);
          taken.add(entryName);
          added.push(fileSource(entryName, c.bytes));
          found++;
        }
        if (found === 0)
          bundleErrors.push([
            name,
            `${name}: no \`dsregcmd /status\` capture or event log export found in it`,
          ]);
      } catch (err) {
        bundleErrors.push([name, err instanceof Error ? err.message : String(err)]);
      }
    }
    setFiles((prev) => [...prev, ...added]);
    setLeftOut((prev) => [...prev, ...left]);
    setBundleProblems((prev) => new Map([...prev, ...bundleErrors]));
    const firstText = added.find((s) => shownText(s) !== undefined);
    if (firstText) setCurrent(firstText.name);
    setStatus(`Read ${added.length === 1 ? added[0]!.name : `${added.length} files`}.`);
  };

  const share = async (format: ReportFormat) => {
    setShareStatus(format === 'md' ? 'Writing the Markdown…' : 'Writing the HTML report…');
    try {
      const report = await buildReport(
        sources.filter((s) => !s.error).map((s) => ({ name: s.name, bytes: s.bytes })),
        leftOut,
        format,
        redact,
        codeNames,
      );
      const how = redact ? 'identifiers replaced' : 'identifiers NOT replaced';
      if (format === 'md') {
        await copyText(report);
        setShareStatus(`Copied the Markdown report (${how}).`);
      } else {
        downloadText(report, 'dsreg-doctor-report.html', 'text/html;charset=utf-8');
        setShareStatus(`Saved dsreg-doctor-report.html (${how}).`);
      }
    } catch (err) {
      setShareStatus(
        `Not ${format === 'md' ? 'copied' : 'saved'}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  };

  const loadSample = async () => {
    const s = SAMPLES.find((x) => x.id === sample);
    if (!s) return;
    let loaded: Source[] = [];
    try {
      loaded = await Promise.all(
        (s.files ?? []).map(async (f) => fileSource(f.name, await fetchSampleFile(f.url))),
      );
    } catch (err) {
      setStatus(`The sample could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    setFiles(loaded);
    setLeftOut([]);
    setBundleProblems(new Map());
    setPasted(s.text ?? '');
    setCurrent(loaded.find((f) => shownText(f) !== undefined)?.name ?? PASTED);
    setStatus(`Loaded the sample ${s.id.replace(/\+/g, ' and ')}.`);
  };

  const clearAll = () => {
    setFiles([]);
    setLeftOut([]);
    setBundleProblems(new Map());
    setPasted('');
    setCurrent(PASTED);
    setStatus('Cleared.');
  };

  const removeFile = (name: string) => {
    setFiles((prev) => prev.filter((f) => f.name !== name));
    if (current === name) setCurrent(PASTED);
  };

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
              {shownSource.text !== undefined && ' (too large to show here; it is read in full)'}.
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
        <div class="results" id="results" tabIndex={-1}>
          {waiting ? (
            <section class="empty" aria-busy="true">
              <h2>Diagnosis</h2>
              <p class="muted">Reading…</p>
            </section>
          ) : diagnosis ? (
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
              {names === 'failed' && (
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
