// `reconcile`: read AD computer exports, Entra device exports and device-side inputs, match them
// device by device and say what state each is in. Exports are streamed from disk in chunks into the
// core's readers (memory grows with the rows, not the file), with a progress line on a terminal.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { createColors } from 'picocolors';
import type { TextInput } from '../../diagnose.js';
import {
  type AdComputer,
  createExportReader,
  type DeviceReport,
  diagnoseDevice,
  type EntraDevice,
  type InputSummary,
  MIN_STALE_DAYS,
  type ReaderOptions,
  type Reconciliation,
  readerOptionsAfter,
  reconcile,
  sniffExport,
} from '../../reconcile/index.js';
import type { Palette } from '../../report/text.js';
import { InputError } from '../../types.js';
import { openChunks } from '../fs.js';
import { type CliIO, describeReadError, outputWriter } from '../io.js';
import { type CommandState, VERSION } from '../main.js';
import { helpFooter, parseNow, useColor } from '../options.js';
import { NO_PROGRESS, type Progress, progressOn } from '../progress.js';

interface ReconcileOpts {
  format: 'text' | 'json' | 'csv' | 'md' | 'html';
  out?: string;
  now?: string;
  staleDays: number;
  lists?: string;
  failOn: 'error' | 'warning' | 'never';
  progress: boolean;
  color?: boolean;
}

/** States that need no action, and those that are broken; the rest need a look. */
const GOOD_STATES = new Set(['registered', 'entra-joined']);
const BAD_STATES = new Set(['not-synced', 'orphaned', 'dual-state', 'duplicate', 'contradiction']);

/**
 * Colour for the text report on a terminal, added after it is laid out (widths are unchanged): the
 * headings bold, each state's heading in the colour of how bad it is, the fixes' "Do:" bold.
 */
export function colorReconcileText(text: string, c: Palette): string {
  const paint = (state: string, s: string) =>
    GOOD_STATES.has(state) ? c.green(s) : BAD_STATES.has(state) ? c.red(s) : c.yellow(s);
  return text
    .split('\n')
    .map((line, i) => {
      if (i === 0 || /^(State {2,}Devices|Actions:)/.test(line)) return c.bold(line);
      const heading = /^([A-Z][A-Z-]+) (\(\d+\):)(.*)$/.exec(line);
      if (heading)
        return `${c.bold(paint(heading[1]!.toLowerCase(), heading[1]!))} ${heading[2]}${heading[3]}`;
      return line.replace(/^( {4})Do: /, `$1${c.bold('Do:')} `);
    })
    .join('\n');
}

function parseStaleDays(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < MIN_STALE_DAYS || n > 3650) {
    throw new InvalidArgumentError(
      `give a whole number of days from ${MIN_STALE_DAYS} to 3650 (the last sign-in is updated only about every 14 days)`,
    );
  }
  return n;
}

const HEAD = 64 * 1024;

interface Collected {
  entra: EntraDevice[];
  ad: AdComputer[];
  diagnoses: DeviceReport[];
  inputs: InputSummary[];
}

/** Makes the progress line of one export being read (the shared line; nothing off a terminal). */
type ProgressFor = (path: string, size: number) => Progress;

async function readAll(
  paths: string[],
  io: CliIO,
  now: string,
  progressFor: ProgressFor,
): Promise<Collected> {
  const fs = await import('node:fs');
  const out: Collected = { entra: [], ad: [], diagnoses: [], inputs: [] };
  const onRow = (r: Parameters<Parameters<typeof createExportReader>[1]>[0]) => {
    if (r.kind === 'entra-devices') out.entra.push(r.row);
    else if (r.kind === 'ad-computers') out.ad.push(r.row);
    else out.diagnoses.push(r.row);
  };
  // The Entra exports first: then a computer whose device object is already known by its
  // objectGUID needs no certificate read (see skipCertificates). `inputs` keeps the given order.
  const slots: InputSummary[][] = paths.map(() => []);
  // Standard input and what is not a file on disk are only known once read: then every
  // certificate is read.
  let unsniffed = false;
  const entraFirst = paths.map((path, i) => ({ path, i, entra: sniffFile(path) === 'entra-devices' }));
  entraFirst.sort((a, b) => Number(b.entra) - Number(a.entra) || a.i - b.i);
  let options: ReaderOptions = {};
  for (const { path, i, entra } of entraFirst) {
    if (!entra && i === entraFirst.find((x) => !x.entra)?.i && !unsniffed)
      options = readerOptionsAfter(out.entra);
    try {
      const before = out.inputs.length;
      await readOne(path, options);
      slots[i] = out.inputs.splice(before);
    } catch (err) {
      if (err instanceof InputError || !(err as { code?: string }).code) throw err;
      throw new ReadFailure(describeReadError(path, err));
    }
  }
  out.inputs = slots.flat();
  return out;

  /** The kind of a regular file from its first bytes (undefined for the rest: read as they come). */
  function sniffFile(path: string): ReturnType<typeof sniffExport> {
    try {
      const st = path === '-' ? undefined : fs.statSync(path);
      if (!st) unsniffed = true;
      if (!st?.isFile() || path.toLowerCase().endsWith('.zip')) return undefined;
      const fd = fs.openSync(path, 'r');
      try {
        const head = new Uint8Array(Math.min(HEAD, st.size));
        fs.readSync(fd, head, 0, head.length, 0);
        return sniffExport(head, path);
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      unsniffed = true;
      return undefined;
    }
  }

  async function readOne(path: string, options: ReaderOptions): Promise<void> {
    let st: import('node:fs').Stats | undefined;
    try {
      st = path === '-' ? undefined : fs.statSync(path);
    } catch {
      st = undefined;
    }
    if (st?.isDirectory() || (st?.isFile() && path.toLowerCase().endsWith('.zip'))) {
      addDiagnosis(path, await readCollection(path, st.isDirectory(), now));
      return;
    }
    if (st?.isFile()) {
      const summary = await readExportFile(fs, path, st.size, onRow, options, progressFor);
      if (summary) {
        out.inputs.push(summary);
        return;
      }
    }
    // Standard input, an in-memory file, or a device-side input (capture, event log).
    const bytes = await io.read(path);
    if (sniffExport(bytes.subarray(0, HEAD), path)) {
      const reader = createExportReader(path, onRow, options);
      reader.push(bytes);
      out.inputs.push(reader.end());
      return;
    }
    const report = diagnoseDevice([{ name: path, bytes }], { now });
    if (report.joinType === 'unknown' && report.findingIds.length === 0) {
      throw new InputError(
        path,
        'not an export reconcile reads (Entra devices, AD computers, diagnoses) nor a device capture or event log',
      );
    }
    addDiagnosis(path, report);
  }

  function addDiagnosis(path: string, report: DeviceReport): void {
    out.diagnoses.push(report);
    out.inputs.push({ source: path, kind: 'device-diagnosis', rows: 1, skipped: 0, warnings: [] });
  }
}

/** A log collection (a folder or a .zip): all its files describe one device. */
async function readCollection(path: string, isFolder: boolean, now: string): Promise<DeviceReport> {
  const reader = await import('../../node/bundle-reader.js');
  const { classifyBundle } = await import('../../input/bundle.js');
  const bundle = isFolder ? await reader.readFolder(path) : await reader.readZipFile(path);
  const inputs: TextInput[] = classifyBundle(bundle.entries)
    .filter((c) => c.kind !== 'ignored')
    .map((c) => ({ name: c.name, bytes: (c as { bytes: Uint8Array }).bytes }));
  if (inputs.length === 0)
    throw new InputError(path, 'no `dsregcmd /status` capture or event log export found in it');
  const report = diagnoseDevice(inputs, { now });
  report.ref.source = path;
  return report;
}

/** An export on disk streamed into its reader in chunks; undefined when the file is no export. */
async function readExportFile(
  fs: typeof import('node:fs'),
  path: string,
  size: number,
  onRow: Parameters<typeof createExportReader>[1],
  options: ReaderOptions,
  progressFor: ProgressFor,
): Promise<InputSummary | undefined> {
  const fd = fs.openSync(path, 'r');
  let kind: ReturnType<typeof sniffExport>;
  try {
    const head = new Uint8Array(Math.min(HEAD, size));
    fs.readSync(fd, head, 0, head.length, 0);
    kind = sniffExport(head, path);
  } finally {
    fs.closeSync(fd);
  }
  if (!kind) return undefined;
  const reader = createExportReader(path, onRow, options);
  const progress = progressFor(path, size);
  let done = 0;
  // Read by fs.read in pieces (src/cli/fs.ts), not fs.createReadStream, whose node:stream a
  // start-up would otherwise load for this loop alone.
  const file = await openChunks(path, 256 * 1024);
  try {
    for await (const chunk of file.chunks) {
      reader.push(chunk);
      done += chunk.byteLength;
      progress.update(done);
    }
  } finally {
    file.close();
    progress.stop();
  }
  return reader.end();
}

/** A file that could not be read, as the one line to print. */
class ReadFailure extends Error {}

function exitCode(r: Reconciliation, failOn: ReconcileOpts['failOn']): number {
  if (failOn === 'never') return 0;
  const sev = r.devices.flatMap((d) => d.findings.map((f) => f.severity));
  if (sev.includes('error')) return 1;
  return failOn === 'warning' && sev.includes('warning') ? 1 : 0;
}

type Render = typeof import('../../reconcile/render.js');

/** The report in the chosen format, in pieces: JSON and HTML one a device or line, so a
 * 200,000-device report is written without ever being one string. */
function reportParts(
  result: Reconciliation,
  render: Render,
  io: CliIO,
  opts: ReconcileOpts,
): Iterable<string> {
  const generator = `dsreg-doctor ${VERSION}`;
  switch (opts.format) {
    case 'json':
      return render.reconcileJsonParts(result);
    case 'csv':
      return [render.renderReconcileCsv(result)];
    case 'md':
      return [render.renderReconcileMarkdown(result, { generator })];
    case 'html':
      return render.renderReconcileHtmlParts(result, { generator });
    default:
      return [
        colorReconcileText(
          render.renderReconcileText(result, { width: 80 }),
          createColors(useColor(io, opts.color, opts.out)),
        ),
      ];
  }
}

/** The action lists (--lists) and the report (--out, or standard output). */
async function writeOutputs(
  result: Reconciliation,
  render: Render,
  io: CliIO,
  opts: ReconcileOpts,
): Promise<void> {
  const parts = reportParts(result, render, io, opts);
  if (opts.lists !== undefined) {
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(opts.lists, { recursive: true });
    for (const [name, text] of Object.entries(render.renderActionLists(result.actions))) {
      await writeFile(`${opts.lists}/${name}`, text);
    }
  }
  if (opts.out !== undefined) {
    const { openSync, writeSync, closeSync } = await import('node:fs');
    const fd = openSync(opts.out, 'w');
    try {
      for (const p of parts) writeSync(fd, p);
    } finally {
      closeSync(fd);
    }
  } else {
    const write = outputWriter(io);
    for (const p of parts) await write(p);
  }
}

export function registerReconcile(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('reconcile')
    .summary('match AD computers, Entra devices and device diagnoses, and say what state each is in')
    .description(
      'Read an Active Directory computer export, a Microsoft Entra device export and, if you ' +
        'have them, device-side inputs (dsregcmd captures, log collections, diagnoses as JSON), ' +
        'match them device by device, and say for each device what state it is in (registered, ' +
        'pending, not-synced, orphaned, dual-state, disabled, stale, duplicate, entra-joined, ' +
        'registered-only, contradiction), why, and what to do. The kind of each file is told ' +
        'from its content: CSV, JSON or LDIF exports; anything `diagnose` reads.',
    )
    .argument('<file...>', 'exports and device inputs; - reads standard input')
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['text', 'json', 'csv', 'md', 'html'])
        .default('text'),
    )
    .option('-o, --out <file>', 'write the report to this file instead of standard output')
    .option('--now <time>', 'the reference time for ages and staleness (ISO 8601; default: now)', parseNow)
    .option(
      '--stale-days <days>',
      `days without sign-in and logon after which a device is stale (at least ${MIN_STALE_DAYS})`,
      parseStaleDays,
      90,
    )
    .option(
      '--lists <dir>',
      'write one CSV per action into this folder: dns-to-check.csv, objectids-to-disable.csv, devices-to-leave.csv',
    )
    .addOption(
      new Option('--fail-on <severity>', 'lowest severity of a finding that makes the exit code 1')
        .choices(['error', 'warning', 'never'])
        .default('warning'),
    )
    .option('--no-progress', 'no progress line on standard error')
    .option('--color', 'force colour, even when the output is not a terminal')
    .option('--no-color', 'no colour (NO_COLOR is honoured too)')
    .addHelpText(
      'after',
      helpFooter({
        notes: [
          'Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 bad usage or an unreadable input.',
        ],
        examples: [
          'dsreg-doctor reconcile ad-computers.csv entra-devices.csv',
          'dsreg-doctor reconcile ad.ldif devices.json status.txt --format html -o r.html',
          'dsreg-doctor reconcile ad.csv entra.csv --stale-days 120 --lists out/',
        ],
      }),
    )
    .action(async (paths: string[], opts: ReconcileOpts) => {
      const now = opts.now ?? io.now().toISOString();
      const progressFor: ProgressFor = (path, size) =>
        opts.progress && opts.out !== '-' ? progressOn(io, `Reading ${path}`, 'bytes', size) : NO_PROGRESS;
      let collected: Collected;
      try {
        collected = await readAll(paths, io, now, progressFor);
      } catch (err) {
        if (!(err instanceof InputError || err instanceof ReadFailure)) throw err;
        io.stderr(`dsreg-doctor reconcile: ${err.message}\n`);
        state.code = 2;
        return;
      }
      const result = reconcile(collected, { now, staleDays: opts.staleDays });
      // The warnings of the reconciliation's inputs: each export's own, and those of matching
      // (a computer found in two exports under two DNs).
      for (const i of result.inputs ?? [])
        for (const w of i.warnings) io.stderr(`dsreg-doctor reconcile: warning: ${i.source}: ${w}\n`);
      const render = await import('../../reconcile/render.js');
      try {
        await writeOutputs(result, render, io, opts);
      } catch (err) {
        const code = (err as { code?: string }).code ?? (err as Error).message;
        io.stderr(`dsreg-doctor reconcile: ${opts.out ?? opts.lists}: cannot write (${code})\n`);
        state.code = 2;
        return;
      }
      state.code = exitCode(result, opts.failOn);
    });
}
