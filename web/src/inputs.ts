// What the page holds and how it turns into a diagnosis. Every input, pasted or dropped, is a
// Source: its name (which the findings' evidence refers to) and its bytes. The core sorts out what
// each one is (dsregcmd text, or an event log as .evtx, XML, CSV or JSON) and diagnoses them
// together; this file only keeps the text to show and collects the problems per input.
import { analyzeInputs, type DiagnoseOptions, type InputReport } from '../../src/diagnose.js';
import type { ReadWarning } from '../../src/events/types.js';
import { decodeText, type TextEncoding } from '../../src/input/decode.js';
import type { Diagnosis } from '../../src/types.js';

export interface Source {
  /** A file name, or PASTED for the text area. Unique among the page's sources. */
  name: string;
  bytes: Uint8Array;
  /** The decoded text, for text inputs: what the editor shows and the evidence lines point into. */
  text?: string;
  encoding?: TextEncoding;
  /** A one-line problem that keeps this input out of the diagnosis. */
  error?: string;
  /** Text too large for the editor: read in full, not shown. */
  tooLarge?: boolean;
}

/** The name the text area's content goes by in evidence and reports. */
export const PASTED = 'pasted text';

/** Text larger than this is read but not shown in the editor (a browser textarea slows down). */
export const MAX_SHOWN_TEXT = 4 * 1024 * 1024;

const encoder = new TextEncoder();

export function pastedSource(text: string): Source {
  return { name: PASTED, bytes: encoder.encode(text), text };
}

const EVTX_MAGIC = [0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00];
const startsWith = (b: Uint8Array, magic: number[]) => magic.every((x, i) => b[i] === x);

/** A .zip archive (a log collection), by its signature. */
export function isZip(b: Uint8Array): boolean {
  return b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6));
}

/** How much of a file's start decides whether it is text. */
const SNIFF_BYTES = 64 * 1024;

/**
 * Whether bytes are binary rather than text, from their start: a NUL or more than 1 in 100
 * control characters once decoded (UTF-16 is decoded first, so its zero bytes do not count).
 */
export function looksBinary(bytes: Uint8Array): boolean {
  const head = decodeText(bytes.subarray(0, SNIFF_BYTES)).text;
  let controls = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c === 0) return true;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0xfffd) controls++;
  }
  return controls > head.length / 100;
}

/**
 * A dropped or picked file (a .zip is opened before: see zip.ts): its text is kept for showing. An
 * .evtx is binary by design; any other binary file is refused, not shown as text.
 */
export function fileSource(name: string, bytes: Uint8Array): Source {
  if (startsWith(bytes, EVTX_MAGIC)) return { name, bytes };
  if (bytes.length > 0 && looksBinary(bytes)) {
    return {
      name,
      bytes,
      error: `${name}: a binary file, neither \`dsregcmd /status\` text nor an event log (.evtx, XML, CSV or JSON)`,
    };
  }
  // Text too large to show is decoded by the reader only (in the worker), not here as well.
  if (bytes.length > 2 * MAX_SHOWN_TEXT) return { name, bytes, tooLarge: true };
  const { text, encoding } = decodeText(bytes);
  return { name, bytes, text, encoding };
}

/** Gives a name not yet taken: "status.txt", then "status (2).txt". */
export function uniqueName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 2; ; n++) {
    const candidate = `${stem} (${n})${ext}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export interface PageAnalysis {
  /** Null when nothing could be diagnosed. */
  diagnosis: Diagnosis | null;
  /** What each input was read as, by name. */
  reports: Map<string, InputReport>;
  /** Problems by input name: inputs left out of the diagnosis, and why. */
  problems: Map<string, string>;
  /** Damage found while reading event logs; the rest was read. */
  warnings: ReadWarning[];
}

/**
 * Diagnoses every source as one device, as `dsreg-doctor diagnose` does with the same files. An
 * input that is neither dsregcmd output nor an event log is left out and named in `problems`.
 */
export function analyze(
  sources: readonly Source[],
  options: DiagnoseOptions & { onProgress?: (done: number, total: number) => void } = {},
): PageAnalysis {
  const problems = new Map<string, string>();
  for (const s of sources) if (s.error) problems.set(s.name, s.error);
  const usable = sources.filter((s) => !s.error);
  const reports = new Map<string, InputReport>();
  if (usable.length === 0) return { diagnosis: null, reports, problems, warnings: [] };
  try {
    const a = analyzeInputs(
      usable.map((s) => ({ name: s.name, bytes: s.bytes })),
      { ...options, lenient: true },
    );
    for (const r of a.inputs) {
      reports.set(r.name, r);
      if (!r.used) problems.set(r.name, `${r.name}: ${r.reason ?? 'not read'}`);
    }
    const diagnosis = a.inputs.some((r) => r.used) ? a.diagnosis : null;
    return { diagnosis, reports, problems, warnings: a.warnings };
  } catch (err) {
    // The core throws only for inputs it reports above; anything else is a bug, shown, not hidden.
    problems.set('', `The diagnosis stopped: ${err instanceof Error ? err.message : String(err)}`);
    return { diagnosis: null, reports, problems, warnings: [] };
  }
}
