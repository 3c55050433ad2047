// The diagnosis of the page's inputs, computed in a Web Worker (analysis.worker.ts) so that the page
// never freezes: while it runs, the page shows a progress bar and a Cancel button. A small input (a
// pasted capture) is read here at once, and so is everything without Worker support.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { CodeNames } from '../../src/kb/names.js';
import type { AnalysisProgress, AnalysisReply, AnalysisRequest } from './analysis.worker.js';
import { analyze, type PageAnalysis, type Source } from './inputs.js';

export interface AnalysisState {
  analysis: PageAnalysis;
  /** A reading is under way (the sources changed and the worker has not answered yet). */
  running: boolean;
  /** Bytes being read, for the progress line. */
  bytes: number;
  /** How far the reading is, 0 to 1, once the worker has said (undefined before: the bar is indeterminate). */
  progress: number | undefined;
  namesFailed: boolean;
  /** Stops the reading under way; `onCancel` is told which sources it was reading. */
  cancel(): void;
}

/**
 * Inputs up to this size are read on the page's own thread once the Windows names are there: a
 * capture takes a few milliseconds, and the first paste is spared the round trip to the worker.
 */
export const IN_PAGE_BYTES = 256 * 1024;

let pageNames: CodeNames | undefined;

/** The Windows names once the page has loaded them (the reports it shares name codes with them too). */
export function pageCodeNames(): CodeNames | undefined {
  return pageNames;
}

/** The Windows names, loaded by the page (main.tsx, when idle): small inputs are read here then. */
export function setPageNames(names: CodeNames): void {
  pageNames = names;
  performance.mark('dsreg-names');
}

const EMPTY: PageAnalysis = { diagnosis: null, reports: new Map(), problems: new Map(), warnings: [] };

function newWorker(): Worker | undefined {
  if (typeof Worker === 'undefined') return undefined;
  try {
    return new Worker(new URL('./analysis.worker.ts', import.meta.url), { type: 'module' });
  } catch {
    return undefined;
  }
}

/** The worker's analysis with the problems of the inputs refused before it (kept in input order). */
function withRefused(analysis: PageAnalysis, sources: readonly Source[]): PageAnalysis {
  const refused = sources.filter((s) => s.error);
  if (refused.length === 0) return analysis;
  const problems = new Map<string, string>();
  for (const s of sources) {
    const problem = s.error ?? analysis.problems.get(s.name);
    if (problem) problems.set(s.name, problem);
  }
  for (const [name, problem] of analysis.problems) if (!problems.has(name)) problems.set(name, problem);
  return { ...analysis, problems };
}

export function useAnalysis(
  sources: readonly Source[],
  onCancel: (sources: readonly Source[]) => void,
): AnalysisState {
  const [analysis, setAnalysis] = useState<PageAnalysis>(EMPTY);
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<number | undefined>(undefined);
  const [namesFailed, setNamesFailed] = useState(false);
  const worker = useRef<Worker | undefined>(undefined);
  const seq = useRef(0);
  const pending = useRef<readonly Source[]>([]);

  const listen = (w: Worker) => {
    w.onmessage = (e: MessageEvent<AnalysisReply | AnalysisProgress>) => {
      if (e.data.id !== seq.current) return; // an answer for inputs that changed since
      if ('progress' in e.data) {
        setProgress(Math.min(1, Math.max(0, e.data.progress)));
        return;
      }
      // For bench/page.mjs: how long the worker took, beside the page's own paste and verdict marks.
      performance.mark('dsreg-analysed', { detail: { ms: e.data.ms } });
      setAnalysis(withRefused(e.data.analysis, pending.current));
      setNamesFailed(e.data.namesFailed);
      setRunning(false);
    };
  };

  // Sent as soon as the sources are rendered (a layout effect, not one frame later): the first paste
  // reaches the worker at once.
  useLayoutEffect(() => {
    seq.current += 1;
    pending.current = sources;
    setProgress(undefined);
    if (sources.length === 0) {
      setAnalysis(EMPTY);
      setRunning(false);
      return;
    }
    if (!worker.current) {
      worker.current = newWorker();
      if (worker.current) listen(worker.current);
    }
    // Inputs refused from their first bytes (a binary file) are never handed to the reader.
    const usable = sources.filter((s) => !s.error);
    const total = usable.reduce((n, s) => n + s.bytes.length, 0);
    if (!worker.current || usable.length === 0 || (pageNames && total <= IN_PAGE_BYTES)) {
      const start = performance.now();
      setAnalysis(analyze(sources, pageNames ? { names: pageNames } : {}));
      performance.mark('dsreg-analysed', { detail: { ms: performance.now() - start } });
      if (pageNames) setNamesFailed(false);
      setRunning(false);
      return;
    }
    setRunning(true);
    const request: AnalysisRequest = {
      id: seq.current,
      sources: usable.map((s) => ({ name: s.name, bytes: s.bytes })),
    };
    worker.current.postMessage(request);
  }, [sources]);

  // Started with the page (not at the first input), so that it and the names it loads are there
  // before the network may be gone.
  useEffect(() => {
    if (!worker.current) {
      worker.current = newWorker();
      if (worker.current) listen(worker.current);
    }
    return () => worker.current?.terminate();
  }, []);

  const cancel = () => {
    if (!running) return;
    worker.current?.terminate();
    worker.current = undefined;
    seq.current += 1;
    setRunning(false);
    onCancel(pending.current);
  };

  const bytes = running ? pending.current.reduce((n, s) => n + s.bytes.length, 0) : 0;
  return { analysis, running, bytes, progress: running ? progress : undefined, namesFailed, cancel };
}
