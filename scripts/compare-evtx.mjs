#!/usr/bin/env node
// Compares dsreg-doctor's .evtx reader with two references no one here wrote, record by record
// (keyed by EventRecordID): libyal's `evtxexport -f xml` (Debian libevtx-utils) and python-evtx's
// `evtx_dump.py` (Debian python3-evtx, run with /usr/bin/python3). For every record a reference
// prints, it checks event ID, time, provider, channel, computer, level and every EventData /
// UserData value. Known formatting differences are tolerated by named rules, each explained in
// docs/evtx-comparison.md; known reference errors on specific records are listed in EXPECTED
// below with the reason. Anything else is an unexplained difference: exit code 1.
//
//   node scripts/compare-evtx.mjs [--install] [--verbose] [FILE.evtx | DIR]...
//
// Default input: ../shared/samples/evtx and test/fixtures/evtx (our hand-built User Device
// Registration and AAD logs). Needs `npm run build` first (reads ../dist/index.js).
// --install runs apt-get for a missing reference (as root); without it a missing reference is an
// error (exit 2) naming the package to install.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { bytesSource, payloadData, readEvtx } from '../dist/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const install = args.includes('--install');
const inputs = args.filter((a) => !a.startsWith('--'));
if (inputs.length === 0)
  inputs.push(
    path.join(here, '..', '..', 'shared', 'samples', 'evtx'),
    path.join(here, '..', 'test', 'fixtures', 'evtx'),
  );

const REFERENCES = [
  {
    name: 'libevtx',
    package: 'libevtx-utils',
    command: '/usr/bin/evtxexport',
    args: (file) => ['-f', 'xml', file],
    parse: (out) => splitEvents(out).map((text) => fieldsOf(parseLibevtxEvent(text))),
  },
  {
    name: 'python-evtx',
    package: 'python3-evtx',
    command: '/usr/bin/python3',
    probe: '/usr/bin/evtx_dump.py',
    args: (file) => ['/usr/bin/evtx_dump.py', file],
    // A CR in text would be turned into LF by any XML parser (line-end normalisation): keep it.
    parse: (out) =>
      splitEvents(out.replaceAll('\r', '&#13;')).map((text) => {
        const event = parseXmlEvent(text);
        const arrays = dropPythonArrays(event);
        return { ...fieldsOf(event), arrays };
      }),
  },
];

// Records a reference prints that dsreg-doctor rightly does not (or prints differently), by file.
// Each entry: reference, EventRecordID ('' for a record printed without one), and why.
const EXPECTED = {
  'sample_with_a_bad_chunk_magic.evtx': [
    [
      'python-evtx',
      45933,
      'partial record: its copy of the size is 0 and its tail is zeroed; python-evtx prints a value cut short',
    ],
    [
      'python-evtx',
      47640,
      'partial record: its copy of the size is 0 and its tail is zeroed; python-evtx prints "Microsoft.Wi" for a package name',
    ],
    [
      'python-evtx',
      '',
      'record 46741, half-written the same way (values zeroed): python-evtx prints it without an EventRecordID',
    ],
  ],
  'Microsoft-Windows-HelloForBusiness%4Operational.evtx': [
    [
      'python-evtx',
      0,
      'record 6 was being written when the log was copied (its copy of the size is 0, its values zeroed); python-evtx prints it as record 0 of 1601-01-01',
    ],
  ],
};

// ---------------------------------------------------------------------------------------------
// Tolerance rules: each turns a reference value and ours into a verdict. Names match the doc.

const HEX = /^0x[0-9a-f]+$/i;
const GUID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;
const ISO7 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{7})Z$/;
const LIBEVTX_TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{9})Z$/;
const PY_TIME = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?$/;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** python-evtx goes through a float of seconds since 1601 (1.9 us apart) and keeps microseconds. */
const PYTHON_TIME_TICKS = 40n;
let largestPythonTimeError = 0n;

function base64ToHex(s) {
  return Buffer.from(s, 'base64').toString('hex').toUpperCase();
}

/**
 * libevtx 20181227 prints a negative integer as a minus sign and the bits below the sign bit
 * (sign and magnitude): Int32 -2145648611 (0x801C001D) comes out as -1835037. What it would print
 * for our (two's complement) value, trying the widths the value fits.
 */
function signMagnitude(ours) {
  const v = BigInt(ours);
  for (const bits of [8n, 16n, 32n, 64n]) {
    if (v >= -(1n << (bits - 1n))) return -((v + (1n << bits)) & ((1n << (bits - 1n)) - 1n));
  }
  return null;
}

/** Ticks of 100 ns since the epoch for an ISO time with 7 digits, as a bigint. */
function ticks(date, frac7) {
  return BigInt(Date.parse(`${date}Z`)) * 10_000n + BigInt(frac7);
}

/** Returns null when equal, the rule's name when a tolerated difference, false when different. */
function sameValue(ref, ours, reference) {
  if (ref === ours) return null;
  if (reference === 'libevtx') {
    if (unescapeXml(ref) === ours) return 'libevtx-ansi-unescaped';
    if (/^-\d+$/.test(ref) && /^-\d+$/.test(ours) && signMagnitude(ours) === BigInt(ref))
      return 'libevtx-negative-integer';
    if (ref === '' && (ours === '\n' || ours === '\r\n')) return 'libevtx-line-break-value';
  }
  if (HEX.test(ref) && HEX.test(ours) && BigInt(ref) === BigInt(ours)) return 'hex-padding';
  if (GUID.test(ref) && GUID.test(ours) && ref.toUpperCase() === ours.toUpperCase()) return 'guid-case';
  const o = ISO7.exec(ours);
  if (o) {
    const l = LIBEVTX_TIME.exec(ref);
    if (l && l[1] === o[1] && l[2] === `${o[2]}00`) return 'time-digits';
    const p = PY_TIME.exec(ref);
    if (p) {
      const refTicks = ticks(`${p[1]}T${p[2]}`, (p[3] ?? '').padEnd(6, '0') + '0');
      const diff = refTicks - ticks(o[1], o[2]);
      if (diff >= -PYTHON_TIME_TICKS && diff <= PYTHON_TIME_TICKS) {
        const abs = diff < 0n ? -diff : diff;
        if (abs > largestPythonTimeError) largestPythonTimeError = abs;
        return 'python-time';
      }
    }
  }
  if (reference === 'python-evtx') {
    if ((ref === 'True' || ref === 'False') && ours === ref.toLowerCase()) return 'python-bool';
    if (ours.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '') === ref) return 'python-control-chars';
    if (BASE64.test(ref) && /^[0-9A-F]*$/.test(ours) && base64ToHex(ref) === ours) return 'python-binary';
    // python-evtx drops the 100 ns digit of FILETIME values, and writes SYSTEMTIME with microseconds.
    const ms = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{3})Z$/.exec(ours);
    const p = PY_TIME.exec(ref);
    if (ms && p && `${p[1]}T${p[2]}` === ms[1] && (p[3] ?? '').padEnd(6, '0') === `${ms[2]}000`)
      return 'python-time';
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Reference output parsing.

/** The text of each <Event ...>...</Event> in a reference's output. */
function splitEvents(out) {
  const events = [];
  const re = /<Event[\s>][\s\S]*?<\/Event>/g;
  for (let m = re.exec(out); m !== null; m = re.exec(out)) events.push(m[0]);
  return events;
}

function unescapeXml(s) {
  return s.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-f]+|#\d+);/gi, (_, e) => {
    const map = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (map[e]) return map[e];
    const code =
      e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
    return String.fromCodePoint(code);
  });
}

const xml = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  ignoreDeclaration: true,
});

/** python-evtx's output is well-formed XML per event: parse it, then decode the entities. */
function parseXmlEvent(text) {
  const toElement = (node) => {
    const name = Object.keys(node).find((k) => k !== ':@');
    const attributes = Object.entries(node[':@'] ?? {}).map(([k, v]) => [k, unescapeXml(String(v))]);
    const children = [];
    for (const child of node[name] ?? []) {
      if ('#text' in child) children.push(unescapeXml(String(child['#text'])));
      else children.push(toElement(child));
    }
    return { name, attributes, children };
  };
  const doc = xml.parse(text);
  const root = doc.find((n) => Object.keys(n).some((k) => k !== ':@' && k !== '#text'));
  return toElement(root);
}

/**
 * libevtx's XML is pretty-printed, two spaces per level, one element per line, but ANSI string
 * values are written without escaping (a '<' inside a value is not a tag), so it is read by lines:
 * `<Name ...>value</Name>` is a leaf, `<Name .../>` an empty element, `<Name ...>` followed by a
 * line indented one level deeper that starts a tag is a parent, anything else a value that spans
 * lines up to its `</Name>`. Values are left escaped: the comparison accepts either form.
 */
function parseLibevtxEvent(text) {
  const lines = text.split('\n');
  let i = 0;
  const indentOf = (line) => line.length - line.trimStart().length;
  const parseTag = (s) => {
    const m = /^<([^\s/>]+)((?:\s+[^\s=]+="[^"]*")*)\s*(\/?)>/.exec(s);
    if (!m) return null;
    const attributes = [...m[2].matchAll(/([^\s=]+)="([^"]*)"/g)].map((a) => [a[1], unescapeXml(a[2])]);
    return { name: m[1], attributes, empty: m[3] === '/', rest: s.slice(m[0].length) };
  };
  const element = () => {
    const line = lines[i];
    const indent = indentOf(line);
    const tag = parseTag(line.trimStart());
    i++;
    if (!tag) return null;
    const el = { name: tag.name, attributes: tag.attributes, children: [] };
    if (tag.empty) return el;
    const close = `</${tag.name}>`;
    if (tag.rest.endsWith(close)) {
      el.children.push(tag.rest.slice(0, -close.length));
      return el;
    }
    const next = lines[i] ?? '';
    if (tag.rest === '' && indentOf(next) === indent + 2 && next.trimStart().startsWith('<')) {
      while (i < lines.length && lines[i].trim() !== close) {
        const child = element();
        if (child) el.children.push(child);
      }
      i++;
      return el;
    }
    const parts = [tag.rest];
    while (i < lines.length && !lines[i].endsWith(close)) parts.push(lines[i++]);
    if (i < lines.length) parts.push(lines[i++].slice(0, -close.length));
    el.children.push(parts.join('\n'));
    return el;
  };
  return element();
}

const STRING_ARRAY = /^(?:<string>[\s\S]*?<\/string>\n)+$/;

/**
 * python-evtx writes an array substitution as <string> items inside one element (instead of
 * repeating the element) and mis-splits the items (see the doc): such elements are dropped here
 * and the record's array values are checked against libevtx only. Returns whether any was found.
 */
function dropPythonArrays(event) {
  let found = false;
  const visit = (el) => {
    el.children = el.children.filter((c) => {
      if (typeof c === 'string') return true;
      const text = c.children.length === 1 && typeof c.children[0] === 'string' ? c.children[0] : null;
      if (text !== null && STRING_ARRAY.test(text)) {
        found = true;
        return false;
      }
      visit(c);
      return true;
    });
  };
  visit(event);
  return found;
}

/** The fields compared, from a reference's event element. */
function fieldsOf(event) {
  const child = (el, name) => el?.children.find((c) => typeof c !== 'string' && c.name === name);
  const text = (el) => (el ? el.children.filter((c) => typeof c === 'string').join('') : undefined);
  const attr = (el, name) => el?.attributes.find(([n]) => n === name)?.[1];
  const system = child(event, 'System');
  const containers = event.children.filter(
    (c) => typeof c !== 'string' && c.name !== 'System' && c.name !== 'RenderingInfo',
  );
  return {
    recordId: text(child(system, 'EventRecordID'))?.trim() ?? '',
    eventId: text(child(system, 'EventID'))?.trim(),
    level: text(child(system, 'Level'))?.trim(),
    time: attr(child(system, 'TimeCreated'), 'SystemTime'),
    provider: attr(child(system, 'Provider'), 'Name'),
    channel: text(child(system, 'Channel')),
    computer: text(child(system, 'Computer')),
    data: payloadData(containers),
  };
}

// ---------------------------------------------------------------------------------------------

function ensureReference(ref) {
  const probe = ref.probe ?? ref.command;
  if (existsSync(probe)) return;
  if (!install) {
    console.error(
      `compare-evtx: ${probe} is missing: install Debian's ${ref.package} (or run with --install)`,
    );
    process.exit(2);
  }
  console.error(`compare-evtx: installing ${ref.package} with apt-get`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ref.package], {
    stdio: 'inherit',
  });
}

function runReference(ref, file) {
  return new Promise((resolve) => {
    execFile(
      ref.command,
      ref.args(file),
      { maxBuffer: 1 << 30, encoding: 'utf8', timeout: 300_000 },
      (err, stdout, stderr) => {
        const lastError = stderr.trim().split('\n').filter(Boolean).pop();
        let events = [];
        let parseError;
        try {
          events = ref.parse(stdout);
        } catch (e) {
          parseError = String(e);
        }
        resolve({ events, failed: err ? (lastError ?? String(err)) : undefined, parseError });
      },
    );
  });
}

/** Run `jobs` (functions returning promises) with at most `n` at once. */
async function pool(jobs, n) {
  const results = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]();
      }
    }),
  );
  return results;
}

function listFiles() {
  const files = [];
  for (const input of inputs) {
    if (statSync(input).isDirectory())
      for (const f of readdirSync(input).sort()) {
        if (f.endsWith('.evtx')) files.push(path.join(input, f));
      }
    else files.push(input);
  }
  return files;
}

function show(v) {
  const s = JSON.stringify(v) ?? 'nothing';
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

function compareRecord(file, reference, ref, ours, report) {
  const problems = [];
  const check = (field, refValue, ourValue) => {
    if (refValue === undefined && ourValue === undefined) return;
    const verdict = sameValue(refValue ?? '', ourValue === undefined ? '' : String(ourValue), reference);
    if (verdict === false)
      problems.push(`${field}: ${reference} ${show(refValue)} vs ours ${show(ourValue)}`);
    else if (verdict) report.rules[verdict] = (report.rules[verdict] ?? 0) + 1;
  };
  check('eventId', ref.eventId, ours.eventId);
  check('level', ref.level, ours.level);
  check('time', ref.time, ours.time);
  check('provider', ref.provider, ours.provider);
  check('channel', ref.channel, ours.channel);
  check('computer', ref.computer, ours.computer);
  if (ref.arrays) {
    // Without python-evtx's arrays the unnamed values ('#0', ...) are numbered differently: only
    // the named ones (and Binary) are compared; libevtx checks the whole record.
    report.rules['python-string-array'] = (report.rules['python-string-array'] ?? 0) + 1;
    for (const k of Object.keys(ref.data))
      if (!k.startsWith('#')) check(`data[${JSON.stringify(k)}]`, ref.data[k], ours.data[k]);
  } else {
    const keys = new Set([...Object.keys(ref.data), ...Object.keys(ours.data)]);
    for (const k of keys) check(`data[${JSON.stringify(k)}]`, ref.data[k], ours.data[k]);
  }
  for (const p of problems) report.unexplained.push(`${path.basename(file)} record ${ref.recordId}: ${p}`);
}

async function main() {
  for (const ref of REFERENCES) ensureReference(ref);
  const files = listFiles();
  const started = performance.now();
  const jobs = [];
  for (const file of files) for (const ref of REFERENCES) jobs.push(() => runReference(ref, file));
  const outputs = await pool(jobs, 2);

  const report = { rules: {}, unexplained: [], expected: 0 };
  const rows = [];
  files.forEach((file, fi) => {
    const warnings = [];
    const ours = new Map();
    for (const r of readEvtx(bytesSource(readFileSync(file)), { onWarning: (w) => warnings.push(w) }))
      ours.set(String(r.recordId), r);
    const base = path.basename(file);
    const expected = EXPECTED[base] ?? [];
    const row = { file: base, ours: ours.size, warnings: warnings.length };
    REFERENCES.forEach((ref, ri) => {
      const out = outputs[fi * REFERENCES.length + ri];
      if (out.parseError)
        report.unexplained.push(`${base}: cannot parse ${ref.name}'s output: ${out.parseError}`);
      let compared = 0;
      for (const r of out.events) {
        const mine = ours.get(r.recordId);
        const known = expected.find(([name, id]) => name === ref.name && String(id) === r.recordId);
        if (known) {
          report.expected++;
          continue;
        }
        if (!mine) {
          report.unexplained.push(
            `${base} record ${r.recordId}: printed by ${ref.name}, not read by dsreg-doctor`,
          );
          continue;
        }
        compared++;
        compareRecord(file, ref.name, r, mine, report);
      }
      row[ref.name] = `${out.events.length}${out.failed ? ' (aborted)' : ''}`;
      row[`${ref.name} compared`] = compared;
      if (out.failed && verbose) console.error(`${base}: ${ref.name} stopped: ${out.failed}`);
    });
    rows.push(row);
  });

  console.table(rows);
  console.log(`tolerated formatting differences: ${JSON.stringify(report.rules)}`);
  console.log(`largest python-evtx time error: ${Number(largestPythonTimeError) / 10} us`);
  console.log(`reference records explained in EXPECTED: ${report.expected}`);
  console.log(`finished in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (report.unexplained.length > 0) {
    console.log(`${report.unexplained.length} unexplained differences:`);
    for (const u of report.unexplained.slice(0, verbose ? Infinity : 50)) console.log(`  ${u}`);
    process.exitCode = 1;
  } else console.log('no unexplained differences');
}

await main();
