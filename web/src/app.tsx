// The page: inputs on one side (paste, drop, pick files, samples), the diagnosis on the other.
// Everything is computed here, in the browser, by the same core the CLI runs: in a Web Worker, so
// that a large input never freezes the page (use-analysis.ts). The state lives in hooks: input
// handling (use-inputs.ts), reading (use-analysis.ts), sharing (use-share.ts) and evidence marks
// (use-evidence.ts); the two sides are input-panel.tsx and results.tsx.
import { useEffect } from 'preact/hooks';
import { type PageActions, PageContext } from '../../src/report/components/context.js';
import { RichText } from '../../src/report/components/rich-text.js';
import { InputPanel } from './input-panel.js';
import { copyText } from './report.js';
import { Results } from './results.js';
import { useAnalysis } from './use-analysis.js';
import { useEvidence } from './use-evidence.js';
import { useInputs } from './use-inputs.js';

/** What the shared components can do in the page and not in a file: copy. */
const ACTIONS: PageActions = { copy: copyText };

/** Files dropped outside the drop zone must not replace the page (and lose what it holds). */
function useDropGuard(): void {
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
}

export function App() {
  const inputs = useInputs();
  const reading = useAnalysis(inputs.sources, () => {
    // Cancel: the files the reading was busy with are left out; what was read before stays.
    inputs.dropFilesExcept(new Set(reading.analysis.reports.keys()));
  });
  const evidence = useEvidence(reading.analysis.diagnosis, inputs.sources, inputs.current, inputs.setCurrent);
  useDropGuard();

  return (
    <PageContext.Provider value={ACTIONS}>
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
        <InputPanel inputs={inputs} analysis={reading.analysis} evidence={evidence} />
        <Results inputs={inputs} reading={reading} evidence={evidence} />
      </main>
      <footer class="bottom">
        <p>
          <RichText text="The same diagnosis runs from the command line: `npx dsreg-doctor diagnose status.txt`. This page loads only its own files and makes no other request; once loaded it works offline." />
        </p>
      </footer>
      <p id="status" class="visually-hidden" role="status" aria-live="polite">
        {inputs.status}
      </p>
    </PageContext.Provider>
  );
}
