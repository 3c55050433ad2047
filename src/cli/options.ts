// The options every command spells the same way, and the one style of its messages:
//   -f, --format <format>   text for people, json for scripts (json wherever JSON is printed)
//   -o, --out <file>        the report to a file instead of standard output
//   --color, --no-color     force colour on or off (NO_COLOR and FORCE_COLOR are honoured)
//   --now <time>            where time matters: the time to judge against, never the clock
// and errors as one line, `dsreg-doctor <command>: ...`, commander's own included.
import { type AddHelpTextContext, type Command, InvalidArgumentError, Option } from 'commander';
import { parseDsregTime } from '../facts.js';
import { writeFile } from './fs.js';
import { type CliIO, outputWriter } from './io.js';

/** `-f, --format <format>` with the formats a command prints; the first is the default. */
export function formatOption(formats: readonly string[], description = 'output format'): Option {
  return new Option('-f, --format <format>', description).choices([...formats]).default(formats[0]);
}

/** `-o, --out <file>`. */
export function outOption(what = 'the output'): Option {
  return new Option('-o, --out <file>', `write ${what} to this file instead of standard output`);
}

/** `--color` and `--no-color`. */
export function addColorOptions(cmd: Command): Command {
  return cmd
    .option('--color', 'force colour, even when the output is not a terminal')
    .option('--no-color', 'no colour (NO_COLOR is honoured too)');
}

/** `--now <time>`: ISO 8601 or the "2019-01-31 09:16:43.000 UTC" form dsregcmd prints. */
export function nowOption(description: string): Option {
  return new Option('--now <time>', description).argParser(parseNow);
}

/** --now: ISO 8601 or the "2019-01-31 09:16:43.000 UTC" form dsregcmd prints, as ISO 8601. */
export function parseNow(value: string): string {
  const ms = parseDsregTime(value) ?? (/\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN);
  if (Number.isNaN(ms)) {
    throw new InvalidArgumentError(
      'give a date and time such as 2024-05-01T10:00:00Z or "2024-05-01 10:00:00.000 UTC"',
    );
  }
  return new Date(ms).toISOString();
}

/**
 * Whether to colour what goes to standard output: never into a file (--out) or with --no-color or
 * NO_COLOR; always with --color or FORCE_COLOR; otherwise only on a terminal.
 */
export function useColor(io: CliIO, flag: boolean | undefined, out?: string): boolean {
  if (out !== undefined || flag === false) return false;
  if (flag === true) return true;
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== '0') return true;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  return io.isTTY;
}

/** The width to wrap terminal text at: the terminal's, between 60 and 100; 80 into a file or a pipe. */
export function textWidth(io: CliIO, out?: string): number {
  if (out !== undefined || !io.isTTY) return 80;
  return Math.max(60, Math.min(io.columns || 80, 100));
}

/** One error line in the project's style: "dsreg-doctor lookup: unknown --format ...". */
export function errorLine(command: string | undefined, message: string): string {
  const text = message
    .replace(/^error:\s*/i, '')
    // "option '-f, --format <format>' argument 'x' is invalid." names the option as typed.
    .replace(/^option '(?:-\w, )?(--[\w-]+)[^']*' argument/, '$1: argument')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\(Did you mean/g, '(did you mean')
    .trim();
  return `dsreg-doctor${command ? ` ${command}` : ''}: ${text}\n`;
}

/** Prints one error line for `command` on standard error. */
export function fail(io: CliIO, command: string, message: string): void {
  io.stderr(errorLine(command, message));
}

/** A file system error on writing, as one line. */
export function describeWriteError(path: string, err: unknown): string {
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

/**
 * Writes `text` to --out, or to standard output without it. On a write error prints one line for
 * `command` and returns false.
 */
export async function emit(
  io: CliIO,
  command: string,
  out: string | undefined,
  text: string,
): Promise<boolean> {
  if (out === undefined || out === '-') {
    await outputWriter(io)(text);
    return true;
  }
  try {
    await writeFile(out, text);
    return true;
  } catch (err) {
    fail(io, command, describeWriteError(out, err));
    return false;
  }
}

/** A titled list in the help, "Environment:" and its variables, laid out as commander lays out options. */
export interface HelpSection {
  title: string;
  rows: [term: string, description: string][];
}

export interface HelpFooter {
  sections?: HelpSection[];
  notes?: string[];
  examples: string[];
}

/**
 * The end of a command's help: sections and notes (wrapped by commander to the help width, like the
 * rest of the help) and then the examples, always last, one command a line as it would be typed
 * (a long one split with ` \` and an indented next line, so that no line passes 80 columns).
 */
export function addHelpFooter(cmd: Command, footer: HelpFooter): Command {
  return cmd.addHelpText('after', helpFooter(footer));
}

/** The text of addHelpFooter, for `.addHelpText('after', helpFooter({...}))` in a chain. */
export function helpFooter(footer: HelpFooter): (context: AddHelpTextContext) => string {
  return (context) => {
    const helper = context.command.createHelp();
    const config = context.command.configureOutput();
    const width =
      (context.error ? config.getErrHelpWidth?.() : config.getOutHelpWidth?.()) ?? helper.helpWidth ?? 80;
    helper.helpWidth = width;
    const parts: string[] = [];
    for (const section of footer.sections ?? []) {
      const termWidth = Math.max(...section.rows.map(([term]) => term.length));
      parts.push('', `${section.title}:`);
      for (const [term, text] of section.rows) parts.push(helper.formatItem(term, termWidth, text, helper));
    }
    for (const note of footer.notes ?? []) parts.push('', helper.boxWrap(note, width));
    parts.push('', 'Examples:', ...footer.examples.map((e) => `  ${e}`));
    return parts.join('\n');
  };
}
