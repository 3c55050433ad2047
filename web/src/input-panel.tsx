// The input side of the page: the drop zone, the samples, the file picker, a tab per input (each
// with its close button), the text or what a binary input is, and what could not be read.
import { useRef, useState } from 'preact/hooks';
import type { InputReport } from '../../src/diagnose.js';
import type { ReadWarning } from '../../src/events/types.js';
import { KIND_TEXT } from '../../src/input/kinds.js';
import { Editor } from './editor.js';
import type { PageAnalysis } from './inputs.js';
import { PASTED } from './inputs.js';
import { SAMPLES } from './samples.js';
import type { EvidenceState } from './use-evidence.js';
import { type InputState, shownText } from './use-inputs.js';

const ACCEPT = '.txt,.log,.text,.evtx,.xml,.csv,.json,.zip';

interface Props {
  inputs: InputState;
  analysis: PageAnalysis;
  evidence: EvidenceState;
}

export function InputPanel({ inputs, analysis, evidence }: Props) {
  const [dragging, setDragging] = useState(0);
  const { files, current } = inputs;
  const shownSource = files.find((f) => f.name === current);
  const problems = [...inputs.bundleProblems.entries(), ...analysis.problems.entries()];
  const hasFiles = (e: DragEvent) => Boolean(e.dataTransfer?.types.includes('Files'));
  return (
    <section
      class={`input-panel${dragging > 0 ? ' dragging' : ''}`}
      aria-labelledby="input-title"
      onDragEnter={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDragging((n) => n + 1);
      }}
      onDragOver={(e) => {
        if (!hasFiles(e) || !e.dataTransfer) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={() => setDragging((n) => Math.max(0, n - 1))}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(0);
        if (e.dataTransfer?.files.length) void inputs.addFiles(e.dataTransfer.files);
      }}
      data-testid="drop-zone"
    >
      <h2 id="input-title">Input</h2>
      <p class="muted small" id="input-help">
        Paste the output of <code>dsregcmd /status</code> (run it as the signed-in user, or as SYSTEM for the
        join), or drop its saved text file here. UTF-8 and UTF-16 files are both read.
      </p>
      <Toolbar inputs={inputs} />
      {files.length > 0 && <Tabs inputs={inputs} analysis={analysis} />}
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
          text={shownSource ? (shownText(shownSource) ?? '') : inputs.pasted}
          readOnly={Boolean(shownSource)}
          placeholder={'Paste dsregcmd /status output here,\nor drop a file.\n\nNothing leaves your browser.'}
          onText={(t) => inputs.setPasted(t)}
          marks={evidence.marks}
          active={evidence.active}
          jump={evidence.jump && evidence.jump.source === current ? evidence.jump : null}
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
      <ReadingNotes inputs={inputs} warnings={analysis.warnings} />
      <div class="drop-hint" aria-hidden="true">
        Drop to read here, in this browser
      </div>
    </section>
  );
}

/** The samples, the file picker and Clear. */
function Toolbar({ inputs }: { inputs: InputState }) {
  const [sample, setSample] = useState(SAMPLES[0]?.id ?? '');
  const picker = useRef<HTMLInputElement>(null);
  const group = (g: string) =>
    SAMPLES.filter((s) => s.group === g).map((s) => (
      <option key={s.id} value={s.id}>
        {s.label}
      </option>
    ));
  return (
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
          <optgroup label="dsregcmd /status">{group('dsregcmd')}</optgroup>
          <optgroup label="Event logs">{group('events')}</optgroup>
        </select>
        <button type="button" id="load-sample" onClick={() => void inputs.loadSample(sample)}>
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
          if (input.files) void inputs.addFiles(input.files).then(() => (input.value = ''));
        }}
      />
      {inputs.sources.length > 0 && (
        <button type="button" id="clear" class="quiet" onClick={inputs.clearAll}>
          Clear
        </button>
      )}
    </div>
  );
}

/** A tab per input; each file's tab keeps its close button, however long its name. */
function Tabs({ inputs, analysis }: { inputs: InputState; analysis: PageAnalysis }) {
  const { current } = inputs;
  return (
    <ul class="tabs" aria-label="Inputs">
      {[PASTED, ...inputs.files.map((f) => f.name)].map((name) => {
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
              onClick={() => inputs.setCurrent(name)}
            >
              {name}
            </button>
            {name !== PASTED && (
              <button
                type="button"
                class="tab-remove"
                aria-label={`Remove ${name}`}
                title={`Remove ${name}`}
                onClick={() => inputs.removeFile(name)}
              >
                ×
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** The files of a bundle left out, and the damage met while reading (the rest was read). */
function ReadingNotes({ inputs, warnings }: { inputs: InputState; warnings: readonly ReadWarning[] }) {
  const { leftOut } = inputs;
  return (
    <>
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
      {warnings.length > 0 && (
        <details class="read-warnings">
          <summary>
            {warnings.length} reading warning{warnings.length === 1 ? '' : 's'} (the rest was read)
          </summary>
          <ul>
            {warnings.slice(0, 50).map((w, i) => (
              <li key={i}>{warningText(w)}</li>
            ))}
            {warnings.length > 50 && <li>and {warnings.length - 50} more</li>}
          </ul>
        </details>
      )}
    </>
  );
}

export function describeReport(r: InputReport | undefined): string {
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
