import { type Command, InvalidArgumentError, Option } from 'commander';
import { createColors } from 'picocolors';
import { type Analysis, type AnalyzeInput, analyze, type DeviceGroup } from '../../analyze.js';
import { addProbeFindings, type DiagnoseOptions, diagnose, subjectOf } from '../../diagnose.js';
import type { ReadWarning } from '../../events/types.js';
import { formatWarning } from '../../events/warning.js';
import type { DeviceEvidence } from '../../evidence.js';
import { isZip } from '../../input/magic.js';
import type { CodeNames } from '../../kb/names.js';
import { nodeCrc32 } from '../../node/crc32.js';
import type { Cloud, ProbeOptions } from '../../probe/types.js';
import type { PreparedInputs } from '../../redact/plain.js';
import { buildReport, bySeverity, type DeviceReport } from '../../report/build.js';
import { type Diagnosis, type Finding, InputError } from '../../types.js';
import {
  DEFAULT_INPUT_LIMITS,
  type InputLimits,
  inputLimits,
  inputReason,
  maxInputOption,
  plainInputs,
  readForDiagnosis,
} from '../intake.js';
import { type CliIO, describeReadError, outputWriter } from '../io.js';
import { type CommandState, VERSION } from '../main.js';
import {
  addColorOptions,
  addHelpFooter,
  describeWriteError,
  formatOption,
  nowOption,
  outOption,
  useColor,
} from '../options.js';
import { progressOn } from '../progress.js';

export type FailOn = 'error' | 'warning' | 'never';

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
  all?: boolean;
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 300)
    throw new InvalidArgumentError('give a number of seconds from 0.1 to 300');
  return n;
}

/** An input as given or as found in a bundle, and whether it came from a bundle. */
interface CollectedInput extends AnalyzeInput {
  fromBundle: boolean;
  /** A large event log read record by record (cli/intake.ts): what it was, its reading problems. */
  kind?: string;
  reason?: string;
  warnings?: ReadWarning[];
}

/** What `inputs` in the JSON says of each file: the same fields as the analysis reports. */
interface FileReport {
  name: string;
  kind: string;
  used: boolean;
  reason: string;
}

interface Collected {
  inputs: CollectedInput[];
  ignored: FileReport[];
  bundles: string[];
}

/**
 * Reads the inputs; a folder or a .zip among them is opened and its files are found by content.
 * Prints a one-line error and returns undefined when an input cannot be read.
 */
async function collectInputs(
  paths: string[],
  io: CliIO,
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): Promise<Collected | undefined> {
  const inputs: CollectedInput[] = [];
  const ignored: FileReport[] = [];
  const bundles: string[] = [];
  for (const given of paths) {
    // "logs/" (what tab completion types) is the folder "logs": its files are named "logs/...".
    const path = given.length > 1 ? given.replace(/(?<=[^/\\])[/\\]+$/, '') : given;
    try {
      const onDisk = path === '-' ? undefined : await diskKind(path);
      let bytes: Uint8Array | undefined;
      if (onDisk !== 'directory' && onDisk !== 'zip') {
        // With limits: never past --max-input, binary refused at once, a large log kept small.
        // A large log read record by record shows a progress line (a terminal, past half a second).
        const progress = progressOn(io, `Reading ${path}`, 'records');
        const { zip, ...input } = await readForDiagnosis(path, io, {
          limits,
          onRecord: () => progress.increment(),
        }).finally(() => progress.stop());
        if (!zip) {
          inputs.push({ ...input, fromBundle: false });
          continue;
        }
        bytes = input.bytes;
      }
      const { intakeBundle } = await import('../../input/bundle.js');
      const intake = intakeBundle(path, await readBundle(path, onDisk, bytes, io));
      bundles.push(path);
      ignored.push(...intake.leftOut);
      inputs.push(...intake.inputs);
    } catch (err) {
      io.stderr(
        `dsreg-doctor diagnose: ${err instanceof InputError ? err.message : describeReadError(path, err)}\n`,
      );
      return undefined;
    }
  }
  return { inputs, ignored, bundles };
}

/**
 * A folder or a zip from disk, with a progress line of the bytes read (a terminal only, past half a
 * second), or a zip already read (standard input).
 */
async function readBundle(
  path: string,
  onDisk: 'directory' | 'zip' | 'file' | undefined,
  bytes: Uint8Array | undefined,
  io: CliIO,
): Promise<import('../../node/bundle-reader.js').Bundle> {
  const reader = await import('../../node/bundle-reader.js');
  if (onDisk !== 'directory' && onDisk !== 'zip') return reader.readZip(path, [bytes!]);
  const progress = progressOn(io, `Reading ${path}`, 'bytes');
  const tell = (done: number, total: number) => progress.update(done, total);
  try {
    return onDisk === 'directory'
      ? await reader.readFolder(path, reader.DEFAULT_LIMITS, tell)
      : await reader.readZipFile(path, reader.DEFAULT_LIMITS, tell);
  } finally {
    progress.stop();
  }
}

/** Whether a path on disk is a folder, a zip archive or another file; undefined when it is not on disk. */
async function diskKind(path: string): Promise<'directory' | 'zip' | 'file' | undefined> {
  const { readHead, stat } = await import('../fs.js');
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(path);
  } catch {
    return undefined;
  }
  if (st.isDirectory()) return 'directory';
  if (!st.isFile()) return 'file';
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
      `dsreg-doctor diagnose: ${root || 'files given'}: ${used} of ${list.length} file${list.length === 1 ? '' : 's'} used`,
    );
    const width = Math.min(40, Math.max(...list.map((f) => rel(f).length)));
    for (const f of [...list.filter((x) => x.used), ...list.filter((x) => !x.used)]) {
      const reason = root ? f.reason.split(`${root}/`).join('') : f.reason;
      out.push(`  ${f.used ? 'used   ' : 'ignored'}  ${rel(f).padEnd(width)}  ${reason}`);
    }
  }
  return out.join('\n');
}

// Paragraphs without hard line breaks: commander wraps them to the width of the help.
const DESCRIPTION = [
  'Read `dsregcmd /status` output and event logs (files, or - for standard input) and say whether ' +
    'the device is healthy, which phase of Microsoft Entra hybrid join (or of getting a Primary ' +
    'Refresh Token) failed, what each error code means, and what to do about it.',
  'The files of one call may describe one device or several, in any mix: captures of ' +
    '`dsregcmd /status` (one elevated, one as the user), and the User Device Registration/Admin and ' +
    'Microsoft-Windows-AAD logs as .evtx, XML (wevtutil, Event Viewer), CSV or JSON (Get-WinEvent). ' +
    'Inputs are grouped by device (DeviceId, else Device Name, else the Computer of the event ' +
    'records) and each device is diagnosed on its own. UTF-8 and UTF-16 are both read; prompts, ' +
    'banners and forum formatting are ignored.',
].join('\n\n');

const HELP_NOTES = [
  'A folder or a .zip (a log collection) is searched for `dsregcmd /status` captures and event log ' +
    'exports by content, not by name; the files used and left out are listed on standard error (and ' +
    'under "inputs" in the JSON). Zips are read with limits on the number of files, their total size ' +
    'and the compression ratio.',
  'Several devices: one report per device, most severe first, each headed by the device; with ' +
    '--format json one object per device, one per line (JSON Lines).',
  'Exit codes: 0 healthy (or only notes), 1 a finding at or above --fail-on (on any device), 2 bad ' +
    'usage or unreadable input.',
];

const HELP_EXAMPLES = [
  'dsreg-doctor diagnose examples/dsregcmd/join-fail-device-not-synced.txt',
  'dsregcmd /status | dsreg-doctor diagnose -',
  'dsreg-doctor diagnose status.txt --format json --fail-on error',
  'dsreg-doctor diagnose status.txt --now "2024-05-01 10:00:00 UTC"',
  'dsreg-doctor diagnose authlogs.zip --format html --redact --out report.html',
  'dsreg-doctor diagnose collected-logs/ --format md --redact --all',
];

export function registerDiagnose(program: Command, io: CliIO, state: CommandState): void {
  const cmd = program
    .command('diagnose')
    .summary('diagnose a device from `dsregcmd /status` output and event logs')
    .description(DESCRIPTION)
    .argument(
      '<file...>',
      'dsregcmd /status output, an event log export, or a folder or .zip of a log collection; - reads standard input',
    )
    .addOption(
      formatOption(['text', 'json', 'md', 'html'], 'output format: text, json, md (Markdown) or html'),
    )
    .addOption(outOption('the report'));
  addReadingOptions(cmd);
  addProbeOptions(cmd);
  addColorOptions(cmd);
  cmd
    .option('--all', 'every attempt in the timeline of the text and Markdown reports, not only the last 20')
    .addOption(maxInputOption());
  addHelpFooter(cmd, { notes: HELP_NOTES, examples: HELP_EXAMPLES });
  cmd.action(async (paths: string[], opts: DiagnoseOpts) => {
    state.code = await runDiagnose(paths, opts, io);
  });
}

/** --redact, --redact-times, --now and --fail-on: how the inputs are read and judged. */
function addReadingOptions(cmd: Command): void {
  cmd
    .option(
      '--redact',
      'replace tenant, device, user, domain and computer names and IDs, thumbprints, key and request IDs with stable pseudonyms before anything is read',
    )
    .option('--redact-times', 'with --redact, replace times and dates too (certificate validity, PRT times)')
    .addOption(
      nowOption(
        'when the capture was taken (ISO 8601): checks the PRT age and certificate dates against it; without it only the Client Time printed in the capture is used, never the clock',
      ),
    )
    .addOption(
      new Option('--fail-on <severity>', 'lowest severity that makes the exit code 1')
        .choices(['error', 'warning', 'never'])
        .default('warning'),
    );
}

/** --probe and what it takes: the live checks merged into the diagnosis. */
function addProbeOptions(cmd: Command): void {
  cmd
    .option(
      '--probe',
      'also run the live network and directory checks that the failing phase calls for (as `dsreg-doctor probe` does), for the user, domain and tenant the inputs name, and merge their findings',
    )
    .addOption(
      new Option('--cloud <cloud>', 'with --probe: the cloud whose endpoints to check')
        .choices(['public', 'usgov'])
        .default('public'),
    )
    .option('--probe-timeout <seconds>', 'with --probe: time allowed for each check', parseSeconds, 10);
}

/** The whole command: read, analyse once, probe, diagnose each device once, report. Returns the exit code. */
async function runDiagnose(paths: string[], opts: DiagnoseOpts, io: CliIO): Promise<number> {
  const collected = await collectInputs(paths, io, inputLimits(opts.maxInput));
  if (!collected) return 2;
  const redact = Boolean(opts.redact || opts.redactTimes);
  // Without redaction the redactor is not loaded (plainInputs gives what prepareInputs would).
  const prepared = redact
    ? (await import('../../redact/prepare.js')).prepareInputs(collected.inputs, true)
    : plainInputs(collected.inputs);
  const clean = (t: string) => (prepared.redactor ? prepared.redactor.text(t) : t);
  let analysis: Analysis;
  // The event logs of a large folder take a while to read: a line of the bytes read so far.
  const progress = progressOn(
    io,
    paths.length === 1 ? `Reading the logs of ${paths[0]}` : 'Reading the logs',
    'bytes',
  );
  try {
    analysis = analyze(prepared.inputs, {
      onProgress: (done, total) => progress.update(done, total),
      crc32: nodeCrc32,
    });
  } catch (err) {
    if (err instanceof InputError) {
      io.stderr(`dsreg-doctor diagnose: ${clean(err.message)}\n`);
      return 2;
    }
    throw err;
  } finally {
    progress.stop();
  }
  // Problems met while a large log was read record by record come first, as they were met.
  const streamed = collected.inputs.flatMap((i) => i.warnings ?? []);
  for (const w of [...streamed, ...prepared.warnings, ...analysis.warnings]) {
    io.stderr(`dsreg-doctor diagnose: warning: ${clean(formatWarning(w))}\n`);
  }
  const files = fileReports(analysis, prepared, collected, clean);
  if (collected.bundles.length > 0 && opts.format !== 'json') {
    io.stderr(`${describeInputs(files, collected.bundles.map(clean))}\n`);
  }

  const options: DiagnoseOptions = {};
  if (opts.now !== undefined) options.now = opts.now;
  const devices = analysis.devices;
  let diagnoses = await diagnoseAll(devices, options);
  if (opts.probe) diagnoses = await withProbes(devices, diagnoses, prepared.original, paths, opts, io);
  // The live checks' findings name real hosts and users: redacted like the rest.
  if (opts.probe && prepared.redactor) diagnoses = diagnoses.map((d) => prepared.redactor!.diagnosis(d));
  let texts = prepared.texts;
  if (opts.redactTimes) {
    const { createRedactor } = await import('../../redact/index.js');
    const times = createRedactor({ times: true, identifiers: false });
    diagnoses = diagnoses.map((d) => times.diagnosis(d));
    texts = texts.map((t) => ({ name: t.name, text: times.text(t.text) }));
  }

  const reports: DeviceReport[] = devices.map((g, i) => ({
    diagnosis: diagnoses[i]!,
    identity: g.identity,
    files: devices.length === 1 ? files : filesOf(g, files),
  }));
  const output = buildReport(bySeverity(reports), {
    format: opts.format,
    inputs: texts,
    redacted: redact,
    generator: `dsreg-doctor ${VERSION}`,
    width: opts.out === undefined ? Math.min(io.isTTY ? io.columns : 80, 100) : 80,
    colors: createColors(opts.format === 'text' && useColor(io, opts.color, opts.out)),
    allAttempts: Boolean(opts.all),
    allAttemptsHint: '--all shows every attempt',
  });
  if (prepared.redactor) {
    // Fail closed: a report that still holds a learned identifier is not printed.
    const leaks = prepared.redactor.leaks(output);
    if (leaks.length > 0) {
      io.stderr(
        `dsreg-doctor diagnose: redaction left ${leaks.length} identifier${leaks.length === 1 ? '' : 's'} in the report: nothing written (please report this as a bug)\n`,
      );
      return 2;
    }
  }
  if (!(await writeOutput(output, opts.out, io))) return 2;
  return Math.max(0, ...diagnoses.map((d) => exitCodeFor(d, opts.failOn)));
}

/** Every file looked at, in input order, then the files of bundles that were left out. */
function fileReports(
  analysis: Analysis,
  prepared: PreparedInputs<AnalyzeInput>,
  collected: Collected,
  clean: (t: string) => string,
): FileReport[] {
  return [
    ...analysis.inputs.map((x, i) => {
      // A large log read record by record reaches the analysis as its kept records: say what it was.
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
}

/** The files of one device among several: its own inputs, and every file no device used. */
function filesOf(device: DeviceGroup, files: FileReport[]): FileReport[] {
  const own = new Set(device.inputs);
  return files.filter((f) => own.has(f.name) || !f.used);
}

/**
 * Runs the live checks each device's failing phase calls for and merges their findings into its
 * diagnosis, as the evidence of one more input. The user, domain and tenant come from the inputs as
 * given (`original`, the evidence a redacted copy was made from): a redacted copy names nobody the
 * checks could ask about.
 */
async function withProbes(
  devices: DeviceGroup[],
  diagnoses: Diagnosis[],
  original: (evidence: DeviceEvidence) => DeviceEvidence,
  paths: string[],
  opts: DiagnoseOpts,
  io: CliIO,
): Promise<Diagnosis[]> {
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
  const source = paths[0] ?? '-';
  // Devices of one tenant and domain failing in one phase call for the same checks: run them once.
  const runs = new Map<string, Promise<Finding[]>>();
  const out: Diagnosis[] = [];
  for (const [i, g] of devices.entries()) {
    const subject = subjectOf(original(g.evidence));
    // The checks to run depend on the phase the inputs show failing.
    const diagnosis = diagnoses[i]!;
    const { phase } = diagnosis;
    const key = JSON.stringify([subject.upn, subject.domain, subject.tenantId, phase]);
    let run = runs.get(key);
    if (!run) {
      run = probeForDiagnosis({ ...subject, phase }, { ...probeOptions, source });
      runs.set(key, run);
    }
    // Each device gets its own copy: a diagnosis may be redacted or changed on its own.
    const findings = structuredClone(await run);
    out.push(addProbeFindings(diagnosis, [{ source: 'probe', findings }]));
  }
  return out;
}

/** Writes the report to the file or standard output; false (after a one-line error) when it cannot. */
async function writeOutput(output: string, out: string | undefined, io: CliIO): Promise<boolean> {
  if (out === undefined) {
    // Waits for a slow reader (a pipe into less or head): nothing is lost, memory stays bounded.
    await outputWriter(io)(output);
    return true;
  }
  const { writeFile } = await import('node:fs/promises');
  try {
    await writeFile(out, output);
    return true;
  } catch (err) {
    io.stderr(`dsreg-doctor diagnose: ${describeWriteError(out, err)}\n`);
    return false;
  }
}

/**
 * One diagnosis of each device, with codes named from the Windows headers too. The headers' table
 * (about 5,900 names) is loaded only for a device whose diagnosis asks the table anything: each is
 * diagnosed first with the guide's names behind a table that notes every question, and again with
 * the whole table if it was asked. The diagnosis is pure, so the second one is the one a diagnosis
 * with the whole table from the start would give; one that never asked could not differ.
 */
async function diagnoseAll(devices: DeviceGroup[], options: DiagnoseOptions): Promise<Diagnosis[]> {
  const { guideNames, loadCodeNames } = await import('../../kb/names.js');
  const guide = guideNames();
  let asked = false;
  const noting: CodeNames = {
    get generic() {
      asked = true;
      return guide.generic;
    },
    byValue: (value) => {
      asked = true;
      return guide.byValue(value);
    },
    byName: (name) => {
      asked = true;
      return guide.byName(name);
    },
    all: () => {
      asked = true;
      return guide.all();
    },
  };
  const out: Diagnosis[] = [];
  for (const g of devices) {
    asked = false;
    const first = diagnose(g.evidence, { ...options, names: noting });
    out.push(asked ? diagnose(g.evidence, { ...options, names: await loadCodeNames() }) : first);
  }
  return out;
}
