// The diagnosis as one self-contained HTML page: inline CSS, no script, no font, image or link that
// loads anything (a Content-Security-Policy says so to the browser too), readable on screen and on
// paper. Each finding shows its evidence in context: the lines around the cited ones, which are
// marked. Event records given with the inputs are drawn as a timeline.
import { parseDsregcmd } from '../dsregcmd/parse.js';
import type { Diagnosis, Evidence, Finding } from '../types.js';
import { docsLabel, isDocsUrl } from './links.js';
import {
  deviceLine,
  findingCounts,
  PHASE_FLOW,
  prtLine,
  type ReportInput,
  type ReportOptions,
  SEVERITY_WORD,
  showsFlow,
  utc,
} from './markdown.js';
import { cleanDeep } from './sanitize.js';
import { hiddenAttemptsLine, StepLedger, shownAttempts, stepParts } from './steps.js';
import { attemptText, JOIN_TYPE_TEXT, verdictLine } from './text.js';

export type { ReportFile, ReportInput, ReportOptions } from './markdown.js';

export interface HtmlOptions extends ReportOptions {
  /** Lines shown before and after each cited line (default 3). */
  context?: number;
}

const escAttr = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** Escaped text, with redaction pseudonyms (`<tenant-1>`) kept whole on one line and set apart. */
const esc = (s: string) => escAttr(s).replace(/&lt;([a-z-]+-\d+)&gt;/g, '<span class="ps">&lt;$1&gt;</span>');

/**
 * Prose with `code spans` and URLs, escaped. The official documentation URLs become links; any
 * other URL came from the input (a server message, an event value) and is shown as text.
 */
function prose(text: string): string {
  return text
    .split(/(`[^`\n]+`)/)
    .map((part, i) => {
      if (i % 2 === 1) return `<code>${esc(part.slice(1, -1))}</code>`;
      return part
        .split(/(https?:\/\/[^\s<>"`]*[^\s<>"`.,;:)\]])/)
        .map((p, j) => (j % 2 === 1 ? link(p) : esc(p)))
        .join('');
    })
    .join('');
}

function link(url: string, label = url): string {
  return isDocsUrl(url)
    ? `<a href="${escAttr(url)}">${esc(label)}</a>`
    : `<span class="url">${esc(url)}</span>`;
}

const CSS = `
:root{--fg:#1b1f24;--muted:#5b6470;--line:#d8dde3;--bg:#fff;--panel:#f5f7f9;--code:#f2f4f6;
--err:#b42318;--err-bg:#fdecea;--warn:#9a6700;--warn-bg:#fff5d6;--info:#0b5cad;--info-bg:#e8f1fb;
--ok:#1a7f37;--ok-bg:#e6f4ea;--mark:#fff1a8;--unk:#57606a;--unk-bg:#eef0f2;--ps:#6639ba;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--fg:#e6e8eb;--muted:#9aa4af;--line:#2f3741;--bg:#0f1318;--panel:#171c22;--code:#1e242c;
--err:#ff8a80;--err-bg:#3a1614;--warn:#f2c14e;--warn-bg:#35290b;--info:#8cc4ff;--info-bg:#13283f;
--ok:#6ddf8f;--ok-bg:#12301f;--mark:#4a3f0c;--unk:#9aa4af;--unk-bg:#1e242c;--ps:#c9a7ff}
.flow .step.current{color:#0f1318}}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main,header .wrap,footer{max-width:980px;margin:0 auto;padding:0 24px}
code,pre,.mono{font-family:ui-monospace,"Cascadia Mono","Segoe UI Mono",Consolas,"Liberation Mono",Menlo,monospace;font-size:13px}
code{background:var(--code);padding:1px 4px;border-radius:4px;overflow-wrap:anywhere}
a{color:var(--info);overflow-wrap:anywhere}
header{border-bottom:1px solid var(--line);padding:20px 0 16px;margin-bottom:8px}
header.failed{border-top:6px solid var(--err)}header.warning{border-top:6px solid var(--warn)}
header.healthy{border-top:6px solid var(--ok)}header.unknown{border-top:6px solid var(--unk)}
.tool{margin:0;color:var(--muted);font-size:13px;letter-spacing:.04em;text-transform:uppercase}
h1{margin:4px 0 12px;font-size:26px;line-height:1.25}
header.failed h1{color:var(--err)}header.warning h1{color:var(--warn)}header.healthy h1{color:var(--ok)}
.flow{display:flex;flex-wrap:wrap;align-items:center;gap:6px;margin:0 0 14px;padding:0}
.flow .step{padding:3px 12px;border-radius:999px;background:var(--panel);color:var(--muted);font-size:13px;border:1px solid var(--line)}
.flow .step.reached{color:var(--fg)}
.flow .step.current{font-weight:700;color:#fff;border-color:transparent;background:var(--unk)}
header.failed .flow .step.current{background:var(--err)}header.warning .flow .step.current{background:var(--warn)}
.flow .arrow{color:var(--muted)}
dl.summary{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
dl.summary dt{color:var(--muted)}dl.summary dd{margin:0;overflow-wrap:anywhere}
.ps{white-space:nowrap;color:var(--ps)}.url{overflow-wrap:anywhere}
ol.fix ul,.next ul ul{margin:2px 0;padding-left:20px}.more{color:var(--muted)}
.redacted{margin:12px 0 0;padding:8px 12px;background:var(--info-bg);border-radius:6px;font-size:14px}
nav.toc{margin:16px 0 8px}nav.toc ol{margin:6px 0 0;padding-left:22px}
.counts{color:var(--muted)}
section.finding{border:1px solid var(--line);border-left:6px solid var(--line);border-radius:8px;padding:4px 20px 14px;margin:18px 0;break-inside:auto}
section.finding.error{border-left-color:var(--err)}section.finding.warning{border-left-color:var(--warn)}section.finding.info{border-left-color:var(--info)}
section.finding h2{font-size:19px;line-height:1.3;margin:14px 0 4px;break-after:avoid}
.badge{display:inline-block;font-size:12px;font-weight:700;letter-spacing:.05em;padding:2px 8px;border-radius:4px;vertical-align:2px;margin-right:6px}
.badge.error{background:var(--err-bg);color:var(--err)}.badge.warning{background:var(--warn-bg);color:var(--warn)}.badge.info{background:var(--info-bg);color:var(--info)}
.meta{color:var(--muted);font-size:13px;margin:0 0 8px}
h3{font-size:13px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:14px 0 4px;break-after:avoid}
table.codes{border-collapse:collapse;margin:4px 0}table.codes td{padding:2px 14px 2px 0;vertical-align:top}
ol.fix{margin:4px 0;padding-left:22px}ol.fix li{margin:3px 0}
figure.context{margin:8px 0 12px;border:1px solid var(--line);border-radius:6px;overflow:hidden;break-inside:avoid}
figure.context figcaption{background:var(--panel);border-bottom:1px solid var(--line);padding:4px 10px;font-size:13px;color:var(--muted);overflow-wrap:anywhere}
.lines{margin:0;padding:4px 0;background:var(--bg)}
.lines .l{display:grid;grid-template-columns:4.5em 1fr;white-space:pre-wrap;overflow-wrap:anywhere;padding:0 10px 0 0}
.lines .n{color:var(--muted);text-align:right;padding-right:12px;user-select:none}
.lines .l.hit{background:var(--mark)}
.lines .l.hit .n{color:var(--fg);font-weight:700}
.lines .gap{color:var(--muted);padding-left:3.2em}
.quoted{margin:4px 0 10px;padding:0}.quoted li{list-style:none;white-space:pre-wrap;overflow-wrap:anywhere}
ul.docs{margin:4px 0;padding-left:20px}
table.timeline{border-collapse:collapse;width:100%;font-size:13px}
table.timeline th,table.timeline td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
table.timeline th{background:var(--panel);position:sticky;top:0}
table.timeline td.msg{white-space:pre-wrap;overflow-wrap:anywhere}
table.timeline tr.failure td.res{color:var(--err);font-weight:700}
table.timeline tr.success td.res{color:var(--ok);font-weight:700}
ul.attempts{margin:4px 0 10px;padding-left:20px}
.files td,.files th{padding:2px 12px 2px 0;text-align:left;vertical-align:top}.files .no{color:var(--muted)}.files td.use{white-space:nowrap}
footer{color:var(--muted);font-size:13px;border-top:1px solid var(--line);margin-top:28px;padding-top:12px;padding-bottom:28px}
@media (max-width:640px){main,header .wrap,footer{padding:0 12px}.lines .l{grid-template-columns:3.2em 1fr}}
@media print{:root{color-scheme:light}body{font-size:11pt}main,header .wrap,footer{max-width:none;padding:0}a{color:inherit;text-decoration:none}
section.finding{break-inside:auto}table.timeline th{position:static}nav.toc{display:none}}
@page{margin:16mm 14mm}
`;

export function renderHtml(input: Diagnosis, htmlOptions: HtmlOptions = {}): string {
  // Control characters of the input are shown as symbols here too (a report is also read as text).
  const d = cleanDeep(input);
  const options = cleanDeep(htmlOptions);
  const context = Math.max(0, options.context ?? 3);
  const texts = new Map<string, DisplayLine[]>();
  for (const input of options.inputs ?? []) texts.set(input.name, displayLines(input));

  const title = `dsreg-doctor: ${verdictLine(d)}`;
  const body: string[] = [];
  body.push(`<header class="${d.verdict}"><div class="wrap">`);
  body.push('<p class="tool">dsreg-doctor report</p>');
  body.push(`<h1>${esc(verdictLine(d))}</h1>`);
  if (showsFlow(d)) {
    const current = d.phase ? PHASE_FLOW.findIndex((p) => p.phase === d.phase) : -1;
    const steps = PHASE_FLOW.map(({ label }, i) => {
      const cls = i === current ? 'current' : i < current ? 'reached' : '';
      return `<span class="step${cls ? ` ${cls}` : ''}">${esc(i === current ? label.toUpperCase() : label)}</span>`;
    });
    body.push(`<p class="flow" aria-label="Join phases">${steps.join('<span class="arrow">›</span>')}</p>`);
  }
  body.push('<dl class="summary">');
  body.push(`<dt>Join type</dt><dd>${esc(JOIN_TYPE_TEXT[d.joinType])}</dd>`);
  const device = deviceLine(d);
  if (device) body.push(`<dt>Device</dt><dd>${esc(device)}</dd>`);
  if (d.device?.deviceId) body.push(`<dt>Device ID</dt><dd class="mono">${esc(d.device.deviceId)}</dd>`);
  if (d.device?.tenantId) body.push(`<dt>Tenant ID</dt><dd class="mono">${esc(d.device.tenantId)}</dd>`);
  const prt = prtLine(d);
  if (prt) body.push(`<dt>PRT</dt><dd>${esc(prt)}</dd>`);
  body.push(`<dt>Findings</dt><dd>${esc(findingCounts(d))}</dd>`);
  body.push('</dl>');
  if (options.redacted) {
    body.push(
      '<p class="redacted">Identifiers (tenant, device, user, domain and computer names, thumbprints, key and request IDs) are replaced with pseudonyms; the same value always has the same pseudonym, so the report still reads.</p>',
    );
  }
  body.push('</div></header>');

  body.push('<main>');
  if (d.findings.length > 1) {
    body.push(
      `<nav class="toc" aria-label="Findings"><span class="counts">${esc(findingCounts(d))}</span><ol>`,
    );
    d.findings.forEach((f, i) => {
      body.push(
        `<li><a href="#finding-${i + 1}">${esc(SEVERITY_WORD[f.severity])}: ${esc(f.title)}</a></li>`,
      );
    });
    body.push('</ol></nav>');
  }
  if (d.findings.length === 0) body.push('<p>No finding: the inputs show nothing to fix.</p>');
  const ledger = new StepLedger();
  d.findings.forEach((f, i) => {
    body.push(renderFinding(f, i + 1, texts, context, ledger));
  });

  const next = ledger.fresh(d.nextSteps);
  if (next.length) {
    body.push('<section class="next"><h2>Next steps</h2><ul>');
    for (const s of next) body.push(`<li>${stepHtml(s)}</li>`);
    body.push('</ul></section>');
  }

  if (d.timeline?.length) body.push(renderTimeline(d, options.allAttempts, options.allAttemptsHint));

  const files = options.files ?? d.sources?.map((name) => ({ name, kind: '', used: true, reason: '' })) ?? [];
  if (files.length) {
    body.push('<section class="inputs"><h2>Inputs</h2><table class="files"><tbody>');
    for (const f of files) {
      body.push(
        `<tr${f.used ? '' : ' class="no"'}><td class="mono">${esc(f.name)}</td><td class="use">${f.used ? 'used' : 'not used'}</td><td>${esc(f.reason || f.kind)}</td></tr>`,
      );
    }
    body.push('</tbody></table></section>');
  }
  body.push('</main>');
  body.push(
    `<footer>Written by ${esc(options.generator ?? 'dsreg-doctor')}${options.redacted ? ', with identifiers redacted' : ''}. The findings follow Microsoft's ${link('https://learn.microsoft.com/entra/identity/devices/troubleshoot-hybrid-join-windows-current', 'hybrid join troubleshooting guide')}. This file loads nothing from the network.</footer>`,
  );

  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">`,
    '<meta name="referrer" content="no-referrer">',
    `<meta name="generator" content="${escAttr(options.generator ?? 'dsreg-doctor')}">`,
    `<title>${escAttr(title)}</title>`,
    `<style>${CSS.trim()}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** A step with its sub-steps nested under it. */
function stepHtml(step: string): string {
  const { text, subs } = stepParts(step);
  return subs.length === 0
    ? prose(text)
    : `${prose(text)}<ul>${subs.map((x) => `<li>${prose(x)}</li>`).join('')}</ul>`;
}

function renderFinding(
  f: Finding,
  n: number,
  texts: Map<string, DisplayLine[]>,
  context: number,
  ledger: StepLedger,
): string {
  const out: string[] = [];
  out.push(`<section class="finding ${f.severity}" id="finding-${n}">`);
  out.push(
    `<h2><span class="badge ${f.severity}">${esc(SEVERITY_WORD[f.severity])}</span>${esc(f.title)}</h2>`,
  );
  out.push(
    `<p class="meta">${f.phase ? `${esc(phaseName(f.phase))} · ` : ''}rule ${f.rule && f.rule !== f.id ? `<code>${esc(f.rule)}</code>: ` : ''}<code>${esc(f.id)}</code></p>`,
  );
  if (f.codes.length || f.serverErrorCode) {
    out.push('<table class="codes"><tbody>');
    f.codes.forEach((c, i) => {
      out.push(
        `<tr><td>${i === 0 ? 'Code' : 'Sub-code'}</td><td><code>${esc(c.hex)}</code>${c.name ? ` ${esc(c.name)}` : ''}${c.signed !== undefined && c.signed < 0 ? ` <span class="meta">(${c.signed})</span>` : ''}</td></tr>`,
      );
    });
    if (f.serverErrorCode)
      out.push(`<tr><td>Server</td><td><code>${esc(f.serverErrorCode)}</code></td></tr>`);
    out.push('</tbody></table>');
  }
  if (f.cause) out.push(`<h3>Cause</h3><p>${prose(f.cause)}</p>`);
  const fix = ledger.take(f.fix, f.title);
  if (fix.sameAs !== undefined) out.push(`<h3>Fix</h3><p>As for “${esc(fix.sameAs)}” above.</p>`);
  if (fix.steps.length) {
    out.push('<h3>Fix</h3><ol class="fix">');
    for (const step of fix.steps) out.push(`<li>${stepHtml(step)}</li>`);
    out.push('</ol>');
  }
  if (f.evidence.length) {
    out.push('<h3>Evidence</h3>');
    for (const [source, items] of groupBySource(f.evidence)) {
      out.push(renderEvidence(source, items, texts.get(source), context));
    }
  }
  if (f.docs?.length) {
    out.push('<h3>Documentation</h3><ul class="docs">');
    for (const u of f.docs) out.push(`<li>${link(u, docsLabel(u))}</li>`);
    out.push('</ul>');
  }
  out.push('</section>');
  return out.join('\n');
}

function phaseName(p: NonNullable<Finding['phase']>): string {
  return p === 'post-join' ? 'post-join (PRT)' : p === 'auth' ? 'authentication phase' : `${p} phase`;
}

function groupBySource(evidence: Evidence[]): Map<string, Evidence[]> {
  const map = new Map<string, Evidence[]>();
  for (const e of evidence) {
    const list = map.get(e.source) ?? [];
    if (list.length === 0) map.set(e.source, list);
    list.push(e);
  }
  return map;
}

interface DisplayLine {
  line: number;
  text: string;
}

/**
 * The lines to show for an input: those of the dsregcmd parser (forum and HTML residue removed, and a
 * capture flattened with <br> split back into its lines, each keeping its original line number), or
 * the raw lines of any other text.
 */
function displayLines(input: ReportInput): DisplayLine[] {
  try {
    return parseDsregcmd(input.text, input.name).lines;
  } catch {
    return input.text.split(/\r\n|\n|\r/).map((text, i) => ({ line: i + 1, text }));
  }
}

function renderEvidence(
  source: string,
  items: Evidence[],
  lines: DisplayLine[] | undefined,
  context: number,
): string {
  const out: string[] = [];
  out.push(`<figure class="context"><figcaption>${esc(source)}</figcaption>`);
  const byLine = items.filter((e) => e.line !== undefined);
  const byRecord = items.filter((e) => e.line === undefined && e.recordId !== undefined);
  const other = items.filter((e) => e.line === undefined && e.recordId === undefined);

  if (byLine.length && lines?.length) {
    const cited = new Set(byLine.map((e) => e.line!));
    const citedTexts = new Set(byLine.map((e) => norm(e.text)));
    // The entries of each cited line (a capture flattened with <br> puts many on one line), found
    // in one pass so that a long input costs linear time.
    const entries = new Map<number, number[]>();
    lines.forEach((l, i) => {
      if (!cited.has(l.line)) return;
      const list = entries.get(l.line);
      if (list) list.push(i);
      else entries.set(l.line, [i]);
    });
    // Indexes into `lines` to show: every entry of a cited line whose text is cited (or the only
    // one), and `context` entries around it.
    const hitIdx = new Set<number>();
    for (const list of entries.values()) {
      const matching = list.length === 1 ? list : list.filter((i) => citedTexts.has(norm(lines[i]!.text)));
      // A cited line whose pieces match no evidence text (the text was joined from a wrapped line).
      for (const i of matching.length > 0 ? matching : list) hitIdx.add(i);
    }
    const show = new Set<number>();
    for (const i of hitIdx) {
      for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j++) show.add(j);
    }
    const order = [...show].sort((a, b) => a - b);
    out.push('<div class="lines mono">');
    let prev = -1;
    for (const i of order) {
      if (prev >= 0 && i > prev + 1) out.push('<div class="gap">⋯</div>');
      const l = lines[i]!;
      out.push(
        `<div class="l${hitIdx.has(i) ? ' hit' : ''}"><span class="n">${l.line}</span><span class="t">${esc(l.text) || ' '}</span></div>`,
      );
      prev = i;
    }
    out.push('</div>');
  } else if (byLine.length) {
    out.push('<div class="lines mono">');
    for (const e of [...byLine].sort((a, b) => a.line! - b.line!)) {
      out.push(
        `<div class="l hit"><span class="n">${e.line}</span><span class="t">${esc(e.text)}</span></div>`,
      );
    }
    out.push('</div>');
  }
  if (byRecord.length) {
    out.push('<div class="lines mono">');
    for (const e of byRecord) {
      out.push(
        `<div class="l hit"><span class="n">#${e.recordId}</span><span class="t">${esc(e.text)}</span></div>`,
      );
    }
    out.push('</div>');
  }
  if (other.length) {
    out.push('<ul class="quoted mono">');
    for (const e of other) out.push(`<li>${esc(e.text)}</li>`);
    out.push('</ul>');
  }
  out.push('</figure>');
  return out.join('\n');
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Join and PRT attempts from the event logs, oldest first, with the attempt counts. */
function renderTimeline(d: Diagnosis, all = false, hint?: string): string {
  const out: string[] = [];
  out.push('<section class="timeline-section"><h2>Timeline from the event logs</h2>');
  const counts = Object.entries(d.attempts ?? {})
    .filter(([, a]) => a)
    .map(([kind, a]) => {
      const parts = [`${a!.count} attempt${a!.count === 1 ? '' : 's'}`, `${a!.failures} failed`];
      parts.push(a!.lastSuccess ? `last success ${utc(a!.lastSuccess)}` : 'no success recorded');
      return `<li><strong>${kind === 'join' ? 'Join' : 'PRT'}:</strong> ${esc(parts.join(', '))}</li>`;
    });
  if (counts.length) out.push(`<ul class="attempts">${counts.join('')}</ul>`);
  const { shown, hidden } = shownAttempts(d.timeline ?? [], all);
  if (hidden > 0) out.push(`<p class="more">${esc(hiddenAttemptsLine(hidden, hint))}</p>`);
  out.push(
    '<table class="timeline"><thead><tr><th>Time (UTC)</th><th>Attempt</th><th>Result</th><th>What happened</th><th>Records</th></tr></thead><tbody>',
  );
  for (const t of shown) {
    const what = attemptText(t);
    const detail =
      t.outcome === 'success' || what === t.summary ? '' : `<div class="meta">${esc(t.summary)}</div>`;
    const records = [...new Set(t.evidence.map((e) => (e.recordId !== undefined ? `#${e.recordId}` : '')))]
      .filter(Boolean)
      .join(' ');
    out.push(
      `<tr class="${t.outcome}"><td class="mono">${esc(utc(t.time))}</td><td>${t.kind === 'join' ? 'join' : 'PRT'}</td><td class="res">${t.outcome === 'success' ? 'ok' : 'FAILED'}</td><td class="msg">${esc(what)}${detail}</td><td class="mono">${esc(records)}</td></tr>`,
    );
  }
  out.push('</tbody></table></section>');
  return out.join('\n');
}
