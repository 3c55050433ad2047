// The reading and the diagnosis, off the page's main thread: a 40 MB XML export takes seconds to
// read, and the page must keep answering meanwhile (the progress bar moves, Cancel works). The
// page terminates this worker to cancel, and starts another.
import { type CodeNames, loadCodeNames } from '../../src/kb/names.js';
import { analyze, type PageAnalysis, type Source } from './inputs.js';

export interface AnalysisRequest {
  id: number;
  sources: Pick<Source, 'name' | 'bytes' | 'error'>[];
}

/** How far the reading of request `id` is (0 to 1), sent when the percent changes. */
export interface AnalysisProgress {
  id: number;
  progress: number;
}

export interface AnalysisReply {
  id: number;
  analysis: PageAnalysis;
  /** The names from the Windows headers could not be loaded: codes outside the guide go unnamed. */
  namesFailed: boolean;
  /** Milliseconds the reading and the diagnosis took here (bench/page.mjs reads it). */
  ms: number;
}

// Codes outside the guide are named from the Windows headers, as in the CLI. The page starts this
// worker when it opens, so the names are fetched then, and the page works offline once loaded.
const names: Promise<CodeNames | undefined> = loadCodeNames().then(
  (table) => table,
  () => undefined,
);

self.onmessage = async (e: MessageEvent<AnalysisRequest>) => {
  const table = await names;
  const { id, sources } = e.data;
  const start = performance.now();
  // The core tells how far it is at most a thousand times; the page hears of each percent once.
  let percent = -1;
  const onProgress = (done: number, total: number) => {
    const now = Math.floor((done * 100) / Math.max(total, 1));
    if (now === percent) return;
    percent = now;
    const message: AnalysisProgress = { id, progress: done / Math.max(total, 1) };
    (self as unknown as Worker).postMessage(message);
  };
  const analysis = analyze(sources, { ...(table ? { names: table } : {}), onProgress });
  const reply: AnalysisReply = {
    id,
    analysis,
    namesFailed: table === undefined,
    ms: performance.now() - start,
  };
  (self as unknown as Worker).postMessage(reply);
};
