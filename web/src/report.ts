// The reports to share, as `dsreg-doctor diagnose --format md|html [--redact]` writes them for the
// same inputs. With redaction, identifiers are learned from every input and replaced before the
// diagnosis reads them, so nothing downstream ever holds the real values; a report in which a
// learned identifier is still found is refused (fail closed), as the CLI does. The report modules
// load on first use.
import { version } from '../../package.json';
import { analyzeInputs, type InputReport, type TextInput } from '../../src/diagnose.js';
import { readEvents, sniffEvents } from '../../src/events/read.js';
import { decodeText } from '../../src/input/decode.js';

export type ReportFormat = 'md' | 'html';

/** A file that was looked at and what became of it, as the reports list them. */
export interface ReportFile {
  name: string;
  kind: string;
  used: boolean;
  reason: string;
}

const KIND_TEXT: Record<string, string> = {
  dsregcmd: 'dsregcmd /status output',
  evtx: 'event log (.evtx)',
  xml: 'event log export (XML)',
  csv: 'event log export (CSV)',
  json: 'event log export (JSON)',
};

function inputReason(kind: string, x: InputReport): string {
  if (!x.used) return x.reason ?? 'not used';
  return [KIND_TEXT[kind] ?? kind, x.reason].filter(Boolean).join(', ');
}

export const GENERATOR = `dsreg-doctor ${version}`;

/**
 * The report of `inputs` (and of the files of a bundle that were left out, `ignored`). Throws when
 * redaction left an identifier in the report: nothing is to be shared then.
 */
export async function buildReport(
  inputs: readonly TextInput[],
  ignored: readonly ReportFile[],
  format: ReportFormat,
  redact: boolean,
): Promise<string> {
  const encoder = new TextEncoder();
  const kinds = new Map<number, string>();
  let prepared: TextInput[] = [...inputs];
  let texts = inputs
    .filter((i) => sniffEvents(i.bytes) === 'none')
    .map((i) => ({ name: i.name, text: decodeText(i.bytes).text }));
  let clean = (t: string) => t;
  let leaks = (_: string): string[] => [];

  if (redact) {
    const { createRedactor, isXml } = await import('../../src/redact/index.js');
    const r = createRedactor();
    const read = inputs.map((input) => {
      const kind = sniffEvents(input.bytes);
      if (kind === 'evtx') {
        const records = [...readEvents(input.bytes, { source: input.name })];
        r.learnEvents(records);
        return { input, kind, records, text: '' };
      }
      const text = decodeText(input.bytes).text;
      r.learn(text);
      return { input, kind, text, records: undefined };
    });
    prepared = [];
    texts = [];
    read.forEach((x, i) => {
      const name = x.input.name === '-' ? '-' : r.text(x.input.name);
      if (x.records) {
        // An .evtx cannot be rewritten in place: its redacted records go on as JSON lines.
        const lines = x.records.map((rec) => JSON.stringify(r.eventRecord(rec)));
        prepared.push({ name, bytes: encoder.encode(`${lines.join('\n')}\n`) });
        kinds.set(i, 'evtx');
        return;
      }
      const text = r.text(x.text, isXml(x.text) ? 'xml' : 'text');
      prepared.push({ name, bytes: encoder.encode(text) });
      if (x.kind === 'none') texts.push({ name, text });
    });
    clean = (t) => r.text(t);
    leaks = (t) => r.leaks(t);
  }

  const analysis = analyzeInputs(prepared, { lenient: true });
  const files: ReportFile[] = [
    ...analysis.inputs.map((x, i) => ({
      name: x.name,
      kind: kinds.get(i) ?? x.kind,
      used: x.used,
      reason: inputReason(kinds.get(i) ?? x.kind, x),
    })),
    ...ignored.map((f) => ({ ...f, name: clean(f.name), reason: clean(f.reason) })),
  ];
  const d = analysis.diagnosis;
  let output: string;
  if (format === 'md') {
    const { renderMarkdown } = await import('../../src/report/markdown.js');
    output = renderMarkdown(d, { files, redacted: redact, generator: GENERATOR });
  } else {
    const { renderHtml } = await import('../../src/report/html.js');
    output = renderHtml(d, { inputs: texts, files, redacted: redact, generator: GENERATOR });
  }
  const left = leaks(output);
  if (left.length > 0) {
    throw new Error(
      `redaction left ${left.length} identifier${left.length === 1 ? '' : 's'} in the report: nothing was copied or saved (please report this as a bug)`,
    );
  }
  return output;
}

/** Loads the report modules ahead of use (so that sharing works offline once the page is loaded). */
export function preloadReports(): Promise<unknown> {
  return Promise.all([
    import('../../src/redact/index.js'),
    import('../../src/report/markdown.js'),
    import('../../src/report/html.js'),
  ]);
}

/** Copies text to the clipboard; where the Clipboard API is missing (plain http), the older way. */
export async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'visually-hidden';
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('the browser did not allow copying');
}

/** Offers a file for download, made here: nothing is fetched. */
export function downloadText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
