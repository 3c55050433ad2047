// The diagnosis as one self-contained HTML page: inline CSS, no script, no font, image or link that
// loads anything (a Content-Security-Policy says so to the browser too), readable on screen and on
// paper, light or dark as the reader's system is. It is drawn by the page's own components
// (src/report/components/, rendered to a string with preact-render-to-string), so the page and the
// report cannot drift; only what a file needs and the page shows otherwise is drawn here: each
// finding's evidence in context (the lines around the cited ones, which are marked), the timeline as
// a table, the list of inputs.
import { renderToString } from 'preact-render-to-string';
import { parseDsregcmd } from '../dsregcmd/parse.js';
import type { Diagnosis, Evidence } from '../types.js';
import { SEVERITY_LABEL } from './components/finding.js';
import { Findings } from './components/findings.js';
import { DocLink, Text } from './components/rich-text.js';
import { Verdict } from './components/verdict.js';
import { findingCounts, type ReportInput, type ReportOptions, utc } from './markdown.js';
import { cleanDeep } from './sanitize.js';
import { hiddenAttemptsLine, shownAttempts } from './steps.js';
import { attemptText, verdictLine } from './text.js';

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

/**
 * `>` in text escaped too (the renderer escapes `&`, `<` and `"`, which is enough for a browser), so
 * that a value from the input reads as escaped in the file's source as well. Every `<` of the output
 * opens a tag (text has none left), and a tag ends at the first `>` outside its quoted attributes.
 */
function escapeGt(html: string): string {
  let out = '';
  let from = 0;
  let i = 0;
  while (i < html.length) {
    const c = html.charCodeAt(i);
    if (c === 0x3c) {
      // A tag: skip to its end.
      let quote = 0;
      for (i++; i < html.length; i++) {
        const t = html.charCodeAt(i);
        if (quote) {
          if (t === quote) quote = 0;
        } else if (t === 0x22 || t === 0x27) quote = t;
        else if (t === 0x3e) break;
      }
      i++;
    } else if (c === 0x3e) {
      out += `${html.slice(from, i)}&gt;`;
      from = ++i;
    } else i++;
  }
  return out + html.slice(from);
}

const GUIDE = 'https://learn.microsoft.com/entra/identity/devices/troubleshoot-hybrid-join-windows-current';

export function renderHtml(input: Diagnosis, htmlOptions: HtmlOptions = {}): string {
  // Control characters of the input are shown as symbols here too (a report is also read as text).
  const d = cleanDeep(input);
  const options = cleanDeep(htmlOptions);
  const title = `dsreg-doctor: ${verdictLine(d)}`;
  const body = escapeGt(renderToString(<Report diagnosis={d} options={options} />));
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
    body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function Report({ diagnosis: d, options }: { diagnosis: Diagnosis; options: HtmlOptions }) {
  const context = Math.max(0, options.context ?? 3);
  const texts = new Map<string, DisplayLine[]>();
  for (const input of options.inputs ?? []) texts.set(input.name, displayLines(input));
  const files = options.files ?? d.sources?.map((name) => ({ name, kind: '', used: true, reason: '' })) ?? [];
  return (
    <>
      <header class={`report-head ${d.verdict}`}>
        <div class="wrap">
          <p class="tool">dsreg-doctor report</p>
          <Verdict diagnosis={d} level={1} />
          {options.redacted && (
            <p class="redacted">
              Identifiers (tenant, device, user, domain and computer names, thumbprints, key and request IDs)
              are replaced with pseudonyms; the same value always has the same pseudonym, so the report still
              reads.
            </p>
          )}
        </div>
      </header>
      <main>
        {d.findings.length > 1 && (
          <nav class="toc" aria-label="Findings">
            <span class="counts">{findingCounts(d)}</span>
            <ol>
              {d.findings.map((f, i) => (
                <li key={i}>
                  <a href={`#finding-${i + 1}`}>
                    {SEVERITY_LABEL[f.severity]}: <Text text={f.title} />
                  </a>
                </li>
              ))}
            </ol>
          </nav>
        )}
        <Findings
          diagnosis={d}
          anchors
          evidenceView={(_, source, items) => (
            <EvidenceInContext
              key={source}
              source={source}
              items={items}
              lines={texts.get(source)}
              context={context}
            />
          )}
        />
        {d.timeline && d.timeline.length > 0 && (
          <TimelineTable diagnosis={d} all={options.allAttempts ?? false} hint={options.allAttemptsHint} />
        )}
        {files.length > 0 && (
          <section class="inputs">
            <h2>Inputs</h2>
            <table class="files">
              <tbody>
                {files.map((f, i) => (
                  <tr key={i} class={f.used ? undefined : 'no'}>
                    <td class="mono">
                      <Text text={f.name} />
                    </td>
                    <td class="use">{f.used ? 'used' : 'not used'}</td>
                    <td>
                      <Text text={f.reason || f.kind} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
      </main>
      <footer>
        Written by <Text text={options.generator ?? 'dsreg-doctor'} />
        {options.redacted ? ', with identifiers redacted' : ''}. The findings follow Microsoft's{' '}
        <DocLink url={GUIDE}>hybrid join troubleshooting guide</DocLink>. This file loads nothing from the
        network.
      </footer>
    </>
  );
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

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * The indexes into `lines` to show for the cited lines: every entry of a cited line whose text is
 * cited (or the only one), and `context` entries around it.
 */
function shownLines(byLine: Evidence[], lines: DisplayLine[], context: number) {
  const cited = new Set(byLine.map((e) => e.line!));
  const citedTexts = new Set(byLine.map((e) => norm(e.text)));
  // The entries of each cited line (a capture flattened with <br> puts many on one line), found in
  // one pass so that a long input costs linear time.
  const entries = new Map<number, number[]>();
  lines.forEach((l, i) => {
    if (!cited.has(l.line)) return;
    const list = entries.get(l.line);
    if (list) list.push(i);
    else entries.set(l.line, [i]);
  });
  const hits = new Set<number>();
  for (const list of entries.values()) {
    const matching = list.length === 1 ? list : list.filter((i) => citedTexts.has(norm(lines[i]!.text)));
    // A cited line whose pieces match no evidence text (the text was joined from a wrapped line).
    for (const i of matching.length > 0 ? matching : list) hits.add(i);
  }
  const show = new Set<number>();
  for (const i of hits) {
    for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j++) show.add(j);
  }
  return { hits, order: [...show].sort((a, b) => a - b) };
}

function Line({ n, text, hit }: { n: string | number; text: string; hit: boolean }) {
  return (
    <div class={hit ? 'l hit' : 'l'}>
      <span class="n">{n}</span>
      <span class="t">
        <Text text={text || ' '} />
      </span>
    </div>
  );
}

interface ContextProps {
  source: string;
  items: Evidence[];
  lines: DisplayLine[] | undefined;
  context: number;
}

/** The evidence of one input: each cited line among its neighbours, records and quoted values. */
function EvidenceInContext({ source, items, lines, context }: ContextProps) {
  const byLine = items.filter((e) => e.line !== undefined);
  const byRecord = items.filter((e) => e.line === undefined && e.recordId !== undefined);
  const other = items.filter((e) => e.line === undefined && e.recordId === undefined);
  let numbered = null;
  if (byLine.length && lines?.length) {
    const { hits, order } = shownLines(byLine, lines, context);
    numbered = (
      <div class="lines mono">
        {order.map((i, k) => (
          <>
            {k > 0 && i > order[k - 1]! + 1 && <div class="gap">⋯</div>}
            <Line n={lines[i]!.line} text={lines[i]!.text} hit={hits.has(i)} />
          </>
        ))}
      </div>
    );
  } else if (byLine.length) {
    numbered = (
      <div class="lines mono">
        {[...byLine]
          .sort((a, b) => a.line! - b.line!)
          .map((e, i) => (
            <Line key={i} n={e.line!} text={e.text} hit />
          ))}
      </div>
    );
  }
  return (
    <figure class="context">
      <figcaption>
        <Text text={source} />
      </figcaption>
      {numbered}
      {byRecord.length > 0 && (
        <div class="lines mono">
          {byRecord.map((e, i) => (
            <Line key={i} n={`#${e.recordId}`} text={e.text} hit />
          ))}
        </div>
      )}
      {other.length > 0 && (
        <ul class="quoted mono">
          {other.map((e, i) => (
            <li key={i}>
              <Text text={e.text} />
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}

/** Join and PRT attempts from the event logs, oldest first, with the attempt counts. */
function TimelineTable({
  diagnosis: d,
  all,
  hint,
}: {
  diagnosis: Diagnosis;
  all: boolean;
  hint?: string | undefined;
}) {
  const counts = Object.entries(d.attempts ?? {}).filter(([, a]) => a);
  const { shown, hidden } = shownAttempts(d.timeline ?? [], all);
  return (
    <section class="timeline-section">
      <h2>Timeline from the event logs</h2>
      {counts.length > 0 && (
        <ul class="attempts">
          {counts.map(([kind, a]) => (
            <li key={kind}>
              <strong>{kind === 'join' ? 'Join' : 'PRT'}:</strong>{' '}
              <Text
                text={[
                  `${a!.count} attempt${a!.count === 1 ? '' : 's'}`,
                  `${a!.failures} failed`,
                  a!.lastSuccess ? `last success ${utc(a!.lastSuccess)}` : 'no success recorded',
                ].join(', ')}
              />
            </li>
          ))}
        </ul>
      )}
      {hidden > 0 && <p class="more">{hiddenAttemptsLine(hidden, hint)}</p>}
      <table class="timeline">
        <thead>
          <tr>
            <th>Time (UTC)</th>
            <th>Attempt</th>
            <th>Result</th>
            <th>What happened</th>
            <th>Records</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((t, i) => {
            const what = attemptText(t);
            const records = [
              ...new Set(t.evidence.map((e) => (e.recordId !== undefined ? `#${e.recordId}` : ''))),
            ]
              .filter(Boolean)
              .join(' ');
            return (
              <tr key={i} class={t.outcome}>
                <td class="mono">
                  <Text text={utc(t.time)} />
                </td>
                <td>{t.kind === 'join' ? 'join' : 'PRT'}</td>
                <td class="res">{t.outcome === 'success' ? 'ok' : 'FAILED'}</td>
                <td class="msg">
                  <Text text={what} />
                  {t.outcome !== 'success' && what !== t.summary && (
                    <div class="meta">
                      <Text text={t.summary} />
                    </div>
                  )}
                </td>
                <td class="mono">{records}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

// The report's own look, for the classes of the shared components (the page styles the same classes
// in web/src/styles.css) and for what only the report draws.
const CSS = `
:root{--fg:#1b1f24;--muted:#5b6470;--line:#d8dde3;--bg:#fff;--panel:#f5f7f9;--code:#f2f4f6;
--err:#b42318;--err-bg:#fdecea;--warn:#9a6700;--warn-bg:#fff5d6;--info:#0b5cad;--info-bg:#e8f1fb;
--ok:#1a7f37;--ok-bg:#e6f4ea;--mark:#fff1a8;--unk:#57606a;--unk-bg:#eef0f2;--ps:#6639ba;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--fg:#e6e8eb;--muted:#9aa4af;--line:#2f3741;--bg:#0f1318;--panel:#171c22;--code:#1e242c;
--err:#ff8a80;--err-bg:#3a1614;--warn:#f2c14e;--warn-bg:#35290b;--info:#8cc4ff;--info-bg:#13283f;
--ok:#6ddf8f;--ok-bg:#12301f;--mark:#4a3f0c;--unk:#9aa4af;--unk-bg:#1e242c;--ps:#c9a7ff}}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main,header .wrap,footer{max-width:980px;margin:0 auto;padding:0 24px}
code,pre,.mono,.rule-id{font-family:ui-monospace,"Cascadia Mono","Segoe UI Mono",Consolas,"Liberation Mono",Menlo,monospace;font-size:13px}
code{background:var(--code);padding:1px 4px;border-radius:4px;overflow-wrap:anywhere}
a{color:var(--info);overflow-wrap:anywhere}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.muted{color:var(--muted)}
header.report-head{border-bottom:1px solid var(--line);padding:20px 0 16px;margin-bottom:8px;border-top:6px solid var(--unk)}
header.failed{border-top-color:var(--err)}header.warning{border-top-color:var(--warn)}header.healthy{border-top-color:var(--ok)}
.tool{margin:0;color:var(--muted);font-size:13px;letter-spacing:.04em;text-transform:uppercase}
.verdict-line{margin:4px 0 12px;font-size:26px;line-height:1.25}
.verdict-failed .verdict-line{color:var(--err)}.verdict-warning .verdict-line{color:var(--warn)}.verdict-healthy .verdict-line{color:var(--ok)}
.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:4px 16px;margin:0 0 14px}
.facts>div{display:contents}.facts dt{color:var(--muted)}.facts dd{margin:0;overflow-wrap:anywhere}
.flow{list-style:none;padding:0;margin:0;display:grid;grid-template-columns:repeat(5,minmax(0,1fr));gap:6px}
.step{border:1px solid var(--line);border-radius:6px;padding:5px 7px;background:var(--panel);display:grid;grid-template-columns:auto minmax(0,1fr);column-gap:6px;align-items:center;min-width:0}
.step-icon{grid-row:span 2;width:22px;height:22px;border-radius:50%;display:inline-flex;align-items:center;justify-content:center;font-size:12px;font-weight:700;border:2px solid var(--line)}
.step-label{font-weight:600;font-size:14px;white-space:nowrap;word-break:keep-all;overflow-wrap:normal;hyphens:none;min-width:0}
.step-what{font-size:12px;color:var(--muted);line-height:1.25}
.step-passed .step-icon{border-color:var(--ok);color:var(--ok)}
.step-failed{border-color:var(--err);background:var(--err-bg)}.step-failed .step-icon{background:var(--err);border-color:var(--err);color:var(--bg)}
.step-warning{border-color:var(--warn);background:var(--warn-bg)}.step-warning .step-icon{background:var(--warn);border-color:var(--warn);color:var(--bg)}
.step-not-reached{opacity:.6}.step-not-reached .step-icon{border-style:dashed}
.ps{white-space:nowrap;color:var(--ps)}.url{overflow-wrap:anywhere}
.fix ul,.next-steps ul ul{margin:2px 0;padding-left:20px}.more{color:var(--muted)}
.redacted{margin:12px 0 0;padding:8px 12px;background:var(--info-bg);border-radius:6px;font-size:14px}
nav.toc{margin:16px 0 8px}nav.toc ol{margin:6px 0 0;padding-left:22px}
.counts{color:var(--muted)}
h2{font-size:21px;line-height:1.3;margin:22px 0 6px}
.finding-list{list-style:none;margin:0;padding:0}
.finding{border:1px solid var(--line);border-left:6px solid var(--line);border-radius:8px;padding:10px 20px 14px;margin:14px 0;break-inside:auto}
.finding-error{border-left-color:var(--err)}.finding-warning{border-left-color:var(--warn)}.finding-info{border-left-color:var(--info)}
.finding-meta{display:flex;flex-wrap:wrap;gap:4px 10px;align-items:center;font-size:13px;margin:0 0 4px;color:var(--muted)}
.badge{display:inline-block;font-size:12px;font-weight:700;letter-spacing:.05em;text-transform:uppercase;padding:2px 8px;border-radius:4px}
.badge-error{background:var(--err-bg);color:var(--err)}.badge-warning{background:var(--warn-bg);color:var(--warn)}.badge-info{background:var(--info-bg);color:var(--info)}
.rule-id{margin-left:auto}
.finding-title{font-size:19px;line-height:1.3;margin:2px 0 6px;break-after:avoid}
h4{font-size:13px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:14px 0 4px;break-after:avoid}
h4+p{margin-top:0}
.codes{list-style:none;padding:0;margin:4px 0;display:flex;flex-wrap:wrap;gap:4px 16px}
.code-name{color:var(--muted);margin-left:6px;overflow-wrap:anywhere}
.fix ol{margin:4px 0;padding-left:22px}.fix li{margin:3px 0}.fix p{margin:0}
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
table.timeline .meta{color:var(--muted)}
table.timeline tr.failure td.res{color:var(--err);font-weight:700}
table.timeline tr.success td.res{color:var(--ok);font-weight:700}
ul.attempts{margin:4px 0 10px;padding-left:20px}
.files td,.files th{padding:2px 12px 2px 0;text-align:left;vertical-align:top}.files .no{color:var(--muted)}.files td.use{white-space:nowrap}
footer{color:var(--muted);font-size:13px;border-top:1px solid var(--line);margin-top:28px;padding-top:12px;padding-bottom:28px}
@media (max-width:640px){main,header .wrap,footer{padding:0 12px}.lines .l{grid-template-columns:3.2em 1fr}
.step{grid-template-columns:minmax(0,1fr);justify-items:center;text-align:center;padding:5px 2px}.step-icon{grid-row:auto}.step-label{font-size:11px}.step-what{display:none}}
@media print{:root{color-scheme:light}body{font-size:11pt}main,header .wrap,footer{max-width:none;padding:0}a{color:inherit;text-decoration:none}
.finding{break-inside:auto}table.timeline th{position:static}nav.toc{display:none}}
@page{margin:16mm 14mm}
`;
