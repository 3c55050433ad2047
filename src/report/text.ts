// The diagnosis for people in a terminal: verdict first, then the findings most severe first, each
// with its codes, cause, fix, evidence lines and documentation link. Wrapped to the given width.
import {
  type Diagnosis,
  type Finding,
  type JoinType,
  type Phase,
  SEVERITIES,
  type Severity,
  type TimelineEntry,
} from '../types.js';
import { cleanDeep } from './sanitize.js';
import { append, hiddenAttemptsLine, StepLedger, shownAttempts, stepParts } from './steps.js';
import { wrap } from './wrap.js';

export { wrap } from './wrap.js';

export interface Palette {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  green(s: string): string;
}

const plain: Palette = {
  bold: (s) => s,
  dim: (s) => s,
  red: (s) => s,
  yellow: (s) => s,
  cyan: (s) => s,
  green: (s) => s,
};

export interface TextOptions {
  /** Columns to wrap at (default 80). */
  width?: number;
  colors?: Palette;
  /** Lines printed first (the probe says what it checked). */
  heading?: string[];
  /** Leave out the join type, device and PRT lines (live probes know nothing of them). */
  hideDevice?: boolean;
  /** Notes (info findings) as one line each: the checks that passed. */
  compactNotes?: boolean;
  /** Every attempt of the timeline, not only the last 20. */
  allAttempts?: boolean;
  /** How to see every attempt, said where some are left out: "--all shows every attempt". */
  allAttemptsHint?: string;
}

export const JOIN_TYPE_TEXT: Record<JoinType, string> = {
  hybrid: 'Microsoft Entra hybrid joined',
  'entra-joined': 'Microsoft Entra joined',
  'domain-joined': 'domain joined only: hybrid join has not completed',
  'entra-registered': 'Microsoft Entra registered',
  'not-joined': 'not joined to a domain or to Microsoft Entra ID',
  unknown: 'unknown (the input does not say)',
};

const FLOW: { phase: Phase; label: string }[] = [
  { phase: 'precheck', label: 'precheck' },
  { phase: 'discover', label: 'discover' },
  { phase: 'auth', label: 'auth' },
  { phase: 'join', label: 'join' },
  { phase: 'post-join', label: 'PRT' },
];

const SEVERITY_LABEL: Record<Severity, string> = { error: 'ERROR', warning: 'WARNING', info: 'NOTE' };

export function verdictLine(d: Diagnosis): string {
  switch (d.verdict) {
    case 'failed':
      return d.phase ? `FAILED in the ${phaseText(d.phase)}` : 'FAILED';
    case 'warning':
      return d.phase ? `WARNING in the ${phaseText(d.phase)}` : 'WARNING';
    case 'healthy':
      return 'HEALTHY: nothing to fix';
    default:
      return 'UNKNOWN: the input says too little to judge';
  }
}

function phaseText(p: Phase): string {
  return p === 'post-join'
    ? 'post-join phase (Primary Refresh Token)'
    : `${p === 'auth' ? 'authentication' : p} phase`;
}

export function renderText(input: Diagnosis, options: TextOptions = {}): string {
  // Control characters of the input become visible symbols before our own colour codes are added.
  const d = cleanDeep(input);
  const width = Math.max(60, options.width ?? 80);
  const c = options.colors ?? plain;
  const lines: string[] = [];
  const verdictColor =
    d.verdict === 'failed'
      ? c.red
      : d.verdict === 'warning'
        ? c.yellow
        : d.verdict === 'healthy'
          ? c.green
          : c.dim;

  for (const h of cleanDeep(options.heading ?? [])) append(lines, wrap(h, width, '  ', ''));
  lines.push(`${c.bold('Verdict')}    ${verdictColor(c.bold(verdictLine(d)))}`);
  if (!options.hideDevice) {
    append(lines, wrap(JOIN_TYPE_TEXT[d.joinType], width, '           ', `${c.bold('Join type')}  `));
  }
  if (d.joinType !== 'not-joined' && d.joinType !== 'entra-registered') {
    const flow = FLOW.map(({ phase, label }) =>
      phase === d.phase ? verdictColor(c.bold(`[${label.toUpperCase()}]`)) : c.dim(label),
    ).join(c.dim(' > '));
    lines.push(`${c.bold('Phase')}      ${flow}`);
  }
  const dev = options.hideDevice ? undefined : d.device;
  if (dev) {
    const parts = [
      dev.name,
      dev.domainName && `domain ${dev.domainName}`,
      dev.tenantName && `tenant ${dev.tenantName}`,
    ]
      .filter(Boolean)
      .join(', ');
    if (parts) append(lines, wrap(parts, width, '           ', `${c.bold('Device')}     `));
  }
  if (d.prt?.azureAdPrt !== undefined && !options.hideDevice) {
    const p = d.prt;
    const prt = p.azureAdPrt
      ? `yes${p.updateTime ? `, updated ${p.updateTime.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}` : ''}`
      : 'no';
    lines.push(`${c.bold('PRT')}        ${prt}`);
  }

  const counts = SEVERITIES.map((s) => {
    const n = d.findings.filter((f) => f.severity === s).length;
    const word = s === 'info' ? 'note' : s;
    return `${n} ${word}${n === 1 ? '' : 's'}`;
  }).join(', ');
  lines.push('', c.dim(counts));

  const notes = new Set(options.compactNotes ? d.findings.filter((f) => f.severity === 'info') : []);
  const ledger = new StepLedger();
  for (const f of d.findings) {
    if (notes.has(f)) continue;
    lines.push('');
    append(lines, renderFinding(f, width, c, ledger));
  }
  if (notes.size > 0) {
    lines.push('', c.bold('Passed'));
    for (const f of notes) append(lines, wrap(f.title, width, '      ', `  ${c.green('ok')}  `));
  }

  if (d.timeline?.length) {
    lines.push('');
    append(lines, attemptLines(d, width, c, options.allAttempts, options.allAttemptsHint));
  }

  const next = ledger.fresh(d.nextSteps);
  if (next.length) {
    lines.push('', c.bold('Next steps'));
    for (const s of next) append(lines, stepLines(s, width, '  '));
  }
  return `${lines.join('\n')}\n`;
}

/** One finding as plain text, as `diagnose` prints it (the page's copy button). */
export function renderFindingText(f: Finding, width = 80): string {
  return `${renderFinding(cleanDeep(f), Math.max(60, width), plain).join('\n')}\n`;
}

/** A step, "- " first, its sub-steps nested under it. */
function stepLines(step: string, width: number, indent: string, first = indent): string[] {
  const { text, subs } = stepParts(step);
  const out = wrap(text, width, `${indent}  `, `${first}- `);
  for (const sub of subs) append(out, wrap(sub, width, `${indent}    `, `${indent}  - `));
  return out;
}

function renderFinding(f: Finding, width: number, c: Palette, ledger = new StepLedger()): string[] {
  const color = f.severity === 'error' ? c.red : f.severity === 'warning' ? c.yellow : c.cyan;
  const head = `${color(c.bold(SEVERITY_LABEL[f.severity]))}${f.phase ? c.dim(` [${f.phase}]`) : ''} `;
  const headPlain = `${SEVERITY_LABEL[f.severity]}${f.phase ? ` [${f.phase}]` : ''} `;
  const out: string[] = [];
  const titleLines = wrap(f.title, width, ' '.repeat(2), ' '.repeat(headPlain.length));
  out.push(head + c.bold(titleLines[0]!.slice(headPlain.length)));
  for (const l of titleLines.slice(1)) out.push(c.bold(l));
  // The rule, then the finding's own id where it differs (join-failure: drs-device-not-found).
  out.push(c.dim(`  rule ${f.rule && f.rule !== f.id ? `${f.rule}: ${f.id}` : f.id}`));
  const label = (name: string) => `  ${c.bold(name.padEnd(9))} `;
  const pad = ' '.repeat(12);
  for (const [i, code] of f.codes.entries()) {
    const text = `${code.hex}${code.name ? ` ${code.name}` : ''}${code.signed !== undefined && code.signed < 0 ? ` (${code.signed})` : ''}`;
    append(out, wrap(text, width, pad, i === 0 ? label('Codes') : pad));
  }
  if (f.serverErrorCode) append(out, wrap(f.serverErrorCode, width, pad, label('Server')));
  if (f.cause) append(out, wrap(f.cause, width, pad, label('Cause')));
  const fix = ledger.takeNew(f.fix, f.title);
  if (fix.sameAs !== undefined) {
    const also = fix.steps.length > 0 ? ', and:' : '';
    append(out, wrap(`as for "${fix.sameAs}" above${also}`, width, pad, label('Fix')));
  }
  fix.steps.forEach((step, i) => {
    append(out, stepLines(step, width, pad, i === 0 && fix.sameAs === undefined ? label('Fix') : pad));
  });
  if (f.evidence.length) {
    out.push(`  ${c.bold('Evidence')}`);
    let lastSource: string | undefined;
    for (const e of f.evidence) {
      if (e.source !== lastSource) {
        out.push(c.dim(`    ${e.source}`));
        lastSource = e.source;
      }
      const where = e.line !== undefined ? `${e.line}` : e.recordId !== undefined ? `#${e.recordId}` : '';
      const text = e.text
        .split('\n')
        .map((t) => t.trim())
        .join(' ');
      if (!where) {
        // A probe's evidence (a request and what came back) has no line to point at: show it whole.
        append(
          out,
          wrap(text, width, '        ', '      ').map((l) => c.dim(l.slice(0, 6)) + l.slice(6)),
        );
        continue;
      }
      const prefix = `    ${where.padStart(5)} | `;
      const room = Math.max(20, width - prefix.length);
      out.push(`${c.dim(prefix)}${text.length > room ? `${text.slice(0, room - 3)}...` : text}`);
    }
  }
  if (f.docs?.length) {
    f.docs.forEach((u, i) => {
      out.push(i === 0 ? `${label('Docs')}${c.dim(u)}` : `${pad}${c.dim(u)}`);
    });
  }
  return out;
}

/** The join and PRT attempts that event logs tell, oldest first, with the counts of each kind. */
export function timelineLines(
  input: Diagnosis,
  width = 80,
  c: Palette = plain,
  all = false,
  hint?: string,
): string[] {
  return attemptLines(cleanDeep(input), width, c, all, hint);
}

/** timelineLines of a diagnosis already cleaned. */
function attemptLines(d: Diagnosis, width: number, c: Palette, all = false, hint?: string): string[] {
  const lines: string[] = [c.bold('Timeline (event logs)')];
  if (!d.timeline?.length) {
    lines.push('  No join or PRT attempt in these events (User Device Registration 304-307,');
    lines.push('  Microsoft-Windows-AAD 1006-1007 and the errors between them).');
    return lines;
  }
  const { shown, hidden } = shownAttempts(d.timeline, all);
  if (hidden > 0)
    append(
      lines,
      wrap(hiddenAttemptsLine(hidden, hint), width, '    ', '  ').map((l) => c.dim(l)),
    );
  for (const t of shown) {
    const when = t.time.replace('T', ' ').replace(/(\.\d{3})?\d*Z$/, '');
    const outcome = t.outcome === 'success' ? c.green('ok    ') : c.red('FAILED');
    const head = `  ${when}  ${t.kind === 'join' ? 'join' : 'PRT '}  `;
    const pad = ' '.repeat(head.length + 8);
    const body = wrap(attemptText(t), width, pad, pad);
    lines.push(`${c.dim(head)}${outcome}  ${body[0]!.slice(pad.length)}`);
    append(lines, body.slice(1));
  }
  for (const [kind, a] of Object.entries(d.attempts ?? {})) {
    if (!a) continue;
    const parts = [`${a.count} attempt${a.count === 1 ? '' : 's'}`, `${a.failures} failed`];
    if (a.lastSuccess)
      parts.push(`last success ${a.lastSuccess.replace('T', ' ').replace(/(\.\d{3})?\d*Z$/, '')}`);
    else parts.push('no success recorded');
    append(lines, wrap(parts.join(', '), width, '    ', `  ${kind === 'join' ? 'Join' : 'PRT'}: `));
  }
  return lines;
}

/** What happened in one attempt, in a few words: "join phase: DSREG_E_DIRECTORY_FAILURE (DirectoryError)". */
export function attemptText(t: TimelineEntry): string {
  if (t.outcome === 'success') return t.summary;
  const codes = t.codes.map((x) => x.name ?? x.hex).join(', ') + (t.serverError ? ` (${t.serverError})` : '');
  return (
    [t.kind === 'join' && t.phase ? `${t.phase} phase` : '', codes].filter(Boolean).join(': ') || t.summary
  );
}
