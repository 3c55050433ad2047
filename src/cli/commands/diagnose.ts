import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import type { CommandState } from '../main.js';

export function registerDiagnose(program: Command, _io: CliIO, _state: CommandState): void {
  program.command('diagnose').description('diagnose a device from its dsregcmd /status output');
}
