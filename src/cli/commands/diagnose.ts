import { type Command, InvalidArgumentError, Option } from 'commander';
import { createColors } from 'picocolors';
import { type Analysis, analyzeInputs, type TextInput } from '../../diagnose.js';
import type { ReadWarning } from '../../events/types.js';
import { parseDsregTime } from '../../facts.js';
import { loadGenericNames } from '../../kb/names.js';
import { renderText } from '../../report/text.js';
import { type Diagnosis, InputError } from '../../types.js';
import { type CliIO, describeReadError } from '../io.js';
import type { CommandState } from '../main.js';

export type FailOn = 'error' | 'warning' | 'never';

/** One line for a reading problem: where it is (file, chunk, record, offset or line) and what. */
export function formatWarning(w: ReadWarning): string {
  const where = [
    w.source ?? '-',
    w.line !== undefined ? `line ${w.line}` : undefined,
    w.chunk !== undefined ? `chunk ${w.chunk}` : undefined,
    w.recordId !== undefined ? `record ${w.recordId}` : undefined,
    w.offset !== undefined ? `offset ${w.offset}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  return `${where}: ${w.message}`;
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
  format: 'text' | 'json';
  now?: string;
  failOn: FailOn;
  color?: boolean;
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
    .argument('<file...>', 'dsregcmd /status output or an event log export; - reads standard input')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
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
    .option('--color', 'force colour')
    .option('--no-color', 'no colour (NO_COLOR is honoured too)')
    .addHelpText(
      'after',
      '\nExit codes: 0 healthy (or only notes), 1 a finding at or above --fail-on, 2 bad usage\n' +
        'or unreadable input.\n\n' +
        'Examples:\n' +
        '  dsreg-doctor diagnose examples/dsregcmd/join-fail-device-not-synced.txt\n' +
        '  dsregcmd /status | dsreg-doctor diagnose -\n' +
        '  dsreg-doctor diagnose status.txt --format json --fail-on error\n' +
        '  dsreg-doctor diagnose status.txt --now "2024-05-01 10:00:00 UTC"',
    )
    .action(async (files: string[], opts: DiagnoseOpts) => {
      const inputs = await readInputs(files, io);
      if (!inputs) {
        state.code = 2;
        return;
      }
      let analysis: Analysis;
      try {
        await loadGenericNames();
        analysis = analyzeInputs(inputs, opts.now !== undefined ? { now: opts.now } : {});
      } catch (err) {
        if (err instanceof InputError) {
          io.stderr(`dsreg-doctor: ${err.message}\n`);
          state.code = 2;
          return;
        }
        throw err;
      }
      for (const w of analysis.warnings) io.stderr(`dsreg-doctor: warning: ${formatWarning(w)}\n`);
      const d = analysis.diagnosis;
      if (opts.format === 'json') {
        io.stdout(`${JSON.stringify(d, null, 2)}\n`);
      } else {
        const colors = createColors(useColor(io, opts.color));
        io.stdout(renderText(d, { width: Math.min(io.isTTY ? io.columns : 80, 100), colors }));
      }
      state.code = exitCodeFor(d, opts.failOn);
    });
}
