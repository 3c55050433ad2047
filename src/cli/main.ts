// The command line: parse arguments, hand each command its inputs, return an exit code.
// Exit codes: 0 healthy / success, 1 a finding at or above --fail-on, 2 bad usage or unreadable input.
import { Command, CommanderError } from 'commander';
import { registerDiagnose } from './commands/diagnose.js';
import { registerLookup } from './commands/lookup.js';
import { type CliIO, nodeIO } from './io.js';

export const VERSION = '0.1.0';

/** Each command registers itself here; it sets `state.code` when it finishes. */
export interface CommandState {
  code: number;
}

type Register = (program: Command, io: CliIO, state: CommandState) => void;
const commands: Register[] = [registerDiagnose, registerLookup];

export async function main(argv: string[], io: CliIO = nodeIO()): Promise<number> {
  const state: CommandState = { code: 0 };
  const program = new Command('dsreg-doctor')
    .description(
      'Find out why a Windows device failed Microsoft Entra hybrid join or lost its Primary Refresh\n' +
        'Token: give it `dsregcmd /status` output (and, with other commands, event logs or codes).',
    )
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: (s, write) => write(s),
    })
    .exitOverride();
  for (const register of commands) register(program, io, state);
  program.addHelpText(
    'after',
    '\nExamples:\n' +
      '  dsreg-doctor diagnose examples/dsregcmd/join-fail-directoryerror.txt\n' +
      '  dsregcmd /status | dsreg-doctor diagnose -\n' +
      '  dsreg-doctor diagnose status.txt --format json\n',
  );
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
