// The reports to share, as `dsreg-doctor diagnose --format md|html [--redact]` writes them for the
// same inputs. With redaction, identifiers are learned from every input and replaced before the
// diagnosis reads them, so nothing downstream ever holds the real values; a report in which a
// learned identifier is still found is refused (fail closed), as the CLI does. The report modules
// load on first use.
import { version } from '../../package.json';
import { analyzeInputs, type TextInput } from '../../src/diagnose.js';
import type { CodeNames } from '../../src/kb/names.js';
import type { ReportFile } from '../../src/report/markdown.js';

export type ReportFormat = 'md' | 'html';

/** A file that was looked at and what became of it, as the reports list them. */
export type { ReportFile } from '../../src/report/markdown.js';

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
  names?: CodeNames,
): Promise<string> {
  const { inputReason, prepareInputs } = await import('../../src/redact/prepare.js');
  const { inputs: prepared, texts, kinds, redactor: r } = prepareInputs([...inputs], redact);
  const clean = (t: string) => (r ? r.text(t) : t);
  const leaks = (t: string): string[] => (r ? r.leaks(t) : []);

  const analysis = analyzeInputs(prepared, { lenient: true, ...(names ? { names } : {}) });
  const files: ReportFile[] = [
    ...analysis.inputs.map((x, i) => ({
      name: x.name,
      kind: kinds.get(i) ?? x.kind,
      used: x.used,
      reason: inputReason(kinds.get(i) ?? x.kind, x),
    })),
    ...ignored.map((f) => ({ ...f, name: clean(f.name), reason: clean(f.reason) })),
  ];
  // The CLI's own report builder, for the one device the page diagnoses.
  const { buildReport: build } = await import('../../src/report/build.js');
  const output = build([{ diagnosis: analysis.diagnosis, files }], {
    format,
    inputs: texts,
    redacted: redact,
    generator: GENERATOR,
  });
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
  return Promise.all([import('../../src/redact/prepare.js'), import('../../src/report/build.js')]);
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
