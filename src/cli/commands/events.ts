// `dsreg-doctor events PATH...`: the records of event logs (.evtx, or XML, CSV or JSON exports, on
// their own or in a folder or a .zip) as a readable table or as JSON lines for scripts, with
// filters. The records of several logs come out in one time order (merged as they are read: each
// log is read once, record by record). Damage inside a log is reported on standard error while
// every readable record is printed; a file that is no event log, or cannot be read, gets one line
// on standard error and exit code 2 (the other files are still read).
import type { Command } from 'commander';
import pc from 'picocolors';
import {
  type EventFilter,
  type EventFilterOptions,
  FilterError,
  matchesEventFilter,
  parseEventFilter,
} from '../../events/filter.js';
import { openEvents } from '../../events/read.js';
import { detailItems, tableHeader, tableRow } from '../../events/table.js';
import type { EventRecord, ReadWarning } from '../../events/types.js';
import { formatWarning } from '../../events/warning.js';
import { nodeCrc32 } from '../../node/crc32.js';
import { InputError } from '../../types.js';
import {
  type InputLimits,
  inputLimits,
  jsonLinesOf,
  maxInputOption,
  type OpenedInput,
  openInput,
  recordsOf,
} from '../intake.js';
import {
  type CliIO,
  describeReadError,
  drainingWriter,
  type LineWriter,
  lineWriter,
  outputWriter,
} from '../io.js';
import type { CommandState } from '../main.js';
import {
  addColorOptions,
  addHelpFooter,
  describeWriteError,
  fail,
  formatOption,
  outOption,
  useColor,
} from '../options.js';
import { NO_PROGRESS, type Progress, progressOn } from '../progress.js';

interface EventsOptions extends EventFilterOptions {
  format: 'table' | 'json' | 'jsonl';
  timeline?: boolean;
  maxInput?: number;
  out?: string;
  color?: boolean;
  wide?: boolean;
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
  const cmd = program
    .command('events')
    .summary('print the records of event logs (.evtx, XML, CSV or JSON exports)')
    .description(
      'Print the records of event logs: .evtx files, or XML, CSV or JSON exports, on their own or in ' +
        'a folder or a .zip (a log collection, whose event logs are found by content). The records ' +
        'of several logs come out in one time order, as the guide reads them (the AAD Analytic ' +
        '1006/1007 beside the Operational 1081); a log written newest first is put in time order ' +
        'too. Filters keep the records wanted; --timeline tells the join and PRT attempts instead.',
    )
    .argument(
      '<paths...>',
      'event log files (.evtx, wevtutil or Event Viewer XML, CSV, Get-WinEvent JSON), folders or .zip files; - for stdin',
    )
    .addOption(
      formatOption(
        ['table', 'json', 'jsonl'],
        'table, or json (one JSON object per record, JSON Lines; jsonl is the same)',
      ),
    )
    .addOption(outOption('the records'))
    .option('--wide', 'print every value whole in the table: nothing cut, as many lines as a record needs')
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
      'tell the story instead of listing records: each join attempt (User Device Registration) and PRT attempt (Microsoft-Windows-AAD) in time order, with its outcome and codes; with --format json, one attempt per line',
    );
  addColorOptions(cmd);
  cmd.addOption(maxInputOption());
  addHelpFooter(cmd, {
    notes: [
      'Damage inside a log is reported on standard error ("file: chunk N, record R, offset X: ...") and every readable record is printed.',
      'Exit codes: 0 the files were read; 2 a file could not be read or is no event log, or a bad option.',
    ],
    examples: [
      'dsreg-doctor events "Microsoft-Windows-User Device Registration%4Admin.evtx"',
      'dsreg-doctor events aad.xml --id 1006-1007,1081,1084 --level error,information',
      'wevtutil qe Microsoft-Windows-AAD/Operational /f:xml | dsreg-doctor events -',
      'dsreg-doctor events udr.json aad.csv --since 2026-10-03 --format json',
      'dsreg-doctor events authlogs.zip --id 1006,1007,1081 --wide',
      'dsreg-doctor events udr.evtx aad-operational.evtx aad-analytic.evtx --timeline',
    ],
  });
  cmd.action(async (files: string[], opts: EventsOptions) => {
    state.code = await runEvents(files, opts, io);
  });
}

/** One event log being read: its records (in its own order), and how many warnings it gave. */
interface Source {
  name: string;
  records: AsyncIterable<EventRecord> | Iterable<EventRecord>;
  /**
   * For an .evtx on disk: the JSON line of each record written straight from the reader
   * (readEvtxJson: the same bytes as recordJson of each record, without building the records).
   */
  jsonLines?: () => Iterable<string>;
  close(): void;
}

/** What a run shares between its pieces: the output, the warnings, the exit code. */
interface Run {
  io: CliIO;
  out: LineWriter;
  /** Output written before a warning, which the reading waits for (see warn). */
  pending?: Promise<void>;
  code: number;
  /** Logs read to their end. */
  completed: number;
  warnings: number;
  warned: Map<string, number>;
  progress: Progress;
}

async function runEvents(paths: string[], opts: EventsOptions, io: CliIO): Promise<number> {
  let filter: EventFilter;
  try {
    filter = parseEventFilter(opts);
  } catch (err) {
    if (!(err instanceof FilterError)) throw err;
    fail(io, 'events', err.message);
    return 2;
  }
  const output = await openOutput(io, opts.out);
  if (typeof output === 'string') {
    fail(io, 'events', output);
    return 2;
  }
  const json = opts.format !== 'table';
  // The records show as they are read on a terminal; progress is for output that waits (a file, a
  // pipe, the timeline printed at the end).
  const deferred = opts.out !== undefined || !io.isTTY || Boolean(opts.timeline);
  const run: Run = {
    io,
    out: lineWriter(output.write),
    code: 0,
    completed: 0,
    warnings: 0,
    warned: new Map(),
    // Set once the logs are open: a folder or a zip read before shows its own line of bytes read.
    progress: NO_PROGRESS,
  };
  try {
    const sources = await openSources(paths, io, inputLimits(opts.maxInput), run);
    run.progress = progressOf(io, paths, deferred);
    const only = sources.length === 1 ? sources[0] : undefined;
    if (json && !opts.timeline && Object.keys(filter).length === 0 && only?.jsonLines) {
      // One .evtx, every record, as JSON: nothing to filter, merge or order.
      for await (const line of safely(only, run, only.jsonLines())) await run.out.push(line);
      return run.code;
    }
    const records = inTimeOrder(sources.map((s) => safely(s, run)));
    if (opts.timeline) await printTimeline(records, json, filter, opts, run);
    else await printRecords(records, sources.length, filter, opts, run);
  } finally {
    run.progress.stop();
    await run.out.flush();
    await output.close();
  }
  return run.code;
}

/** Standard output, or the file of --out (its error as one line, returned as a string). */
async function openOutput(
  io: CliIO,
  out: string | undefined,
): Promise<{ write(text: string): Promise<void>; close(): Promise<void> } | string> {
  if (out === undefined || out === '-') return { write: outputWriter(io), close: async () => {} };
  const { open } = await import('node:fs/promises');
  try {
    const stream = (await open(out, 'w')).createWriteStream();
    return {
      write: drainingWriter(stream),
      close: () => new Promise<void>((resolve) => stream.end(resolve)),
    };
  } catch (err) {
    return describeWriteError(out, err);
  }
}

/** A progress line on standard error (a terminal only) while the records are read, when asked for. */
function progressOf(io: CliIO, paths: string[], wanted: boolean): Progress {
  const label = paths.length === 1 ? `Reading ${paths[0]}` : `Reading ${paths.length} inputs`;
  return progressOn({ ...io, stderrIsTTY: wanted && Boolean(io.stderrIsTTY) }, label, 'records');
}

/** One line on standard error, after what is printed so far (so the two streams stay in order). */
async function report(run: Run, line: string): Promise<void> {
  await run.out.flush();
  run.io.stderr(`${line}\n`);
}

/** Where the reading problems of a log go: the first ones printed, the rest counted. */
function warner(run: Run, name: string): (w: ReadWarning) => void {
  return (w) => {
    const n = (run.warned.get(name) ?? 0) + 1;
    run.warned.set(name, n);
    run.warnings++;
    // Warnings come from inside the reader, which cannot wait: what is printed so far goes out
    // first and the reading waits for it before the next record.
    if (n <= MAX_WARNINGS) {
      run.pending = run.out.flush();
      run.io.stderr(`${formatWarning({ ...w, source: w.source ?? name })}\n`);
    }
  };
}

/**
 * Opens every path: a file (an .evtx on disk is read one chunk at a time, an export 64 KiB at a
 * time: never whole), standard input, or a folder or a .zip, whose event logs are found by content.
 * A path that cannot be read gets one line and exit code 2; the others are still read.
 */
async function openSources(paths: string[], io: CliIO, limits: InputLimits, run: Run): Promise<Source[]> {
  const sources: Source[] = [];
  for (const given of paths) {
    // "logs/" (what tab completion types) is the folder "logs": its files are named "logs/...".
    const path = given.length > 1 ? given.replace(/(?<=[^/\\])[/\\]+$/, '') : given;
    try {
      if (path !== '-' && (await isFolder(path))) {
        sources.push(...(await bundleSources(path, undefined, run)));
        continue;
      }
      const onWarning = warner(run, path);
      const input: OpenedInput = await openInput(path, io, { limits, onWarning, command: 'events' });
      if (input.kind === 'zip') {
        sources.push(...(await bundleSources(path, input.bytes, run)));
        continue;
      }
      const records =
        input.kind === 'whole'
          ? openEvents(input.bytes, { source: path, onWarning, crc32: nodeCrc32 }).records
          : recordsOf(input, onWarning);
      sources.push({
        name: path,
        records,
        ...(input.kind === 'evtx-file' ? { jsonLines: () => jsonLinesOf(input, onWarning) } : {}),
        close: () => {
          if (input.kind === 'evtx-file') input.source.close();
        },
      });
    } catch (err) {
      await report(
        run,
        `dsreg-doctor events: ${err instanceof InputError ? err.message : describeReadError(path, err)}`,
      );
      run.code = 2;
    }
  }
  return sources;
}

async function isFolder(path: string): Promise<boolean> {
  const { stat } = await import('../fs.js');
  return stat(path).then(
    (st) => st.isDirectory(),
    () => false,
  );
}

/**
 * The event logs of a folder or a .zip (from disk, or the bytes of one given on standard input),
 * found by content; one line on standard error says how many there were and what was left out.
 */
async function bundleSources(path: string, bytes: Uint8Array | undefined, run: Run): Promise<Source[]> {
  const reader = await import('../../node/bundle-reader.js');
  const { classifyBundle } = await import('../../input/bundle.js');
  // Read from disk with a line of the bytes read (a terminal only: nothing is printed yet).
  const progress = bytes === undefined ? progressOn(run.io, `Reading ${path}`, 'bytes') : NO_PROGRESS;
  const tell = (done: number, total: number) => progress.update(done, total);
  const bundle = await (bytes !== undefined
    ? reader.readZip(path, [bytes])
    : (await isFolder(path))
      ? reader.readFolder(path, reader.DEFAULT_LIMITS, tell)
      : reader.readZipFile(path, reader.DEFAULT_LIMITS, tell)
  ).finally(() => progress.stop());
  const logs = classifyBundle(bundle.entries).filter((e) => e.kind !== 'ignored' && e.kind !== 'dsregcmd');
  const others = bundle.entries.length + bundle.skipped.length - logs.length;
  if (logs.length === 0) throw new InputError(path, 'no event log export found in it');
  await report(
    run,
    `dsreg-doctor events: ${path}: ${logs.length} event log${logs.length === 1 ? '' : 's'} read` +
      (others > 0 ? `; ${others} other file${others === 1 ? '' : 's'} left out` : ''),
  );
  return logs.map((e) => ({
    name: e.name,
    records: openEvents(e.bytes, { source: e.name, onWarning: warner(run, e.name), crc32: nodeCrc32 })
      .records,
    close: () => {},
  }));
}

/** A log's records, or as many as could be read: an error that stops it is one line, exit code 2. */
function safely(source: Source, run: Run): AsyncGenerator<EventRecord>;
function safely(source: Source, run: Run, lines: Iterable<string>): AsyncGenerator<string>;
async function* safely(
  source: Source,
  run: Run,
  lines?: Iterable<string>,
): AsyncGenerator<EventRecord | string> {
  try {
    for await (const r of lines ?? source.records) {
      if (run.pending) {
        await run.pending;
        run.pending = undefined;
      }
      if (typeof r !== 'string') r.source = source.name;
      run.progress.increment();
      yield r;
    }
    if (run.pending) await run.pending;
    run.pending = undefined;
    run.completed++;
  } catch (err) {
    await report(run, `dsreg-doctor events: ${describeInputError(source.name, err, run.io)}`);
    run.code = 2;
  } finally {
    source.close();
    const n = run.warned.get(source.name) ?? 0;
    if (n > MAX_WARNINGS) await report(run, `${source.name}: ${n - MAX_WARNINGS} more warnings not shown`);
  }
}

/**
 * A record's time as a number to order by, in milliseconds with the fraction the log keeps (event
 * times have seven digits: two records of one millisecond stay apart); NaN when it has none.
 */
function timeOf(r: EventRecord): number {
  const ms = Date.parse(r.time);
  const fraction = /:\d\d\.(\d{4,})/.exec(r.time)?.[1];
  return fraction === undefined ? ms : Math.floor(ms / 1000) * 1000 + Number(`0.${fraction}`) * 1000;
}

/**
 * The records of a log in time order. A log that goes forward in time (an .evtx, a wevtutil export)
 * is passed through as it is read; one that goes backwards (Get-WinEvent and Event Viewer exports
 * list the newest first) is read whole and put in time order, ties kept in file order.
 */
async function* forwardInTime(records: AsyncIterable<EventRecord>): AsyncGenerator<EventRecord> {
  const it = records[Symbol.asyncIterator]();
  const first: EventRecord[] = [];
  let firstTime = Number.NaN;
  let backwards = false;
  let ended = false;
  try {
    for (;;) {
      const next = await it.next();
      if (next.done) {
        ended = true;
        break;
      }
      first.push(next.value);
      const t = timeOf(next.value);
      if (Number.isNaN(t)) continue;
      if (Number.isNaN(firstTime)) firstTime = t;
      else if (t !== firstTime) {
        backwards = t < firstTime;
        break;
      }
    }
    if (backwards) {
      for (let next = await it.next(); !next.done; next = await it.next()) first.push(next.value);
      ended = true;
      yield* sortedByTime(first);
      return;
    }
    yield* first;
    if (!ended) for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
  } finally {
    await it.return?.();
  }
}

/** Records sorted by time, stable; a record without a time stays after the one before it. */
function sortedByTime(records: EventRecord[]): EventRecord[] {
  let last = Number.NEGATIVE_INFINITY;
  const keyed = records.map((r, i) => {
    const t = timeOf(r);
    if (!Number.isNaN(t)) last = t;
    return { r, i, t: Number.isNaN(t) ? last : t };
  });
  keyed.sort((a, b) => a.t - b.t || a.i - b.i);
  return keyed.map((k) => k.r);
}

/**
 * The records of several logs merged into one time order, each log read as the merge needs it; a
 * tie goes to the log given first. One log is passed through in its own order.
 */
async function* inTimeOrder(logs: AsyncIterable<EventRecord>[]): AsyncGenerator<EventRecord> {
  if (logs.length === 1) {
    yield* logs[0]!;
    return;
  }
  const its = logs.map((l) => forwardInTime(l));
  const heads: (EventRecord | undefined)[] = [];
  const times: number[] = [];
  const pull = async (i: number): Promise<void> => {
    const next = await its[i]!.next();
    heads[i] = next.done ? undefined : next.value;
    if (!next.done) {
      const t = timeOf(next.value);
      // A record without a time keeps the place of the one before it in its log.
      times[i] = Number.isNaN(t) ? (times[i] ?? Number.NEGATIVE_INFINITY) : t;
    }
  };
  try {
    for (let i = 0; i < its.length; i++) await pull(i);
    for (;;) {
      let best = -1;
      for (let i = 0; i < its.length; i++) {
        if (heads[i] !== undefined && (best < 0 || times[i]! < times[best]!)) best = i;
      }
      if (best < 0) return;
      yield heads[best]!;
      await pull(best);
    }
  } finally {
    for (const it of its) await it.return(undefined);
  }
}

async function printRecords(
  records: AsyncIterable<EventRecord>,
  logs: number,
  filter: EventFilter,
  opts: EventsOptions,
  run: Run,
): Promise<void> {
  const { io, out } = run;
  const json = opts.format !== 'table';
  const filtering = Object.keys(filter).length > 0;
  const colors = pc.createColors(!json && useColor(io, opts.color, opts.out));
  const paint = (level: number, text: string): string =>
    level === 1 || level === 2 ? colors.red(text) : level === 3 ? colors.yellow(text) : text;
  const width = opts.out !== undefined ? 80 : Math.max(60, Math.min(io.columns || 80, 240));
  let read = 0;
  let shown = 0;
  let lastSource: string | undefined;
  for await (const r of records) {
    read++;
    if (filtering && !matchesEventFilter(r, filter)) continue;
    shown++;
    if (json) {
      await out.push(recordJson(r));
      continue;
    }
    // The header before the first record; with several logs, a log's name before each run of its records.
    if (shown === 1) await out.push(tableHeader(width));
    if (logs > 1 && r.source !== lastSource) await out.push(colors.bold(`== ${r.source} ==`));
    lastSource = r.source;
    await out.push(opts.wide ? wideRow(r, width, paint) : tableRow(r, width, paint));
  }
  if (!json && (run.completed > 0 || shown > 0)) {
    const counts = filtering
      ? `${shown} of ${read} records shown`
      : `${shown} record${shown === 1 ? '' : 's'}`;
    const warned = run.warnings
      ? `; ${run.warnings} warning${run.warnings === 1 ? '' : 's'} on standard error`
      : '';
    await out.push(colors.dim(`${counts}${warned}`));
  }
}

async function printTimeline(
  records: AsyncIterable<EventRecord>,
  json: boolean,
  filter: EventFilter,
  opts: EventsOptions,
  run: Run,
): Promise<void> {
  const filtering = Object.keys(filter).length > 0;
  const story: EventRecord[] = [];
  for await (const r of records) if (!filtering || matchesEventFilter(r, filter)) story.push(r);
  run.progress.stop();
  if (story.length === 0 && run.completed === 0) return;
  // The diagnosis, the names and the renderer load for --timeline only: listing records needs none.
  const [{ diagnose }, { loadCodeNames }, { timelineLines }] = await Promise.all([
    import('../../diagnose.js'),
    import('../../kb/names.js'),
    import('../../report/text.js'),
  ]);
  const d = diagnose({ captures: [], events: story }, { names: await loadCodeNames() });
  if (json) {
    for (const t of d.timeline ?? []) await run.out.push(JSON.stringify(t));
    return;
  }
  const colors = pc.createColors(useColor(run.io, opts.color, opts.out));
  const width = opts.out !== undefined ? 80 : Math.max(60, Math.min(run.io.columns || 80, 100));
  // Every attempt: listing records is what `events` is for.
  for (const line of timelineLines(d, width, colors, true)) await run.out.push(line);
  await run.out.push(colors.dim(`${story.length} record${story.length === 1 ? '' : 's'} read`));
}

/** Where the values of a record start in the table (time, level, ID and provider before them). */
const DETAILS_AT = 52;

/**
 * A record of the table with --wide: the same first columns, then every value whole, as many lines
 * as it takes (a value longer than a line gets a line of its own, uncut).
 */
export function wideRow(
  r: EventRecord,
  width: number,
  paint: (level: number, text: string) => string,
): string {
  const { message: _message, ...bare } = r;
  const head = tableRow({ ...bare, data: {} }, width, paint);
  const visible = head.replace(/\u001b\[[0-9;]*m/g, '').length;
  const lines = [head + ' '.repeat(Math.max(1, DETAILS_AT - visible))];
  let room = width - DETAILS_AT;
  let fresh = true;
  for (const item of detailItems(r)) {
    if (!fresh && item.length + 1 > room) {
      lines.push('    ');
      room = width - 4;
      fresh = true;
    }
    lines[lines.length - 1] += fresh ? item : ` ${item}`;
    room -= fresh ? item.length : item.length + 1;
    fresh = false;
  }
  return lines.map((l) => l.trimEnd()).join('\n');
}

/** One line for an error that stopped a file: ours say where; anything else is a reader bug, said plainly. */
function describeInputError(path: string, err: unknown, io: CliIO): string {
  if (err instanceof InputError) return err.message;
  const message = err instanceof Error ? err.message : String(err);
  if (io.env.DSREG_DOCTOR_DEBUG && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
  return `${path}: cannot be read: ${message}`;
}
