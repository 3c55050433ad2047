// `dsreg-doctor rules`: every check the diagnosis runs, with the step of the guide it follows.
import { type Command, Option } from 'commander';
import { wrap } from '../../report/text.js';
import { RULES } from '../../rules/index.js';
import type { CliIO } from '../io.js';
import type { CommandState } from '../main.js';

export function registerRules(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('rules')
    .description('list the checks `diagnose` runs, each with the step of the guide it follows')
    .addOption(new Option('-f, --format <format>', 'text, or json').choices(['text', 'json']).default('text'))
    .action((opts: { format: 'text' | 'json' }) => {
      if (opts.format === 'json') {
        const rules = RULES.map(({ id, phase, step, description }) => ({ id, phase, step, description }));
        io.stdout(`${JSON.stringify(rules, null, 2)}\n`);
      } else {
        const lines: string[] = [];
        for (const r of RULES) {
          lines.push(`${r.id}${r.phase ? `  [${r.phase}]` : ''}`);
          lines.push(...wrap(r.description, 80, '    ', '    '));
          lines.push(...wrap(`Guide: ${r.step}`, 80, '    ', '    '), '');
        }
        lines.push(`${RULES.length} rules; findings name the rule that produced them.`);
        io.stdout(`${lines.join('\n')}\n`);
      }
      state.code = 0;
    });
}
