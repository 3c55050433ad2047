// The command line: parse arguments, hand each command its inputs, return an exit code.
// Exit codes: 0 healthy / success, 1 a finding at or above --fail-on, 2 bad usage or unreadable input.
//
// Start-up stays fast because a command's module (and everything it pulls in: the core, the XML
// parser, the LDAP client ...) is imported only when that command runs. `--help` lists the
// commands from the table below without loading any of them.
import { Command, CommanderError } from 'commander';
import { type CliIO, nodeIO } from './io.js';
import { addHelpFooter, errorLine } from './options.js';
import { helpWidth as widthOfHelp } from './quick-help.js';

/** For the build, which writes the help pages the bin prints without loading the CLI (scripts/build.mjs). */
export { commandForms, HELP_WIDTHS, PROGRAM_FORMS } from './quick-help.js';
/** For the bin: calls back once all output has left the process (src/cli/stdio.ts). */
export { whenFlushed } from './stdio.js';

export const VERSION = '0.1.0';

/** Each command registers itself; it sets `state.code` when it finishes. */
export interface CommandState {
  code: number;
}

export type Register = (program: Command, io: CliIO, state: CommandState) => void;

interface LazyCommand {
  name: string;
  /** One line for the command list of `dsreg-doctor --help` (the command's own help says more). */
  summary: string;
  load: () => Promise<Register>;
}

export const COMMANDS: readonly LazyCommand[] = [
  {
    name: 'diagnose',
    summary: 'diagnose a device from `dsregcmd /status` output and event logs',
    load: () => import('./commands/diagnose.js').then((m) => m.registerDiagnose),
  },
  {
    name: 'lookup',
    summary: 'explain any Windows or Entra error code, in any form',
    load: () => import('./commands/lookup.js').then((m) => m.registerLookup),
  },
  {
    name: 'redact',
    summary: 'write a copy of a dsregcmd capture or event export with identifiers replaced',
    load: () => import('./commands/redact.js').then((m) => m.registerRedact),
  },
  {
    name: 'events',
    summary: 'print the records of event logs (.evtx, XML, CSV or JSON exports)',
    load: () => import('./commands/events.js').then((m) => m.registerEvents),
  },
  {
    name: 'probe',
    summary: 'run the network and directory checks of the guide for real',
    load: () => import('./commands/probe.js').then((m) => m.registerProbe),
  },
  {
    name: 'reconcile',
    summary: 'match AD computers, Entra devices and device diagnoses into device states',
    load: () => import('./commands/reconcile.js').then((m) => m.registerReconcile),
  },
  {
    name: 'rules',
    summary: 'list the checks diagnose runs',
    load: () => import('./commands/rules.js').then((m) => m.registerRules),
  },
  {
    name: 'web',
    summary: 'serve the browser page on this computer',
    load: () => import('./commands/web.js').then((m) => m.registerWeb),
  },
  {
    name: 'serve',
    summary: 'run the fleet server and its dashboard',
    load: () => import('./commands/serve.js').then((m) => m.registerServe),
  },
  {
    name: 'push',
    summary: 'send collected captures and logs to a fleet server',
    load: () => import('./commands/push.js').then((m) => m.registerPush),
  },
];

/** Commands registered eagerly (kept for compatibility; prefer an entry in COMMANDS). */
const commands: Register[] = [];

/** The command the arguments name: the first word that is not an option, or after `help`. */
function commandName(argv: string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  if (words[0] === 'help') return words[1];
  return words[0];
}

export async function main(argv: string[], io: CliIO = nodeIO()): Promise<number> {
  const state: CommandState = { code: 0 };
  const program = new Command('dsreg-doctor')
    .description(
      'Find out why a Windows device failed Microsoft Entra hybrid join or lost its Primary Refresh ' +
        'Token, from `dsregcmd /status` output and event logs; explain any error code; check the ' +
        'network and directory as the guide asks.',
    )
    .version(VERSION, '-V, --version')
    .exitOverride();
  const wanted = commandName(argv);
  // Set before the commands are added, so that each inherits it: help wrapped to the terminal (at
  // most 100 columns, 80 into a pipe), and every error of commander's as one line in our style.
  const helpWidth = () => widthOfHelp(io.isTTY, io.columns);
  program.configureOutput({
    writeOut: (s) => io.stdout(s),
    writeErr: (s) => io.stderr(s),
    outputError: (s, write) =>
      write(errorLine(COMMANDS.some((c) => c.name === wanted) ? wanted : undefined, s)),
    getOutHelpWidth: helpWidth,
    getErrHelpWidth: helpWidth,
    // Our help and errors have no colour of their own; asking commander's default would build
    // Node's stream of standard output just to answer (see src/cli/stdio.ts).
    getOutHasColors: () => false,
    getErrHasColors: () => false,
  });

  // A run of one command needs no other: the others are listed only for the program's help, its
  // suggestions for a misspelt command and the error for an unknown one.
  const one =
    wanted !== undefined && argv[0] === wanted ? COMMANDS.find((c) => c.name === wanted) : undefined;
  for (const c of COMMANDS) {
    if (c.name === wanted) (await c.load())(program, io, state);
    else if (one === undefined)
      program.command(c.name).summary(c.summary).helpOption(false).allowUnknownOption();
  }
  for (const register of commands) register(program, io, state);
  addHelpFooter(program, {
    notes: ['Run `dsreg-doctor <command> --help` for the options of each command.'],
    examples: [
      'dsreg-doctor diagnose examples/dsregcmd/join-fail-device-not-synced.txt',
      'dsregcmd /status | dsreg-doctor diagnose -',
      'dsreg-doctor diagnose status.txt aad-operational.evtx --format json',
      'dsreg-doctor lookup 0x801c03f2',
    ],
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      if (err.code === 'commander.help') return 0;
      return 2;
    }
    throw err;
  }
  return state.code;
}
