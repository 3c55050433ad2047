// `dsreg-doctor events FILE...`: the records of event logs (.evtx, or XML, CSV or JSON exports) as a
// readable table or as JSON lines for scripts, with filters. Damage inside a log is reported on
// standard error while every readable record is printed; a file that is no event log, or cannot be
// read, gets one line on standard error and exit code 2 (the other files are still read).
import { type Command, Option } from 'commander';
import pc from 'picocolors';
import { diagnose } from '../../diagnose.js';
import {
  type EventFilter,
  type EventFilterOptions,
  FilterError,
  matchesEventFilter,
  parseEventFilter,
} from '../../events/filter.js';
import { openEvents } from '../../events/read.js';
import { tableHeader, tableRow } from '../../events/table.js';
import type { EventRecord, ReadWarning } from '../../events/types.js';
import { formatWarning } from '../../events/warning.js';
import { loadCodeNames } from '../../kb/names.js';
import { timelineLines } from '../../report/text.js';
import { InputError } from '../../types.js';
import { inputLimits, maxInputOption, type OpenedInput, openInput, recordsOf } from '../intake.js';
import { type CliIO, describeReadError, lineWriter, outputWriter } from '../io.js';
import type { CommandState } from '../main.js';

interface EventsOptions extends EventFilterOptions {
  format: 'table' | 'jsonl';
  timeline?: boolean;
  maxInput?: number;
}

/** Warnings printed per file before the rest are only counted. */
const MAX_WARNINGS = 20;

/** One line of `--format jsonl`: the contract's fields in a fixed order. */
export function recordJson(r: EventRecord): string {
  const o: Record<string, unknown> = {
    source: r.source,
    recordId: r.recordId,
    time: r.time,
    provider: r.provider,
  };
  if (r.channel !== undefined) o.channel = r.channel;
  o.eventId = r.eventId;
  o.level = r.level;
  if (r.computer !== undefined) o.computer = r.computer;
  o.data = r.data;
  if (r.message !== undefined) o.message = r.message;
  return JSON.stringify(o);
}

export function registerEvents(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('events')
    .description('print the records of event logs: .evtx files, or XML, CSV or JSON exports')
    .argument(
      '<files...>',
      'event log files (.evtx, wevtutil or Event Viewer XML, CSV, Get-WinEvent JSON); - for stdin',
    )
    .addOption(
      new Option('-f, --format <format>', 'table, or jsonl (one JSON object per record)')
        .choices(['table', 'jsonl'])
        .default('table'),
    )
    .option('--id <ids>', 'only these event IDs, comma-separated, ranges allowed (304,305 or 1006-1007)')
    .option(
      '--provider <names>',
      'only these providers, comma-separated; "Microsoft-Windows-" optional, * wildcard',
    )
    .option(
      '--channel <names>',
      'only these channels (AAD/Operational, "User Device Registration/Admin", AAD/*)',
    )
    .option('--since <time>', 'only records at or after this ISO date or time (UTC unless a zone is given)')
    .option('--until <time>', 'only records at or before this ISO date or time (a date alone: to its end)')
    .option('--level <levels>', 'only these levels: critical, error, warning, information, verbose, or 0-5')
    .option(
      '--timeline',
      'tell the story instead of listing records: each join attempt (User Device Registration) and PRT attempt (Microsoft-Windows-AAD) in time order, with its outcome and codes; with --format jsonl, one attempt per line',
    )
    .addOption(maxInputOption())
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  dsreg-doctor events "Microsoft-Windows-User Device Registration%4Admin.evtx"\n' +
        '  dsreg-doctor events aad.xml --id 1006-1007,1081,1084 --level error,information\n' +
        '  wevtutil qe Microsoft-Windows-AAD/Operational /f:xml | dsreg-doctor events -\n' +
        '  dsreg-doctor events udr.json aad.csv --since 2026-10-03 --format jsonl\n' +
        '  dsreg-doctor events udr.evtx aad-operational.evtx aad-analytic.evtx --timeline\n' +
        '\nDamage inside a log is reported on standard error ("file: chunk N, record R, offset X: ...")\n' +
        'and every readable record is printed. Exit codes: 0 the files were read; 2 a file could not\n' +
        'be read or is no event log, or a bad option.\n',
    )
    .action(async (files: string[], opts: EventsOptions) => {
      state.code = await runEvents(files, opts, io);
    });
}

async function runEvents(files: string[], opts: EventsOptions, io: CliIO): Promise<number> {
  let filter: EventFilter;
  try {
    filter = parseEventFilter(opts);
  } catch (err) {
    if (!(err instanceof FilterError)) throw err;
    io.stderr(`dsreg-doctor events: ${err.message}\n`);
    return 2;
  }
  const filtering = Object.keys(filter).length > 0;
  const limits = inputLimits(opts.maxInput);
  const jsonl = opts.format === 'jsonl';
  const colors = pc.createColors(io.isTTY && !io.env.NO_COLOR && !jsonl);
  const paint = (level: number, text: string): string =>
    level === 1 || level === 2 ? colors.red(text) : level === 3 ? colors.yellow(text) : text;
  const width = Math.max(60, Math.min(io.columns || 80, 240));

  let code = 0;
  let read = 0;
  let shown = 0;
  let warnings = 0;
  // Every line goes through one writer that waits when the reader is slow (a pipe into `wc -l`).
  const out = lineWriter(outputWriter(io));
  const flush = (): Promise<void> => out.flush();
  let completed = 0;
  let headed = false;
  const story: EventRecord[] = [];

  for (const path of files) {
    let fileWarnings = 0;
    // Warnings come from inside the reader, which cannot wait: what is printed so far goes out
    // first (so standard output and standard error stay in order) and the loop waits for it.
    let written: Promise<void> | undefined;
    const onWarning = (w: ReadWarning): void => {
      fileWarnings++;
      warnings++;
      if (fileWarnings <= MAX_WARNINGS) {
        written = flush();
        io.stderr(`${formatWarning({ ...w, source: w.source ?? path })}\n`);
      }
    };
    let input: OpenedInput;
    try {
      // An .evtx on disk is read one chunk at a time, an export 64 KiB at a time: never whole.
      input = await openInput(path, io, { limits, onWarning, command: 'events' });
    } catch (err) {
      await flush();
      io.stderr(
        `dsreg-doctor events: ${err instanceof InputError ? err.message : describeReadError(path, err)}\n`,
      );
      code = 2;
      continue;
    }
    let fileShown = 0;
    try {
      const records =
        input.kind === 'zip'
          ? notAnEventLog(path)
          : input.kind === 'whole'
            ? openEvents(input.bytes, { source: path, onWarning }).records
            : recordsOf(input, onWarning);
      for await (const r of records) {
        if (written) {
          await written;
          written = undefined;
        }
        read++;
        if (filtering && !matchesEventFilter(r, filter)) continue;
        shown++;
        r.source = path;
        if (opts.timeline) {
          story.push(r);
          continue;
        }
        if (!jsonl) {
          // The header before the first record, a file's name before its first record when there are several.
          if (!headed) await out.push(tableHeader(width));
          headed = true;
          if (fileShown === 0 && files.length > 1) await out.push(colors.bold(`== ${path} ==`));
        }
        fileShown++;
        await out.push(jsonl ? recordJson(r) : tableRow(r, width, paint));
      }
      if (written) await written;
      completed++;
    } catch (err) {
      await flush();
      io.stderr(`dsreg-doctor events: ${describeInputError(path, err, io)}\n`);
      code = 2;
    } finally {
      if (input.kind === 'evtx-file') input.source.close();
    }
    if (fileWarnings > MAX_WARNINGS) {
      await flush();
      io.stderr(`${path}: ${fileWarnings - MAX_WARNINGS} more warnings not shown\n`);
    }
  }
  if (opts.timeline) {
    if (completed === 0 && story.length === 0) return code;
    const d = diagnose({ captures: [], events: story }, { names: await loadCodeNames() });
    if (jsonl) {
      for (const t of d.timeline ?? []) await out.push(JSON.stringify(t));
    } else {
      for (const line of timelineLines(d, Math.min(width, 100), colors)) await out.push(line);
      await out.push(colors.dim(`${story.length} record${story.length === 1 ? '' : 's'} read`));
    }
    await flush();
    return code;
  }
  if (!jsonl && (completed > 0 || shown > 0)) {
    const counts = filtering
      ? `${shown} of ${read} records shown`
      : `${shown} record${shown === 1 ? '' : 's'}`;
    const warned = warnings ? `; ${warnings} warning${warnings === 1 ? '' : 's'} on standard error` : '';
    await out.push(colors.dim(`${counts}${warned}`));
  }
  await flush();
  return code;
}

function notAnEventLog(path: string): never {
  throw new InputError(
    path,
    'a zip archive: `events` reads event logs (unpack it, or give it to `diagnose`)',
  );
}

/** One line for an error that stopped a file: ours say where; anything else is a reader bug, said plainly. */
function describeInputError(path: string, err: unknown, io: CliIO): string {
  if (err instanceof InputError) return err.message;
  const message = err instanceof Error ? err.message : String(err);
  if (io.env.DSREG_DOCTOR_DEBUG && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
  return `${path}: cannot be read: ${message}`;
}
