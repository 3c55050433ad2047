// `dsreg-doctor rules`: every check the diagnosis runs, with the step of the guide it follows and
// the findings it can report. The README's list of checks is this list (a test holds them equal).
import type { Command } from 'commander';
import pc from 'picocolors';
import { type Palette, wrap } from '../../report/text.js';
import { RULES, type Rule } from '../../rules/index.js';
import { SEVERITIES, type Severity } from '../../types.js';
import type { CliIO } from '../io.js';
import type { CommandState } from '../main.js';
import { addColorOptions, addHelpFooter, emit, formatOption, outOption, useColor } from '../options.js';

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
  const cmd = program
    .command('rules')
    .description('list the checks `diagnose` runs, each with the step of the guide it follows')
    .addOption(formatOption(['text', 'json', 'md'], 'text, json, or md (the table of the README)'))
    .addOption(outOption('the list'));
  addColorOptions(cmd);
  addHelpFooter(cmd, {
    examples: [
      'dsreg-doctor rules',
      'dsreg-doctor rules --format json',
      'dsreg-doctor rules -f md -o rules.md',
    ],
  });
  cmd.action(async (opts: RulesOpts) => {
    const rules = ruleListing();
    const text =
      opts.format === 'json'
        ? `${JSON.stringify(rules, null, 2)}\n`
        : opts.format === 'md'
          ? rulesMarkdown(rules)
          : rulesText(rules, pc.createColors(useColor(io, opts.color, opts.out)));
    state.code = (await emit(io, 'rules', opts.out, text)) ? 0 : 2;
  });
}

interface RulesOpts {
  format: 'text' | 'json' | 'md';
  out?: string;
  color?: boolean;
}

/** The rules for people: each rule's id (bold), what it checks, its step of the guide, its findings. */
export function rulesText(rules: readonly RuleListing[], c: Palette): string {
  const lines: string[] = [];
  const paint: Record<Severity, (s: string) => string> = { error: c.red, warning: c.yellow, info: c.cyan };
  for (const r of rules) {
    lines.push(`${c.bold(r.id)}${r.phase ? c.dim(`  [${r.phase}]`) : ''}`);
    lines.push(...wrap(r.description, 80, '    ', '    '));
    lines.push(...wrap(`Guide: ${r.step}`, 80, '    ', '    ').map((l) => c.dim(l)));
    for (const severity of SEVERITIES) {
      const ids = r.findings.filter((f) => f.severity === severity).map((f) => f.id);
      const label = `${SEVERITY_LABELS[severity]}:`;
      if (ids.length === 0) continue;
      const wrapped = wrap(`${label} ${ids.join(', ')}`, 80, '      ', '    ');
      // The label coloured by its severity; the wrapping is measured on the plain text.
      lines.push(wrapped[0]!.replace(label, paint[severity](label)), ...wrapped.slice(1));
    }
    lines.push('');
  }
  const count = rules.reduce((n, r) => n + r.findings.length, 0);
  lines.push(`${rules.length} rules, ${count} findings; each finding names the rule that produced it.`);
  return `${lines.join('\n')}\n`;
}
