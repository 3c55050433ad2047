// `dsreg-doctor rules`: every check the diagnosis runs, with the step of the guide it follows and
// the findings it can report. The README's list of checks is this list (a test holds them equal).
import { type Command, Option } from 'commander';
import { wrap } from '../../report/text.js';
import { RULES, type Rule } from '../../rules/index.js';
import { SEVERITIES, type Severity } from '../../types.js';
import type { CliIO } from '../io.js';
import type { CommandState } from '../main.js';

/** One rule as `rules --format json` prints it. */
export interface RuleListing {
  id: string;
  description: string;
  phase: Rule['phase'];
  step: string;
  docs: string[];
  findings: { id: string; severity: Severity; title: string }[];
}

export function ruleListing(rules: readonly Rule[] = RULES): RuleListing[] {
  return rules.map((r) => ({
    id: r.id,
    description: r.description,
    phase: r.phase,
    step: r.step,
    docs: [...r.docs],
    findings: Object.entries(r.findings).map(([id, f]) => ({ id, severity: f.severity, title: f.title })),
  }));
}

/** The rules as a Markdown table: the README's list of checks is this table. */
export function rulesMarkdown(rules: readonly RuleListing[] = ruleListing()): string {
  const cell = (t: string) => t.replace(/\|/g, '\\|');
  const lines = ['| rule | phase | what it checks (guide step) | findings |', '|---|---|---|---|'];
  for (const r of rules) {
    const findings = r.findings.map((f) => `\`${f.id}\` ${f.severity}`).join(', ');
    const id = r.docs[0] ? `[\`${r.id}\`](${r.docs[0]})` : `\`${r.id}\``;
    lines.push(`| ${id} | ${r.phase ?? 'any'} | ${cell(r.description)} (${cell(r.step)}) | ${findings} |`);
  }
  return `${lines.join('\n')}\n`;
}

const SEVERITY_LABELS: Record<Severity, string> = { error: 'Errors', warning: 'Warnings', info: 'Notes' };

export function registerRules(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('rules')
    .description('list the checks `diagnose` runs, each with the step of the guide it follows')
    .addOption(
      new Option('-f, --format <format>', 'text, json, or md (the table of the README)')
        .choices(['text', 'json', 'md'])
        .default('text'),
    )
    .action((opts: { format: 'text' | 'json' | 'md' }) => {
      const rules = ruleListing();
      if (opts.format === 'json') {
        io.stdout(`${JSON.stringify(rules, null, 2)}\n`);
      } else if (opts.format === 'md') {
        io.stdout(rulesMarkdown(rules));
      } else {
        const lines: string[] = [];
        for (const r of rules) {
          lines.push(`${r.id}${r.phase ? `  [${r.phase}]` : ''}`);
          lines.push(...wrap(r.description, 80, '    ', '    '));
          lines.push(...wrap(`Guide: ${r.step}`, 80, '    ', '    '));
          for (const severity of SEVERITIES) {
            const ids = r.findings.filter((f) => f.severity === severity).map((f) => f.id);
            const label = SEVERITY_LABELS[severity];
            if (ids.length > 0) lines.push(...wrap(`${label}: ${ids.join(', ')}`, 80, '      ', '    '));
          }
          lines.push('');
        }
        const count = rules.reduce((n, r) => n + r.findings.length, 0);
        lines.push(`${rules.length} rules, ${count} findings; each finding names the rule that produced it.`);
        io.stdout(`${lines.join('\n')}\n`);
      }
      state.code = 0;
    });
}
