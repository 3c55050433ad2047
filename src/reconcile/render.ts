// The reconciliation for people and spreadsheets: text (80 columns), Markdown, CSV (one row a
// device), one self-contained HTML page with a chart of states, and the action lists.
import { wrap } from '../report/wrap.js';
import { FINDINGS, type FindingId } from './findings.js';
import { type Actions, type ReconciledDevice, type Reconciliation, STATES, type State } from './types.js';

export const STATE_TEXT: Record<State, string> = {
  registered: 'hybrid joined and registered',
  pending: 'synced, registration pending',
  'not-synced': 'computer without a device object',
  orphaned: 'device object without its computer',
  'dual-state': 'hybrid joined and also registered',
  disabled: 'disabled in Entra ID or AD',
  stale: 'no sign-in or logon in time',
  duplicate: 'several objects for one computer',
  'entra-joined': 'Microsoft Entra joined',
  'registered-only': 'Microsoft Entra registered only',
  contradiction: 'device and directories disagree',
};

/** The main finding of a state on a device (its first one, errors before warnings). */
function mainFinding(d: ReconciledDevice, s: State) {
  const own = d.findings.filter((f) => FINDINGS[f.id as FindingId]?.state === s);
  return own.find((f) => f.severity === 'error') ?? own.find((f) => f.severity === 'warning') ?? own[0];
}

/** What to do for the devices of a state: the fixes of its findings, each once. */
function whatToDo(devices: ReconciledDevice[], s: State): string[] {
  const seen = new Map<string, string[]>();
  for (const d of devices) {
    const f = mainFinding(d, s);
    if (f && !seen.has(f.id)) seen.set(f.id, f.fix ?? []);
  }
  return [...seen.values()].flat().filter((x, i, a) => a.indexOf(x) === i);
}

/** The devices of a state grouped by their main finding, with the rows each rests on (source:line). */
function byFinding(list: ReconciledDevice[], s: State) {
  const groups = new Map<string, { device: ReconciledDevice; refs: string; fix: string[] }[]>();
  for (const d of list) {
    const f = mainFinding(d, s);
    if (!f) continue;
    const refs = f.evidence.map((e) => `${e.source}${e.line ? `:${e.line}` : ''}`).join(' ');
    const g = groups.get(f.title) ?? [];
    if (g.length === 0) groups.set(f.title, g);
    g.push({ device: d, refs, fix: f.fix ?? [] });
  }
  return groups;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const byState = (r: Reconciliation, s: State) => r.devices.filter((d) => d.states.includes(s));

export function renderReconcileText(
  r: Reconciliation,
  options: { width?: number; maxPerState?: number } = {},
): string {
  const width = options.width ?? 80;
  const max = options.maxPerState ?? Number.POSITIVE_INFINITY;
  const out: string[] = [`Reconciliation as of ${r.asOf} (stale after ${r.staleDays} days)`, ''];
  for (const i of r.inputs ?? []) {
    out.push(
      `  ${i.source}: ${i.kind}, ${plural(i.rows, 'row')}${i.skipped ? `, ${i.skipped} skipped` : ''}`,
    );
    for (const w of i.warnings) out.push(...wrap(w, width, '      ', '    - '));
  }
  if (r.inputs?.length) out.push('');
  out.push(`${'State'.padEnd(17)}${'Devices'.padStart(8)}  Meaning`);
  for (const s of STATES) out.push(`${s.padEnd(17)}${String(r.summary[s]).padStart(8)}  ${STATE_TEXT[s]}`);
  out.push(`${'total'.padEnd(17)}${String(r.devices.length).padStart(8)}`);
  for (const s of STATES) {
    const list = byState(r, s);
    if (list.length === 0) continue;
    out.push('', `${s.toUpperCase()} (${list.length}): ${STATE_TEXT[s]}`);
    const line = (d: ReconciledDevice, refs: string): string[] => {
      const head = `    ${d.name.padEnd(16)} ${(d.objectGuid ?? d.deviceId ?? '').padEnd(36)}`;
      const one = `${head}  ${refs}`.trimEnd();
      return one.length <= width ? [one] : [head.trimEnd(), ...wrap(refs, width, '        ')];
    };
    for (const [title, entries] of byFinding(list, s)) {
      out.push(...wrap(`${title} (${entries.length})`, width, '    ', '  '));
      for (const fix of entries[0]!.fix) out.push(...wrap(fix, width, '         ', '    Do: '));
      for (const { device, refs } of entries.slice(0, max)) out.push(...line(device, refs));
      if (entries.length > max)
        out.push(`    ... and ${entries.length - max} more (--format csv lists them all)`);
    }
    const plain = list.filter((d) => !mainFinding(d, s));
    for (const d of plain.slice(0, max)) out.push(...line(d, ''));
    if (plain.length > max) out.push(`    ... and ${plain.length - max} more (--format csv lists them all)`);
  }
  const a = r.actions;
  out.push(
    '',
    `Actions: ${plural(a.dnsToCheck.length, 'AD computer')} to check, ${plural(a.objectIdsToDisable.length, 'device object')} to disable, ${plural(a.devicesToLeave.length, 'device')} to leave and rejoin (--lists DIR writes them).`,
  );
  return `${out.flatMap((l) => (l.length > width ? wrap(l, width, '  ') : [l])).join('\n')}\n`;
}

const csvCell = (v: string) => {
  // A cell that a spreadsheet would run as a formula is quoted and prefixed.
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n']/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csvLines = (rows: string[][]) => `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;

export function renderReconcileCsv(r: Reconciliation): string {
  const rows = [
    [
      'name',
      'states',
      'objectGuid',
      'deviceId',
      'entraObjectIds',
      'trustType',
      'matchedBy',
      'lastSignIn',
      'lastLogon',
      'distinguishedName',
      'findings',
      'asOf',
    ],
  ];
  for (const d of r.devices) {
    rows.push([
      d.name,
      d.states.join(' '),
      d.objectGuid ?? '',
      d.deviceId ?? '',
      (d.entraObjectIds ?? []).join(' '),
      d.trustType ?? '',
      d.matchedBy,
      d.lastSignIn ?? '',
      d.lastLogon ?? '',
      d.distinguishedName ?? '',
      d.findings.map((f) => f.id).join(' '),
      r.asOf,
    ]);
  }
  return csvLines(rows);
}

/** One CSV per action, by file name. */
export function renderActionLists(a: Actions): Record<string, string> {
  return {
    'dns-to-check.csv': csvLines([
      ['distinguishedName', 'name', 'states', 'reason'],
      ...a.dnsToCheck.map((x) => [x.distinguishedName, x.name, x.states, x.reason]),
    ]),
    'objectids-to-disable.csv': csvLines([
      ['objectId', 'deviceId', 'name', 'trustType', 'reason'],
      ...a.objectIdsToDisable.map((x) => [x.objectId, x.deviceId, x.name, x.trustType, x.reason]),
    ]),
    'devices-to-leave.csv': csvLines([
      ['name', 'deviceId', 'source', 'reason'],
      ...a.devicesToLeave.map((x) => [x.name, x.deviceId, x.source, x.reason]),
    ]),
  };
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderReconcileMarkdown(r: Reconciliation, options: { generator?: string } = {}): string {
  const out = [`# Reconciliation as of ${r.asOf}`, '', `Stale after ${r.staleDays} days.`, ''];
  if (r.inputs?.length) {
    out.push('| Input | Kind | Rows | Skipped |', '| --- | --- | ---: | ---: |');
    for (const i of r.inputs) out.push(`| ${mdCell(i.source)} | ${i.kind} | ${i.rows} | ${i.skipped} |`);
    out.push('');
  }
  out.push('| State | Devices | Meaning |', '| --- | ---: | --- |');
  for (const s of STATES) out.push(`| ${s} | ${r.summary[s]} | ${STATE_TEXT[s]} |`);
  for (const s of STATES) {
    const list = byState(r, s);
    if (list.length === 0) continue;
    out.push('', `## ${s} (${list.length})`, '');
    for (const fix of whatToDo(list, s)) out.push(`- ${fix}`);
    out.push('', '| Device | objectGUID / deviceId | Finding | Evidence |', '| --- | --- | --- | --- |');
    for (const d of list) {
      const f = mainFinding(d, s);
      const ev = (f?.evidence ?? []).map((e) => `${e.source}${e.line ? `:${e.line}` : ''}`).join(', ');
      out.push(
        `| ${mdCell(d.name)} | ${d.objectGuid ?? d.deviceId ?? ''} | ${mdCell(f?.title ?? '')} | ${mdCell(ev)} |`,
      );
    }
  }
  if (options.generator) out.push('', `Made by ${options.generator}.`);
  return `${out.join('\n')}\n`;
}

const esc = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
const linkify = (s: string) =>
  esc(s)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/https:\/\/learn\.microsoft\.com\/[^\s<)]+/g, (u) => `<a href="${u}">${u}</a>`);

const COLORS: Record<State, string> = {
  registered: '#1a7f37',
  pending: '#9a6700',
  'not-synced': '#b42318',
  orphaned: '#8250df',
  'dual-state': '#bf3989',
  disabled: '#57606a',
  stale: '#953800',
  duplicate: '#0b5cad',
  'entra-joined': '#1f6feb',
  'registered-only': '#6e7781',
  contradiction: '#cf222e',
};

/** A horizontal bar chart of the states, as inline SVG (nothing to load). */
function chart(r: Reconciliation): string {
  const max = Math.max(1, ...STATES.map((s) => r.summary[s]));
  const row = 26;
  const bars = STATES.map((s, i) => {
    const w = Math.round((r.summary[s] / max) * 420);
    const y = i * row;
    return `<text x="0" y="${y + 17}" class="l">${s}</text><rect x="130" y="${y + 4}" width="${w}" height="18" fill="${COLORS[s]}"/><text x="${136 + w}" y="${y + 17}" class="n">${r.summary[s]}</text>`;
  }).join('');
  return `<svg role="img" aria-label="Devices by state" viewBox="0 0 600 ${STATES.length * row}" width="600" height="${STATES.length * row}">${bars}</svg>`;
}

const CSS = `body{margin:0 auto;max-width:1000px;padding:0 24px 40px;font:15px/1.5 system-ui,"Segoe UI",Roboto,Arial,sans-serif;color:#1b1f24}
h1{font-size:24px}h2{font-size:19px;margin-top:32px;border-bottom:1px solid #d8dde3}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid #d8dde3;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f5f7f9}td.n{text-align:right}code,.mono{font-family:ui-monospace,Consolas,monospace;font-size:13px}
svg text{font:13px system-ui,sans-serif}svg .n{fill:#1b1f24}.muted{color:#5b6470}
.sev-error{color:#b42318;font-weight:600}.sev-warning{color:#9a6700;font-weight:600}.sev-info{color:#0b5cad}
details{margin:2px 0}summary{cursor:pointer}`;

export function renderReconcileHtml(r: Reconciliation, options: { generator?: string } = {}): string {
  return renderReconcileHtmlParts(r, options).join('');
}

/** The page in pieces (one a line), for writing a 200,000-device page without one huge string. */
export function renderReconcileHtmlParts(r: Reconciliation, options: { generator?: string } = {}): string[] {
  const out: string[] = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Reconciliation as of ${esc(r.asOf)}</title><style>${CSS}</style></head><body>`,
    `<h1>Reconciliation as of ${esc(r.asOf)}</h1>`,
    `<p class="muted">${r.devices.length} devices; stale after ${r.staleDays} days.</p>`,
    chart(r),
  ];
  if (r.inputs?.length) {
    out.push('<table><tr><th>Input</th><th>Kind</th><th>Rows</th><th>Skipped</th></tr>');
    for (const i of r.inputs) {
      out.push(
        `<tr><td class="mono">${esc(i.source)}</td><td>${i.kind}</td><td class="n">${i.rows}</td><td class="n">${i.skipped}</td></tr>`,
      );
    }
    out.push('</table>');
  }
  out.push('<table><tr><th>State</th><th>Devices</th><th>Meaning</th></tr>');
  for (const s of STATES)
    out.push(`<tr><td>${s}</td><td class="n">${r.summary[s]}</td><td>${STATE_TEXT[s]}</td></tr>`);
  out.push('</table>');
  for (const s of STATES) {
    const list = byState(r, s);
    if (list.length === 0) continue;
    out.push(`<h2 id="${s}">${s} (${list.length}): ${esc(STATE_TEXT[s])}</h2><ul>`);
    for (const fix of whatToDo(list, s)) out.push(`<li>${linkify(fix)}</li>`);
    out.push('</ul><table><tr><th>Device</th><th>objectGUID / deviceId</th><th>Findings</th></tr>');
    for (const d of list) {
      const fs = d.findings
        .map(
          (f) =>
            `<details><summary class="sev-${f.severity}">${esc(f.title)}</summary><p>${linkify(f.cause ?? '')}</p><ul>${(f.fix ?? []).map((x) => `<li>${linkify(x)}</li>`).join('')}</ul><p class="mono">${f.evidence.map((e) => `${esc(e.source)}${e.line ? `:${e.line}` : ''} ${esc(e.text)}`).join('<br>')}</p><p>${(f.docs ?? []).map((u) => linkify(u)).join('<br>')}</p></details>`,
        )
        .join('');
      out.push(
        `<tr><td>${esc(d.name)}</td><td class="mono">${esc(d.objectGuid ?? d.deviceId ?? '')}</td><td>${fs}</td></tr>`,
      );
    }
    out.push('</table>');
  }
  if (options.generator) out.push(`<p class="muted">Made by ${esc(options.generator)}.</p>`);
  out.push('</body></html>');
  return out.map((l) => `${l}\n`);
}

/**
 * The JSON (as JSON.stringify with two spaces would write it) in pieces, one per device, made as
 * they are written.
 */
export function* reconcileJsonParts(r: Reconciliation): Generator<string> {
  const [head, tail] = JSON.stringify({ ...r, devices: [] }, null, 2).split('"devices": []');
  if (r.devices.length === 0) {
    yield `${head}"devices": []${tail}\n`;
    return;
  }
  yield `${head}"devices": [\n`;
  for (let i = 0; i < r.devices.length; i++) {
    const sep = i < r.devices.length - 1 ? ',\n' : '\n';
    yield `    ${JSON.stringify(r.devices[i], null, 2).replace(/\n/g, '\n    ')}${sep}`;
  }
  yield `  ]${tail}\n`;
}
