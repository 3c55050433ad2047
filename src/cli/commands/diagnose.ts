import { type Command, InvalidArgumentError, Option } from 'commander';
import { createColors } from 'picocolors';
import {
  type Analysis,
  analyzeInputs,
  type InputReport,
  type TextInput,
  withFindings,
} from '../../diagnose.js';
import type { ReadWarning } from '../../events/types.js';
import { formatWarning } from '../../events/warning.js';
import { parseDsregTime } from '../../facts.js';
import { loadGenericNames } from '../../kb/names.js';
import type { Cloud, ProbeOptions } from '../../probe/types.js';
import { renderText } from '../../report/text.js';
import { type Diagnosis, InputError } from '../../types.js';
import {
  DEFAULT_INPUT_LIMITS,
  type InputLimits,
  inputLimits,
  maxInputOption,
  readForDiagnosis,
} from '../intake.js';
import { type CliIO, describeReadError } from '../io.js';
import { type CommandState, VERSION } from '../main.js';

export type FailOn = 'error' | 'warning' | 'never';

/** Whether the diagnosis cites a code the guide does not name. */
function unnamedCodes(d: Diagnosis): boolean {
  const codes = [...d.findings.flatMap((f) => f.codes), ...(d.timeline ?? []).flatMap((t) => t.codes)];
  return codes.some((c) => c.name === undefined);
}

/** Exit code for a diagnosis: 1 when a finding reaches --fail-on, else 0. */
export function exitCodeFor(d: Diagnosis, failOn: FailOn): number {
  if (failOn === 'never') return 0;
  const worst = d.findings.some((f) => f.severity === 'error')
    ? 'error'
    : d.findings.some((f) => f.severity === 'warning')
      ? 'warning'
      : 'info';
  if (worst === 'error') return 1;
  return worst === 'warning' && failOn === 'warning' ? 1 : 0;
}

/** --now: ISO 8601 or the "2019-01-31 09:16:43.000 UTC" form dsregcmd prints. */
export function parseNow(value: string): string {
  const ms = parseDsregTime(value) ?? (/\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN);
  if (Number.isNaN(ms)) {
    throw new InvalidArgumentError(
      'give a date and time such as 2024-05-01T10:00:00Z or "2024-05-01 10:00:00.000 UTC"',
    );
  }
  return new Date(ms).toISOString();
}

/** Whether to colour standard output: a terminal, NO_COLOR unset, --no-color not given (FORCE_COLOR forces). */
export function useColor(io: CliIO, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== '0') return true;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  return flag === true || io.isTTY;
}

/** Reads every input, or prints a one-line error and returns undefined. */
export async function readInputs(paths: string[], io: CliIO): Promise<TextInput[] | undefined> {
  const inputs: TextInput[] = [];
  for (const path of paths) {
    try {
      inputs.push({ name: path, bytes: await io.read(path) });
    } catch (err) {
      io.stderr(`dsreg-doctor: ${describeReadError(path, err)}\n`);
      return undefined;
    }
  }
  return inputs;
}

interface DiagnoseOpts {
  format: 'text' | 'json' | 'md' | 'html';
  now?: string;
  failOn: FailOn;
  color?: boolean;
  out?: string;
  redact?: boolean;
  redactTimes?: boolean;
  probe?: boolean;
  cloud: string;
  probeTimeout: number;
  maxInput?: number;
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 300)
    throw new InvalidArgumentError('give a number of seconds from 0.1 to 300');
  return n;
}

/** An input as given or as found in a bundle, and whether it came from a bundle. */
interface CollectedInput extends TextInput {
  fromBundle: boolean;
  /** A large event log read record by record (cli/intake.ts): what it was, its reading problems. */
  kind?: string;
  reason?: string;
  warnings?: ReadWarning[];
}

/** What `inputs` in the JSON says of each file: the same fields as analyzeInputs reports. */
interface FileReport {
  name: string;
  kind: string;
  used: boolean;
  reason: string;
}

/**
 * Reads the inputs; a folder or a .zip among them is opened and its files are found by content.
 * Prints a one-line error and returns undefined when an input cannot be read.
 */
async function collectInputs(
  paths: string[],
  io: CliIO,
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): Promise<{ inputs: CollectedInput[]; ignored: FileReport[]; bundles: string[] } | undefined> {
  const inputs: CollectedInput[] = [];
  const ignored: FileReport[] = [];
  const bundles: string[] = [];
  for (const path of paths) {
    try {
      const onDisk = path === '-' ? undefined : await diskKind(path);
      let bytes: Uint8Array | undefined;
      if (onDisk !== 'directory' && onDisk !== 'zip') {
        // With limits: never past --max-input, binary refused at once, a large log kept small.
        const { zip, ...input } = await readForDiagnosis(path, io, { limits });
        if (!zip) {
          inputs.push({ ...input, fromBundle: false });
          continue;
        }
        bytes = input.bytes;
      }
      const reader = await import('../../node/bundle-reader.js');
      const { classifyBundle } = await import('../../input/bundle.js');
      const bundle =
        onDisk === 'directory'
          ? await reader.readFolder(path)
          : onDisk === 'zip'
            ? await reader.readZipFile(path)
            : await reader.readZip(path, [bytes!]);
      bundles.push(path);
      for (const s of bundle.skipped)
        ignored.push({ name: s.name, kind: 'skipped', used: false, reason: s.reason });
      for (const c of classifyBundle(bundle.entries)) {
        if (c.kind === 'ignored')
          ignored.push({ name: c.name, kind: 'other', used: false, reason: c.reason });
        else inputs.push({ name: c.name, bytes: c.bytes, fromBundle: true });
      }
      if (!inputs.some((i) => i.fromBundle && i.name.startsWith(`${path}/`))) {
        throw new InputError(path, 'no `dsregcmd /status` capture or event log export found in it');
      }
    } catch (err) {
      io.stderr(`dsreg-doctor: ${err instanceof InputError ? err.message : describeReadError(path, err)}\n`);
      return undefined;
    }
  }
  return { inputs, ignored, bundles };
}

/** Whether a path on disk is a folder, a zip archive or another file; undefined when it is not on disk. */
async function diskKind(path: string): Promise<'directory' | 'zip' | 'file' | undefined> {
  const { stat } = await import('node:fs/promises');
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(path);
  } catch {
    return undefined;
  }
  if (st.isDirectory()) return 'directory';
  if (!st.isFile()) return 'file';
  const { readHead, isZip } = await import('../../node/bundle-reader.js');
  return isZip(await readHead(path)) ? 'zip' : 'file';
}

/** For standard error: each bundle, then what was used and left out of it, named inside the bundle. */
function describeInputs(files: FileReport[], bundles: string[]): string {
  const groups = new Map<string, FileReport[]>();
  for (const f of files) {
    const root = bundles.find((b) => f.name.startsWith(`${b}/`)) ?? '';
    const list = groups.get(root) ?? [];
    if (list.length === 0) groups.set(root, list);
    list.push(f);
  }
  const out: string[] = [];
  for (const [root, list] of groups) {
    const rel = (f: FileReport) => (root ? f.name.slice(root.length + 1) : f.name);
    const used = list.filter((f) => f.used).length;
    out.push(
      `dsreg-doctor: ${root || 'files given'}: ${used} of ${list.length} file${list.length === 1 ? '' : 's'} used`,
    );
    const width = Math.min(40, Math.max(...list.map((f) => rel(f).length)));
    for (const f of [...list.filter((x) => x.used), ...list.filter((x) => !x.used)]) {
      const reason = root ? f.reason.split(`${root}/`).join('') : f.reason;
      out.push(`  ${f.used ? 'used   ' : 'ignored'}  ${rel(f).padEnd(width)}  ${reason}`);
    }
  }
  return out.join('\n');
}

export function registerDiagnose(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('diagnose')
    .summary('diagnose a device from `dsregcmd /status` output and event logs')
    .description(
      'Read `dsregcmd /status` output and event logs (files, or - for standard input) and say\n' +
        'whether the device is healthy, which phase of Microsoft Entra hybrid join (or of getting\n' +
        'a Primary Refresh Token) failed, what each error code means, and what to do about it.\n\n' +
        'All the files of one call describe one device, in any mix: captures of `dsregcmd /status`\n' +
        '(one elevated, one as the user), and the User Device Registration/Admin and\n' +
        'Microsoft-Windows-AAD logs as .evtx, XML (wevtutil, Event Viewer), CSV or JSON\n' +
        '(Get-WinEvent). UTF-8 and UTF-16 are both read; prompts, banners and forum formatting\n' +
        'are ignored.',
    )
    .argument(
      '<file...>',
      'dsregcmd /status output, an event log export, or a folder or .zip of a log collection; - reads standard input',
    )
    .addOption(
      new Option('-f, --format <format>', 'output format: text, json, md (Markdown) or html')
        .choices(['text', 'json', 'md', 'html'])
        .default('text'),
    )
    .option('-o, --out <file>', 'write the report to this file instead of standard output')
    .option(
      '--redact',
      'replace tenant, device, user, domain and computer names and IDs, thumbprints, key and request IDs with stable pseudonyms before anything is read',
    )
    .option('--redact-times', 'with --redact, replace times and dates too (certificate validity, PRT times)')
    .option(
      '--now <time>',
      'when the capture was taken (ISO 8601): checks the PRT age and certificate dates against it; without it only the Client Time printed in the capture is used, never the clock',
      parseNow,
    )
    .addOption(
      new Option('--fail-on <severity>', 'lowest severity that makes the exit code 1')
        .choices(['error', 'warning', 'never'])
        .default('warning'),
    )
    .option(
      '--probe',
      'also run the live network and directory checks that the failing phase calls for (as `dsreg-doctor probe` does), for the user, domain and tenant the inputs name, and merge their findings',
    )
    .addOption(
      new Option('--cloud <cloud>', 'with --probe: the cloud whose endpoints to check')
        .choices(['public', 'usgov'])
        .default('public'),
    )
    .option('--probe-timeout <seconds>', 'with --probe: time allowed for each check', parseSeconds, 10)
    .option('--color', 'force colour')
    .option('--no-color', 'no colour (NO_COLOR is honoured too)')
    .addOption(maxInputOption())
    .addHelpText(
      'after',
      '\nA folder or a .zip (a log collection) is searched for `dsregcmd /status` captures and\n' +
        'event log exports by content, not by name; the files used and left out are listed on\n' +
        'standard error (and under "inputs" in the JSON). Zips are read with limits on the number\n' +
        'of files, their total size and the compression ratio.\n\n' +
        'Exit codes: 0 healthy (or only notes), 1 a finding at or above --fail-on, 2 bad usage\n' +
        'or unreadable input.\n\n' +
        'Examples:\n' +
        '  dsreg-doctor diagnose examples/dsregcmd/join-fail-device-not-synced.txt\n' +
        '  dsregcmd /status | dsreg-doctor diagnose -\n' +
        '  dsreg-doctor diagnose status.txt --format json --fail-on error\n' +
        '  dsreg-doctor diagnose status.txt --now "2024-05-01 10:00:00 UTC"\n' +
        '  dsreg-doctor diagnose authlogs.zip --format html --redact --out report.html\n' +
        '  dsreg-doctor diagnose collected-logs/ --format md --redact',
    )
    .action(async (paths: string[], opts: DiagnoseOpts) => {
      const collected = await collectInputs(paths, io, inputLimits(opts.maxInput));
      if (!collected) {
        state.code = 2;
        return;
      }
      const redact = Boolean(opts.redact || opts.redactTimes);
      const { inputReason, prepareInputs } = await import('../../redact/prepare.js');
      const prepared = prepareInputs(collected.inputs, redact);
      const r = prepared.redactor;
      const clean = (t: string) => (r ? r.text(t) : t);
      let analysis: Analysis;
      try {
        const analyze = () =>
          analyzeInputs(prepared.inputs, {
            ...(opts.now !== undefined ? { now: opts.now } : {}),
            lenient: collected.bundles.length > 0,
          });
        analysis = analyze();
        // Codes outside the guide are named from the Windows headers, loaded only when one is cited.
        if (unnamedCodes(analysis.diagnosis)) {
          await loadGenericNames();
          analysis = analyze();
        }
      } catch (err) {
        if (err instanceof InputError) {
          io.stderr(`dsreg-doctor: ${clean(err.message)}\n`);
          state.code = 2;
          return;
        }
        throw err;
      }
      // With a bundle the reading is lenient, but a file named on the command line must still be usable.
      const direct = analysis.inputs.find((x, i) => !x.used && !prepared.inputs[i]?.fromBundle);
      if (direct) {
        io.stderr(
          `dsreg-doctor: ${direct.name}: neither \`dsregcmd /status\` output nor an event log export (.evtx, XML, CSV or JSON)\n`,
        );
        state.code = 2;
        return;
      }
      const streamed = collected.inputs.flatMap((i) => i.warnings ?? []);
      for (const w of [...streamed, ...prepared.warnings, ...analysis.warnings]) {
        io.stderr(`dsreg-doctor: warning: ${clean(formatWarning(w))}\n`);
      }
      const files: FileReport[] = [
        ...analysis.inputs.map((x: InputReport, i) => {
          const kind = prepared.kinds.get(i) ?? collected.inputs[i]?.kind ?? x.kind;
          const reason = collected.inputs[i]?.reason;
          return {
            name: x.name,
            kind,
            used: x.used,
            reason: inputReason(kind, x.used && reason ? { ...x, reason: clean(reason) } : x),
          };
        }),
        ...collected.ignored.map((f) => ({ ...f, name: clean(f.name), reason: clean(f.reason) })),
      ];
      if (collected.bundles.length > 0 && opts.format !== 'json') {
        io.stderr(`${describeInputs(files, collected.bundles.map(clean))}\n`);
      }

      let d = analysis.diagnosis;
      if (opts.probe) {
        // The subject comes from the inputs as given: a redacted copy names nobody the probes could ask about.
        const subject = redact
          ? analyzeInputs(collected.inputs, { lenient: true }).subject
          : analysis.subject;
        const [{ probeForDiagnosis }, { applyTestEndpoints }] = await Promise.all([
          import('../../probe/run.js'),
          import('./probe.js'),
        ]);
        const probeOptions: ProbeOptions = {
          cloud: opts.cloud as Cloud,
          timeoutMs: Math.round(opts.probeTimeout * 1000),
          env: io.env,
          now: () => io.now(),
        };
        await applyTestEndpoints(io, probeOptions);
        const found = await probeForDiagnosis(
          { ...subject, phase: d.phase },
          { ...probeOptions, source: paths[0] ?? '-' },
        );
        d = withFindings(d, found);
        if (r) d = r.diagnosis(d);
      }
      let texts = prepared.texts;
      if (opts.redactTimes) {
        const { createRedactor } = await import('../../redact/index.js');
        const times = createRedactor({ times: true, identifiers: false });
        d = times.diagnosis(d);
        texts = texts.map((t) => ({ name: t.name, text: times.text(t.text) }));
      }

      let output: string;
      const generator = `dsreg-doctor ${VERSION}`;
      if (opts.format === 'json') {
        output = `${JSON.stringify({ ...d, inputs: files }, null, 2)}\n`;
      } else if (opts.format === 'md') {
        const { renderMarkdown } = await import('../../report/markdown.js');
        output = renderMarkdown(d, { files, redacted: redact, generator });
      } else if (opts.format === 'html') {
        const { renderHtml } = await import('../../report/html.js');
        output = renderHtml(d, { inputs: texts, files, redacted: redact, generator });
      } else {
        const colors = createColors(opts.out === undefined && useColor(io, opts.color));
        output = renderText(d, {
          width: opts.out === undefined ? Math.min(io.isTTY ? io.columns : 80, 100) : 80,
          colors,
        });
      }
      if (r) {
        // Fail closed: a report that still holds a learned identifier is not printed.
        const leaks = r.leaks(output);
        if (leaks.length > 0) {
          io.stderr(
            `dsreg-doctor: redaction left ${leaks.length} identifier${leaks.length === 1 ? '' : 's'} in the report: nothing written (please report this as a bug)\n`,
          );
          state.code = 2;
          return;
        }
      }
      if (opts.out !== undefined) {
        const { writeFile } = await import('node:fs/promises');
        try {
          await writeFile(opts.out, output);
        } catch (err) {
          io.stderr(`dsreg-doctor: ${describeWriteError(opts.out, err)}\n`);
          state.code = 2;
          return;
        }
      } else {
        io.stdout(output);
      }
      state.code = exitCodeFor(d, opts.failOn);
    });
}

/** A file system error on writing, as one line. */
function describeWriteError(path: string, err: unknown): string {
  const code = (err as { code?: string }).code;
  switch (code) {
    case 'ENOENT':
      return `${path}: cannot write (no such folder)`;
    case 'EISDIR':
      return `${path}: cannot write (is a directory)`;
    case 'EACCES':
    case 'EPERM':
      return `${path}: cannot write (permission denied)`;
    default:
      return `${path}: cannot write (${code ?? (err instanceof Error ? err.message : String(err))})`;
  }
}
