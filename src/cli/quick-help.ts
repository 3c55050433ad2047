// Help and the version, answered from text the build wrote, without loading the CLI.
//
// `dsreg-doctor --help` is the same text at every run for a given width: commander builds it from
// the command table and the options, which depend on nothing but the code. Building it costs more
// than the rest of the start-up (commander and the bundle that holds it), so the build runs every
// help of the program and of each command once per width (scripts/build.mjs, `writeHelpPages`)
// and writes what came out to dist/cli/help/<program or command>.json; the bin (bin/dsreg-doctor.js)
// hands the arguments here first when they look like a call for help, and runs the CLI only when
// nothing was written for them. A test (test/quick-help.test.ts) checks every page against main().
import { readFileSync } from 'node:fs';
import { fdColumns, fdIsTTY, writeFd } from './stdio.js';

/** The narrowest and widest help commander wraps to in a terminal; into a pipe or a file, 80. */
export const HELP_WIDTHS = { min: 60, max: 100, pipe: 80 } as const;

/** The width help is wrapped to: the terminal's, kept between 60 and 100 columns; 80 when no terminal. */
export function helpWidth(isTTY: boolean, columns: number): number {
  return isTTY
    ? Math.max(HELP_WIDTHS.min, Math.min(columns || HELP_WIDTHS.pipe, HELP_WIDTHS.max))
    : HELP_WIDTHS.pipe;
}

/** What one call for help printed: where, with which exit code, and its text at each width. */
export interface HelpPage {
  /** 1 for standard output, 2 for standard error. */
  fd: 1 | 2;
  code: number;
  /** For each width from HELP_WIDTHS.min to .max, the number of its text (see HelpPages.ends). */
  widths: number[];
}

/**
 * The first line of the file the build writes for the program ('main') or one command: its help
 * pages by arguments, and where each of the texts that follow that line ends.
 */
export interface HelpPages {
  /** Keyed by the arguments joined with spaces: '--help', 'diagnose -h', 'help diagnose' ... */
  pages: Record<string, HelpPage>;
  /** The end of each text, counted from the start of the texts (in UTF-16 code units). */
  ends: number[];
}

/** The forms of a call for help that the build writes, for the program and for each command. */
export const PROGRAM_FORMS: readonly string[][] = [[], ['--help'], ['-h'], ['help'], ['--version'], ['-V']];
export function commandForms(name: string): string[][] {
  return [
    [name, '--help'],
    [name, '-h'],
    ['help', name],
  ];
}

/** Words that may make a call for help: the bin asks here only when one is there (or none at all). */
export function mayBeHelp(argv: readonly string[]): boolean {
  return (
    argv.length === 0 || (argv.length <= 2 && argv.some((a) => /^(?:-h|--help|help|-V|--version)$/.test(a)))
  );
}

/** Whose pages these arguments ask for: the command's (as main() names it) or the program's ('main'). */
function pagesName(argv: readonly string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  if (name === undefined) return 'main';
  return /^[a-z]+$/.test(name) ? name : undefined;
}

/**
 * The page for these arguments at this width, from a file the build wrote (its pages on the first
 * line, then the texts); undefined when there is none.
 */
export function findPage(
  file: string,
  argv: readonly string[],
  width: number,
): { fd: 1 | 2; code: number; text: string } | undefined {
  const eol = file.indexOf('\n');
  const { pages, ends } = JSON.parse(file.slice(0, eol)) as HelpPages;
  const key = argv.join(' ');
  const page = Object.hasOwn(pages, key) ? pages[key] : undefined;
  const at = page?.widths[width - HELP_WIDTHS.min];
  if (page === undefined || at === undefined || ends[at] === undefined) return undefined;
  return {
    fd: page.fd,
    code: page.code,
    text: file.slice(eol + 1 + (ends[at - 1] ?? 0), eol + 1 + ends[at]),
  };
}

/**
 * Prints the help or version these arguments ask for, from the pages in `dir` (dist/cli/help/),
 * and returns the exit code; undefined, having printed nothing, when the build wrote no page for
 * them (the CLI then runs as usual).
 */
export function quickHelp(argv: readonly string[], dir: string): number | undefined {
  if (!mayBeHelp(argv)) return undefined;
  const name = pagesName(argv);
  if (name === undefined) return undefined;
  let page: ReturnType<typeof findPage>;
  try {
    page = findPage(readFileSync(`${dir}/${name}.txt`, 'utf8'), argv, helpWidth(fdIsTTY(1), fdColumns(1)));
  } catch {
    return undefined;
  }
  if (page === undefined) return undefined;
  writeFd(page.fd, page.text);
  return page.code;
}

export { whenFlushed } from './stdio.js';
