// The report of a run, in any format, for one device or several: what the CLI prints and writes and
// what the page downloads. One device prints exactly its report; several print one report each,
// headed by the device, most severe first (`--format json`: one object per device, one per line).
import type { Diagnosis, Verdict } from '../types.js';
import { renderHtml } from './html.js';
import { type ReportFile, type ReportInput, renderMarkdown } from './markdown.js';
import { type Palette, renderText } from './text.js';

export type ReportFormat = 'text' | 'json' | 'md' | 'html';

/** One device's part of a report. */
export interface DeviceReport {
  diagnosis: Diagnosis;
  /** How the inputs name the device (the report's heading when there are several). */
  identity?: { deviceId?: string; name?: string };
  /** The files looked at for this device, used or not (JSON `inputs`, the reports' list of inputs). */
  files: readonly ReportFile[];
}

export interface BuildOptions {
  format: ReportFormat;
  /** The text inputs, so the HTML report can show evidence among the lines around it. */
  inputs?: readonly ReportInput[];
  redacted?: boolean;
  /** The tool and version ("dsreg-doctor 0.1.0"). */
  generator?: string;
  /** Text: the width to wrap at, and the colours. */
  width?: number;
  colors?: Palette;
  /** Every attempt of the timeline, not only the last 20; and how to ask for that, where some are left out. */
  allAttempts?: boolean;
  allAttemptsHint?: string;
}

const VERDICT_RANK: Record<Verdict, number> = { failed: 0, warning: 1, unknown: 2, healthy: 3 };

/** The devices most severe first (failed, warning, unknown, healthy); input order among equals. */
export function bySeverity<T extends { diagnosis: Diagnosis }>(devices: readonly T[]): T[] {
  return devices
    .map((d, i) => ({ d, i }))
    .sort((a, b) => VERDICT_RANK[a.d.diagnosis.verdict] - VERDICT_RANK[b.d.diagnosis.verdict] || a.i - b.i)
    .map((x) => x.d);
}

/** How a report heads a device: its name, else its DeviceId, else the input it was read from. */
export function deviceTitle(device: DeviceReport): string {
  const name = device.identity?.name ?? device.diagnosis.device?.name;
  if (name) return name;
  const id = device.identity?.deviceId ?? device.diagnosis.device?.deviceId;
  if (id) return `DeviceId ${id}`;
  const first = device.files.find((f) => f.used)?.name ?? device.diagnosis.sources?.[0];
  return first ? `the device of ${first}` : 'a device the inputs do not name';
}

/** The report of every device, in the given order (see bySeverity). */
export function buildReport(devices: readonly DeviceReport[], options: BuildOptions): string {
  if (devices.length === 1) return single(devices[0]!, options);
  const titled = devices.map((d, i) => ({
    ...d,
    title: `Device ${i + 1} of ${devices.length}: ${deviceTitle(d)}`,
  }));
  switch (options.format) {
    case 'json':
      return titled.map((d) => `${JSON.stringify({ ...d.diagnosis, inputs: d.files })}\n`).join('');
    case 'md':
      return markdownOfDevices(titled, options);
    case 'html':
      return htmlOfDevices(titled, options);
    default:
      return textOfDevices(titled, options);
  }
}

function single(device: DeviceReport, options: BuildOptions, heading?: string[]): string {
  const d = device.diagnosis;
  const common = {
    files: device.files,
    ...(options.redacted !== undefined ? { redacted: options.redacted } : {}),
    ...(options.generator !== undefined ? { generator: options.generator } : {}),
    ...(options.allAttempts !== undefined ? { allAttempts: options.allAttempts } : {}),
    ...(options.allAttemptsHint !== undefined ? { allAttemptsHint: options.allAttemptsHint } : {}),
  };
  switch (options.format) {
    case 'json':
      return `${JSON.stringify({ ...d, inputs: device.files }, null, 2)}\n`;
    case 'md':
      return renderMarkdown(d, common);
    case 'html':
      return renderHtml(d, { ...common, inputs: options.inputs ?? [] });
    default:
      return renderText(d, {
        ...common,
        width: options.width ?? 80,
        ...(options.colors ? { colors: options.colors } : {}),
        ...(heading ? { heading } : {}),
      });
  }
}

type Titled = DeviceReport & { title: string };

function counts(devices: readonly Titled[]): string {
  const by = new Map<Verdict, number>();
  for (const d of devices) by.set(d.diagnosis.verdict, (by.get(d.diagnosis.verdict) ?? 0) + 1);
  const parts = (['failed', 'warning', 'unknown', 'healthy'] as const)
    .filter((v) => by.has(v))
    .map((v) => `${by.get(v)} ${v}`);
  return `${devices.length} devices: ${parts.join(', ')}`;
}

function textOfDevices(devices: readonly Titled[], options: BuildOptions): string {
  const width = options.width ?? 80;
  const rule = '='.repeat(Math.min(width, 80));
  const bold = options.colors?.bold ?? ((s: string) => s);
  const parts = [`${bold(counts(devices))}\n`];
  for (const d of devices) {
    parts.push(`\n${rule}\n${single(d, options, [bold(d.title), ''])}`);
  }
  return parts.join('');
}

/** Markdown of several devices: one section each, the device's own headings one level down. */
function markdownOfDevices(devices: readonly Titled[], options: BuildOptions): string {
  const out = [`# dsreg-doctor: ${counts(devices)}`, ''];
  for (const d of devices) out.push(`- ${mdText(d.title)}: ${d.diagnosis.verdict.toUpperCase()}`);
  out.push('');
  for (const d of devices) {
    const lines = single(d, options).split('\n');
    // The device's title line: "# dsreg-doctor: FAILED ..." becomes "## Device 1 of 2: name: FAILED ...".
    lines[0] = lines[0]!.replace(/^# dsreg-doctor: /, `## ${mdText(d.title)}: `);
    out.push(...demote(lines));
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** Headings below the first line go one level down; fenced blocks are left alone. */
function demote(lines: string[]): string[] {
  let fence = '';
  return lines.map((line, i) => {
    const run = /^(`{3,}|~{3,})/.exec(line)?.[1];
    if (run) {
      if (!fence) fence = run;
      else if (run[0] === fence[0] && run.length >= fence.length) fence = '';
      return line;
    }
    if (!fence && i > 0 && /^#{1,5} /.test(line)) return `#${line}`;
    return line;
  });
}

function mdText(text: string): string {
  return text.replace(/[\\*_[\]<>`~]/g, (c) => `\\${c}`);
}

/** HTML of several devices: one document, each device's report in its own section with its own anchors. */
function htmlOfDevices(devices: readonly Titled[], options: BuildOptions): string {
  const docs = devices.map((d) => single(d, options));
  const first = docs[0]!;
  const open = first.indexOf('<body>\n') + '<body>\n'.length;
  const close = first.lastIndexOf('\n</body>');
  const bodies = docs.map((doc, i) => {
    const body = doc.slice(doc.indexOf('<body>\n') + '<body>\n'.length, doc.lastIndexOf('\n</body>'));
    // Our own anchors (finding-1 ...) made unique per device; input text is escaped, so it holds no such attribute.
    const anchored = body.replace(/(id="|href="#)finding-/g, `$1device-${i + 1}-finding-`);
    return `<section class="device" id="device-${i + 1}">\n<h2 class="device-title">${esc(devices[i]!.title)}</h2>\n${anchored}\n</section>`;
  });
  const nav = [
    `<nav class="devices" aria-label="Devices"><p>${esc(counts(devices))}</p><ol>`,
    ...devices.map(
      (d, i) =>
        `<li><a href="#device-${i + 1}">${esc(d.title)}</a>: ${esc(d.diagnosis.verdict.toUpperCase())}</li>`,
    ),
    '</ol></nav>',
  ].join('\n');
  const head = first
    .slice(0, open)
    .replace(/<title>[^<]*<\/title>/, `<title>dsreg-doctor: ${esc(counts(devices))}</title>`)
    .replace('</head>', `<style>${DEVICES_CSS}</style>\n</head>`);
  return `${head}${nav}\n${bodies.join('\n')}${first.slice(close)}`;
}

// The list of devices and each device's title, laid out like the report around them.
const DEVICES_CSS =
  'nav.devices,h2.device-title{max-width:980px;margin:24px auto 12px;padding:0 24px;box-sizing:border-box}' +
  'nav.devices p{font-weight:700;margin:0 0 4px}section.device+section.device{border-top:3px double currentColor;margin-top:32px}' +
  '@media (max-width:640px){nav.devices,h2.device-title{padding:0 12px}}';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
