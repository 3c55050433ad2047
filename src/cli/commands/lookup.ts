// `dsreg-doctor lookup CODE...`: every known meaning of each code, and what its bits say.
// Exit codes: 0 every query was read (a well-formed number is always decoded, named or not);
// 1 a word matched no known name; 2 a query could not be read.
import type { Command } from 'commander';
import pc from 'picocolors';
import { type LookupMatch, type LookupResult, loadCodeNames, lookup } from '../../kb/lookup.js';
import { cleanDeep, cleanText } from '../../report/sanitize.js';
import { append } from '../../report/steps.js';
import { wrap } from '../../report/wrap.js';
import type { CliIO } from '../io.js';
import type { CommandState } from '../main.js';
import { addColorOptions, addHelpFooter, emit, fail, outOption, textWidth, useColor } from '../options.js';

type Colors = ReturnType<typeof pc.createColors>;

function describeValue(r: LookupResult): string | undefined {
  const v = r.value;
  if (!v) return undefined;
  return `${v.hex}  (signed ${v.signed}, unsigned ${v.unsigned})`;
}

function detailed(m: LookupMatch, width: number, c: Colors): string[] {
  const out: string[] = [];
  const tags = [
    m.family,
    m.phases?.length ? `${m.phases.join(', ')} phase${m.phases.length > 1 ? 's' : ''}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const head = m.hex && m.source !== 'server' ? `${m.name} (${m.hex})` : m.name;
  out.push(`${c.bold(head)}  ${c.dim(`[${tags}]`)}`);
  if (m.title) append(out, wrap(m.title, width, '  '));
  if (m.when) append(out, wrap(`When the server message matches: ${m.when}`, width, '  '));
  if (m.meaning) append(out, wrap(m.meaning, width, '  '));
  if (m.fix?.length) {
    out.push('  What to do:');
    for (const f of m.fix) append(out, wrap(f, width, '    ', '  - '));
  }
  if (m.docs?.length) {
    out.push('  Docs:');
    for (const d of m.docs) out.push(`    ${d}`);
  }
  return out;
}

function table(list: LookupMatch[], c: Colors): string[] {
  const nameWidth = Math.min(44, Math.max(...list.map((m) => m.name.length)));
  const hexWidth = Math.max(...list.map((m) => (m.hex ?? '').length));
  return list.map((m) => {
    const extra = `${m.family}, ${m.source}${m.via ? `, via ${m.via}` : ''}`;
    return `  ${c.bold(m.name.padEnd(nameWidth))}  ${(m.hex ?? '').padEnd(hexWidth)}  ${c.dim(extra)}`;
  });
}

/** One query's result as text for a terminal `width` columns wide. */
export function renderLookupText(
  result: LookupResult,
  width: number,
  c: Colors = pc.createColors(false),
): string {
  // A query is typed or pasted: a control character in it is shown, never sent to the terminal.
  const r = cleanDeep(result);
  const out: string[] = [];
  if (r.parts) {
    out.push(c.bold(r.query));
    for (const n of r.notes) append(out, wrap(n, width, ''));
    r.parts.forEach((p, i) => {
      out.push('', c.bold(`[${i + 1}/${r.parts!.length}] `) + renderLookupText(p, width, c).trimEnd());
    });
    return `${out.join('\n')}\n`;
  }
  out.push(c.bold(describeValue(r) ?? r.query));
  for (const n of r.notes) append(out, wrap(n, width, '  '));
  // The guide's advice in full for the value itself; names of a wrapped code in the short list.
  const full = r.matches.filter((m) => m.meaning !== undefined && !m.via);
  const short = r.matches.filter((m) => m.meaning === undefined || m.via);
  for (const m of full) {
    out.push('');
    append(out, detailed(m, width, c));
  }
  if (short.length) {
    out.push('', r.search ? 'Names:' : full.length ? 'Other names:' : 'Names:');
    append(out, table(short, c));
  }
  if (r.search && r.search.total > r.matches.length)
    out.push(`  ... ${r.search.total - r.matches.length} more; use a longer word, or --format json.`);
  if (r.related?.some((x) => x.names.length)) {
    out.push('', 'The same error in other forms:');
    for (const x of r.related)
      if (x.names.length)
        append(out, wrap(`${x.hex} (${x.via}): ${x.names.join(', ')}`, width, '    ', '  '));
  }
  return `${out.join('\n')}\n`;
}

interface LookupOpts {
  format: string;
  out?: string;
  color?: boolean;
}

export function registerLookup(program: Command, io: CliIO, state: CommandState): void {
  const cmd = program
    .command('lookup')
    .description(
      "Explain Windows and Microsoft Entra error codes, in any form, with the fix for the guide's codes.",
    )
    .argument(
      '<codes...>',
      'hex (0x801c03f2, 801C03F2), decimal (-2145647630, 2149319666, 12002), a name ' +
        '(STATUS_LOGON_FAILURE) or a word to search (TIMEOUT), code/sub-code, AADSTS50155, DirectoryError',
    )
    .option(
      '-f, --format <format>',
      'output format: text, or json (one JSON object a line, one line a code; jsonl is the same)',
      'text',
    )
    .addOption(outOption());
  addColorOptions(cmd);
  addHelpFooter(cmd, {
    notes: [
      'Exit status: 0 every code was read (a number is always decoded, named or not); 1 a word matched no known name; 2 a query could not be read.',
    ],
    examples: [
      'dsreg-doctor lookup 0x801c03f2',
      'dsreg-doctor lookup -2145647630 12002 0xcaa82ee2',
      'dsreg-doctor lookup 0x801c0021/0x80072ee2',
      'dsreg-doctor lookup TIMEOUT',
      'dsreg-doctor lookup AADSTS50155 DirectoryError -f json',
    ],
  });
  cmd.action(async (codes: string[], opts: LookupOpts) => {
    const format = opts.format === 'jsonl' ? 'json' : opts.format;
    if (format !== 'text' && format !== 'json') {
      fail(io, 'lookup', `unknown --format "${opts.format}" (use text or json)`);
      state.code = 2;
      return;
    }
    const names = await loadCodeNames();
    const c = pc.createColors(format === 'text' && useColor(io, opts.color, opts.out));
    const width = textWidth(io, opts.out);
    let code = 0;
    const texts: string[] = [];
    const lines: string[] = [];
    for (const q of codes) {
      const r = lookup(q, names);
      if (r.error) {
        fail(io, 'lookup', cleanText(r.error));
        code = 2;
      } else if (r.search && r.search.total === 0 && code === 0) {
        code = 1;
      }
      if (format === 'json') lines.push(`${JSON.stringify(r)}\n`);
      else if (!r.error) texts.push(renderLookupText(r, width, c));
    }
    const output = format === 'json' ? lines.join('') : texts.join('\n');
    if (output && !(await emit(io, 'lookup', opts.out, output))) code = 2;
    state.code = code;
  });
}
