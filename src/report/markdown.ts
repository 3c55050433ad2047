// The diagnosis as Markdown, for a ticket, a forum post or a chat: verdict and device first, then each
// finding with its codes, cause, fix, evidence lines and links, then the next steps. Plain CommonMark
// with GitHub's autolinks; nothing in it depends on a particular renderer's extensions.
import {
  type Diagnosis,
  type Evidence,
  type Finding,
  type Phase,
  SEVERITIES,
  type Severity,
} from '../types.js';
import { cleanDeep } from './sanitize.js';
import { append, hiddenAttemptsLine, StepLedger, shownAttempts, stepParts } from './steps.js';
import { attemptText, JOIN_TYPE_TEXT, verdictLine } from './text.js';

/** One input as read, for evidence in context (the HTML report) and the list of inputs. */
export interface ReportInput {
  name: string;
  text: string;
}

/** What happened to each file given (bundles say which were used and why others were not). */
export interface ReportFile {
  name: string;
  kind: string;
  used: boolean;
  reason: string;
}

export interface ReportOptions {
  /** The inputs' text, so evidence can be shown among the lines around it (HTML). */
  inputs?: readonly ReportInput[];
  /** Every file that was looked at, used or not. */
  files?: readonly ReportFile[];
  /** Say in the report that identifiers were replaced by pseudonyms. */
  redacted?: boolean;
  /** The tool and version that wrote the report ("dsreg-doctor 0.1.0"). */
  generator?: string;
  /** Every attempt of the timeline, not only the last 20. */
  allAttempts?: boolean;
  /** How to see every attempt, said where some are left out: "--all shows every attempt". */
  allAttemptsHint?: string;
}

/** The join flow as the reports draw it; post-join is labelled PRT. */
export const PHASE_FLOW: readonly { phase: Phase; label: string }[] = [
  { phase: 'precheck', label: 'precheck' },
  { phase: 'discover', label: 'discover' },
  { phase: 'auth', label: 'auth' },
  { phase: 'join', label: 'join' },
  { phase: 'post-join', label: 'PRT' },
];

export const SEVERITY_WORD: Record<Severity, string> = { error: 'ERROR', warning: 'WARNING', info: 'NOTE' };

/** "1 error, 2 warnings, 0 notes". */
export function findingCounts(d: Diagnosis): string {
  return SEVERITIES.map((s) => {
    const n = d.findings.filter((f) => f.severity === s).length;
    const word = s === 'info' ? 'note' : s;
    return `${n} ${word}${n === 1 ? '' : 's'}`;
  }).join(', ');
}

/** The device line of the summary: name, domain, tenant. */
export function deviceLine(d: Diagnosis): string | undefined {
  const dev = d.device;
  if (!dev) return undefined;
  const parts = [
    dev.name,
    dev.domainName && `domain ${dev.domainName}`,
    dev.tenantName && `tenant ${dev.tenantName}`,
    dev.tenantId && !dev.tenantName && `tenant ${dev.tenantId}`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : undefined;
}

export function prtLine(d: Diagnosis): string | undefined {
  const p = d.prt;
  if (p?.azureAdPrt === undefined) return undefined;
  if (!p.azureAdPrt) return 'no';
  return `yes${p.updateTime ? `, updated ${utc(p.updateTime)}` : ''}${p.expiryTime ? `, expires ${utc(p.expiryTime)}` : ''}`;
}

export function utc(iso: string): string {
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
}

/** Whether the join flow applies to this device (not for registered or unjoined ones). */
export function showsFlow(d: Diagnosis): boolean {
  return d.joinType !== 'not-joined' && d.joinType !== 'entra-registered';
}

/** Where an evidence item sits: "45" for a line, "#1234" for an event record. */
export function evidenceWhere(e: Evidence): string {
  return e.line !== undefined ? String(e.line) : e.recordId !== undefined ? `#${e.recordId}` : '';
}

// Markdown: escape what would turn prose into markup, but leave the project's own `code spans` and
// URLs alone. An underscore inside a word (invalid_grant) cannot start emphasis and stays bare, so the
// Markdown still reads well where a ticket system shows it unrendered.
const MD_SPECIAL = /[\\*[\]<~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g;
const URL_IN_TEXT = /(https?:\/\/[^\s<>"`]*[^\s<>"`.,;:)\]])/;

export function mdInline(text: string): string {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .split(/(`[^`\n]+`)/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part
            .split(URL_IN_TEXT)
            .map((p, j) => (j % 2 === 1 ? `<${p}>` : p.replace(MD_SPECIAL, (c) => `\\${c}`)))
            .join(''),
    )
    .join('');
}

/** The length of the longest string of a list (0 for none), without spreading it into arguments. */
function longest(list: readonly string[]): number {
  let n = 0;
  for (const s of list) n = Math.max(n, s.length);
  return n;
}

/** A code span that survives backticks in its content. */
function mdCode(text: string): string {
  const runs = text.match(/`+/g) ?? [];
  const fence = '`'.repeat(longest(runs) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A fenced block that survives fences in its content. */
function mdFence(lines: string[], info = 'text'): string[] {
  const runs = lines.join('\n').match(/`{3,}/g) ?? [];
  const fence = '`'.repeat(Math.max(3, longest(runs) + 1));
  const out = [`${fence}${info}`];
  append(out, lines);
  out.push(fence);
  return out;
}

export function renderMarkdown(input: Diagnosis, reportOptions: ReportOptions = {}): string {
  // Control characters of the input become visible symbols: Markdown is read in terminals too.
  const d = cleanDeep(input);
  const options = cleanDeep(reportOptions);
  const out: string[] = [];
  out.push(`# dsreg-doctor: ${mdInline(verdictLine(d))}`, '');
  if (options.redacted) {
    out.push(
      '> Identifiers (tenant, device, user, domain and computer names, thumbprints, key and request IDs) are replaced with pseudonyms; the same value always has the same pseudonym.',
      '',
    );
  }
  out.push(`- **Verdict:** ${mdInline(verdictLine(d))}`);
  out.push(`- **Join type:** ${mdInline(JOIN_TYPE_TEXT[d.joinType])}`);
  if (showsFlow(d)) {
    const flow = PHASE_FLOW.map(({ phase, label }) =>
      phase === d.phase ? `**[${label.toUpperCase()}]**` : label,
    );
    out.push(`- **Phase:** ${flow.join(' → ')}`);
  }
  const device = deviceLine(d);
  if (device) out.push(`- **Device:** ${mdInline(device)}`);
  const prt = prtLine(d);
  if (prt) out.push(`- **PRT:** ${mdInline(prt)}`);
  out.push(`- **Findings:** ${findingCounts(d)}`);
  out.push('');

  const ledger = new StepLedger();
  d.findings.forEach((f, i) => {
    append(out, renderFinding(f, i + 1, ledger));
    out.push('');
  });

  if (d.timeline?.length) {
    out.push('## Timeline from the event logs', '');
    for (const [kind, a] of Object.entries(d.attempts ?? {})) {
      if (!a) continue;
      const parts = [`${a.count} attempt${a.count === 1 ? '' : 's'}`, `${a.failures} failed`];
      parts.push(a.lastSuccess ? `last success ${utc(a.lastSuccess)}` : 'no success recorded');
      out.push(`- **${kind === 'join' ? 'Join' : 'PRT'}:** ${parts.join(', ')}`);
    }
    out.push('');
    const { shown, hidden } = shownAttempts(d.timeline, options.allAttempts);
    if (hidden > 0) out.push(`*${mdInline(hiddenAttemptsLine(hidden, options.allAttemptsHint))}*`, '');
    const rows = shown.map((t) => {
      const what = attemptText(t);
      return `${utc(t.time)}  ${t.kind === 'join' ? 'join' : 'PRT '}  ${t.outcome === 'success' ? 'ok    ' : 'FAILED'}  ${what}`;
    });
    append(out, mdFence(rows));
    out.push('');
  }

  const next = ledger.fresh(d.nextSteps);
  if (next.length) {
    out.push('## Next steps', '');
    for (const s of next) append(out, mdStep(s, '- '));
    out.push('');
  }

  const files = options.files ?? d.sources?.map((name) => ({ name, kind: '', used: true, reason: '' })) ?? [];
  if (files.length) {
    out.push('## Inputs', '');
    for (const f of files) {
      const note = f.reason || f.kind;
      out.push(`- ${mdCode(f.name)}${f.used ? '' : ' (not used)'}${note ? `: ${mdInline(note)}` : ''}`);
    }
    out.push('');
  }
  out.push('---', '');
  out.push(
    `*Written by ${mdInline(options.generator ?? 'dsreg-doctor')}${options.redacted ? ', with identifiers redacted' : ''}. Findings follow Microsoft's hybrid join troubleshooting guide: <https://learn.microsoft.com/entra/identity/devices/troubleshoot-hybrid-join-windows-current>*`,
  );
  return `${out.join('\n')}\n`;
}

/** A step as a list item ("- " or "1. "), its sub-steps nested under it. */
function mdStep(step: string, marker: string): string[] {
  const { text, subs } = stepParts(step);
  const indent = ' '.repeat(marker.length);
  return [`${marker}${mdInline(text)}`, ...subs.map((sub) => `${indent}- ${mdInline(sub)}`)];
}

function renderFinding(f: Finding, n: number, ledger = new StepLedger()): string[] {
  const out: string[] = [];
  const phase = f.phase ? ` [${f.phase}]` : '';
  out.push(`## ${n}. ${SEVERITY_WORD[f.severity]}${phase}: ${mdInline(f.title)}`, '');
  out.push(`- **Rule:** ${f.rule && f.rule !== f.id ? `${mdCode(f.rule)}: ` : ''}${mdCode(f.id)}`);
  if (f.codes.length) {
    out.push(
      `- **Codes:** ${f.codes.map((c) => `${mdCode(c.hex)}${c.name ? ` ${mdInline(c.name)}` : ''}${c.signed !== undefined && c.signed < 0 ? ` (${c.signed})` : ''}`).join(', ')}`,
    );
  }
  if (f.serverErrorCode) out.push(`- **Server error:** ${mdCode(f.serverErrorCode)}`);
  out.push('');
  if (f.cause) out.push(`**Cause.** ${mdInline(f.cause)}`, '');
  const fix = ledger.takeNew(f.fix, f.title);
  if (fix.sameAs !== undefined && fix.steps.length === 0) {
    out.push(`**Fix.** As for “${mdInline(fix.sameAs)}” above.`, '');
  }
  if (fix.steps.length) {
    out.push(
      fix.sameAs !== undefined ? `**Fix.** As for “${mdInline(fix.sameAs)}” above, and:` : '**Fix.**',
      '',
    );
    fix.steps.forEach((step, i) => {
      append(out, mdStep(step, `${i + 1}. `));
    });
    out.push('');
  }
  if (f.evidence.length) {
    out.push('**Evidence.**', '');
    const bySource = new Map<string, Evidence[]>();
    for (const e of f.evidence) {
      const list = bySource.get(e.source) ?? [];
      if (list.length === 0) bySource.set(e.source, list);
      list.push(e);
    }
    for (const [source, items] of bySource) {
      out.push(`${mdCode(source)}`, '');
      let width = 0;
      for (const e of items) width = Math.max(width, evidenceWhere(e).length);
      const lines = items.map((e) => {
        const where = evidenceWhere(e).padStart(width);
        const text = e.text
          .split('\n')
          .map((t) => t.trim())
          .join(' ');
        return where ? `${where} | ${text}` : text;
      });
      append(out, mdFence(lines));
      out.push('');
    }
  }
  if (f.docs?.length) {
    out.push('**Documentation.**', '');
    for (const u of f.docs) out.push(`- <${u}>`);
    out.push('');
  }
  while (out[out.length - 1] === '') out.pop();
  return out;
}
