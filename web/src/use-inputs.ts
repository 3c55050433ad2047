// Input handling: the pasted text, the files dropped or picked (zips opened into their files), the
// samples, and the sources the diagnosis reads. The first paste is diagnosed at once; later edits
// of the text wait for a pause in the typing.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { intakeBundle } from '../../src/input/bundle.js';
import {
  fileSource,
  isZip,
  MAX_SHOWN_TEXT,
  PASTED,
  pastedSource,
  type Source,
  uniqueName,
} from './inputs.js';
import type { ReportFile } from './report.js';
import { fetchSampleFile, SAMPLES } from './samples.js';

/** The text the editor shows for a source, unless it is binary or too large to show. */
export function shownText(s: Source): string | undefined {
  return s.text !== undefined && s.text.length <= MAX_SHOWN_TEXT ? s.text : undefined;
}

/** Milliseconds of quiet typing before an edit is diagnosed again. */
export const EDIT_PAUSE_MS = 200;

/**
 * Files dropped or picked, read: each a source, except a .zip log collection, whose captures and
 * event logs become sources through the CLI's own intake of a bundle. Names stay unique.
 */
async function readPicked(picked: readonly File[], taken: Set<string>) {
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
    // A log collection: its files are found by content, with the CLI's own intake of a bundle.
    try {
      const { readZipBytes } = await import('./zip.js');
      const intake = intakeBundle(name, await readZipBytes(name, bytes));
      left.push(...intake.leftOut);
      for (const entry of intake.inputs) {
        const entryName = uniqueName(entry.name, taken);
        taken.add(entryName);
        added.push(fileSource(entryName, entry.bytes));
      }
    } catch (err) {
      bundleErrors.push([name, err instanceof Error ? err.message : String(err)]);
    }
  }
  return { added, left, bundleErrors };
}

export type InputState = ReturnType<typeof useInputs>;

export function useInputs() {
  const [pasted, setPastedState] = useState('');
  // The text the diagnosis reads: the pasted text once the typing pauses.
  const [settled, setSettled] = useState('');
  const setPasted = (text: string) => {
    // For bench/page.mjs: paste-to-verdict runs from here to the verdict drawn (results.tsx).
    performance.mark('dsreg-paste');
    setPastedState(text);
    // A paste into an empty box (and clearing it) is diagnosed at once: in this same render, not
    // one frame later from an effect.
    setSettled((prev) => (prev.trim() === '' || text.trim() === '' ? text : prev));
  };
  const [files, setFiles] = useState<Source[]>([]);
  const [current, setCurrent] = useState(PASTED);
  const [status, setStatus] = useState('');
  const [leftOut, setLeftOut] = useState<ReportFile[]>([]);
  const [bundleProblems, setBundleProblems] = useState<ReadonlyMap<string, string>>(new Map());

  // A paste into an empty box (and clearing it) is diagnosed at once (see setPasted); edits after a
  // pause in the typing.
  useEffect(() => {
    if (settled === pasted) return;
    if (settled.trim() === '' || pasted.trim() === '') {
      setSettled(pasted);
      return;
    }
    const t = setTimeout(() => setSettled(pasted), EDIT_PAUSE_MS);
    return () => clearTimeout(t);
  }, [pasted]);
  const sources = useMemo(
    () => (settled.trim() === '' ? files : [pastedSource(settled), ...files]),
    [settled, files],
  );

  const addFiles = async (list: FileList | File[]) => {
    const picked = [...list];
    if (picked.length === 0) return;
    const taken = new Set([PASTED, ...files.map((f) => f.name)]);
    const { added, left, bundleErrors } = await readPicked(picked, taken);
    setFiles((prev) => [...prev, ...added]);
    setLeftOut((prev) => [...prev, ...left]);
    setBundleProblems((prev) => new Map([...prev, ...bundleErrors]));
    // The file just dropped is the one shown (its text, or what it is when it has none to show).
    const first = added.find((s) => shownText(s) !== undefined) ?? added[0];
    if (first) setCurrent(first.name);
    setStatus(`Read ${added.length === 1 ? added[0]!.name : `${added.length} files`}.`);
  };

  const loadSample = async (id: string) => {
    const s = SAMPLES.find((x) => x.id === id);
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

  /** Drops the files a cancelled reading was busy with (those not in `keep`). */
  const dropFilesExcept = (keep: ReadonlySet<string>) => {
    const gone = files.filter((f) => !keep.has(f.name)).map((f) => f.name);
    if (gone.length === 0) return;
    setFiles((prev) => prev.filter((f) => keep.has(f.name)));
    if (gone.includes(current)) setCurrent(PASTED);
    setStatus(`Reading cancelled: ${gone.length === 1 ? gone[0] : `${gone.length} files`} left out.`);
  };

  return {
    /** An edit of the text waits for a pause in the typing (never the first paste). */
    editing: settled !== pasted && settled.trim() !== '' && pasted.trim() !== '',
    pasted,
    setPasted,
    files,
    current,
    setCurrent,
    status,
    setStatus,
    leftOut,
    bundleProblems,
    sources,
    addFiles,
    loadSample,
    clearAll,
    removeFile,
    dropFilesExcept,
  };
}
