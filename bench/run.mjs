// Runs the benchmarks of bench/ in turn (npm run bench) and ends with one table of every ratio
// issue 17 names, each against its reference measured in the same run, and its goal.
//
//   npm run bench [-- --long] [-- --only startup,evtx]
//
// --long also runs the long benchmarks (peak memory on 1 GiB inputs, the 1,000,000-device seed
// and the check-in rate, which start PostgreSQL); without it the table says they were not run.
//
// A benchmark reports a figure for the table by printing a line of its own:
//   RATIO {"name": "...", "value": 1.23, "unit": "x", "goal": "<= 1.3", "reference": "..."}
// (goal: "<= n" or ">= n"; any other fields are kept out of the table). Those lines are collected
// here, not echoed; everything else a benchmark prints is shown as it comes.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const long = args.includes('--long');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? '').split(',')) : undefined;

/** Not benchmarks: modules the benchmarks share. */
const HELPERS = new Set(['run.mjs', 'server-common.mjs']);
/** Minutes each, or a database of their own: run with --long. */
const LONG = new Set(['memory.mjs', 'server-seed.mjs', 'server-ingest.mjs']);

/**
 * The figures the issue names, by the benchmark that measures each: a figure no benchmark reported
 * shows up in the table as missing rather than being left out.
 */
const EXPECTED = [
  ['startup.mjs', 'start-up: --help', "node -e ''", '<= 1.15'],
  ['startup.mjs', 'start-up: --version', "node -e ''", '<= 1.3'],
  ['startup.mjs', 'start-up: diagnose <capture>', "node -e ''", '<= 1.3'],
  ['startup.mjs', 'start-up: lookup 0x801c03f2', "node -e ''", '<= 1.3'],
  ['startup.mjs', 'start-up: events <small .evtx>', "node -e ''", '<= 1.3'],
  ['startup.mjs', 'start-up: rules', "node -e ''", '<= 1.3'],
  ['startup.mjs', 'start-up: redact <capture>', "node -e ''", '<= 1.3'],
  ['startup.mjs', 'start-up: reconcile <examples>', "node -e ''", '<= 1.3'],
  ['startup.mjs', 'start-up: probe --help', "node -e ''", '<= 1.3'],
  ['diagnose.mjs', 'diagnose (library) over the floor', 'split into lines + one key/value regex', '<= 5'],
  ['evtx.mjs', 'evtx in-process records/s', 'this machine', '>= 200000'],
  ['evtx.mjs', 'evtx, a process per small file, over evtxexport', 'evtxexport -f xml', '<= 1.5'],
  ['page.mjs', 'page: first paste to verdict', 'the reading and diagnosis in the page', '<= 50'],
];

const benches = readdirSync(new URL('.', import.meta.url))
  .filter((f) => f.endsWith('.mjs') && !HELPERS.has(f))
  .filter((f) => !only || only.has(f.replace(/\.mjs$/, '')))
  .sort();

/** Runs one benchmark, showing its output; resolves with its RATIO lines and exit code. */
function runBench(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`bench/${file}`], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const ratios = [];
    let rest = '';
    const take = (line) => {
      if (!line.startsWith('RATIO ')) {
        process.stdout.write(`${line}\n`);
        return;
      }
      try {
        ratios.push({ ...JSON.parse(line.slice(6)), bench: file });
      } catch {
        process.stdout.write(`${line}   (bench/run.mjs: not a RATIO line it can read)\n`);
      }
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text) => {
      const lines = (rest + text).split('\n');
      rest = lines.pop() ?? '';
      lines.forEach(take);
    });
    child.on('close', (code, signal) => {
      if (rest) take(rest);
      resolve({ ratios, code: code ?? signal });
    });
  });
}

const reported = [];
const status = new Map();
for (const f of benches) {
  if (LONG.has(f) && !long) {
    status.set(f, 'not run (long: npm run bench -- --long)');
    continue;
  }
  console.log(`\n== bench/${f}`);
  const { ratios, code } = await runBench(f);
  reported.push(...ratios);
  status.set(f, code === 0 ? 'ran' : `failed (exit ${code})`);
}

/** Whether a value meets a goal such as "<= 1.3" or ">= 200000"; undefined when the goal is unreadable. */
function meets(value, goal) {
  const m = /^\s*(<=|>=)\s*([\d.]+)\s*$/.exec(String(goal ?? ''));
  if (!m || typeof value !== 'number') return undefined;
  return m[1] === '<=' ? value <= Number(m[2]) : value >= Number(m[2]);
}

const rows = [];
for (const [bench, name, reference, goal] of EXPECTED) {
  const got = reported.find((r) => r.name === name);
  if (got) continue;
  const why =
    status.get(bench) === undefined
      ? only
        ? 'not run (--only)'
        : `no bench/${bench}`
      : status.get(bench) === 'ran'
        ? `bench/${bench} printed no RATIO line for it`
        : status.get(bench);
  rows.push({ name, value: '-', reference, goal, verdict: 'missing', why });
}
for (const r of reported) {
  const ok = meets(r.value, r.goal);
  rows.push({
    name: r.name,
    value: `${r.value}${r.unit === 'x' ? 'x' : r.unit ? ` ${r.unit}` : ''}`,
    reference: r.reference ?? '',
    goal: r.goal ?? '',
    verdict: ok === undefined ? '' : ok ? 'met' : 'not met',
  });
}
// Expected figures first in the issue's order, then any others the benchmarks reported.
const order = (row) => {
  const i = EXPECTED.findIndex((e) => e[1] === row.name);
  return i < 0 ? EXPECTED.length : i;
};
rows.sort((a, b) => order(a) - order(b));

// One figure a row, within 80 columns: its verdict, value and goal, then its name and, below the
// name, what it was measured against, both wrapped to the columns left.
const cols = ['verdict', 'value', 'goal'];
const width = Object.fromEntries(
  cols.map((c) => [c, Math.max(c.length, ...rows.map((r) => String(r[c]).length))]),
);
const indent = cols.reduce((sum, c) => sum + width[c] + 2, 0);
const textWidth = Math.max(30, 80 - indent);
/** `text` in lines of at most textWidth characters, broken at spaces (a longer word stays whole). */
function wrap(text) {
  const lines = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (current && current.length + 1 + word.length > textWidth) {
      lines.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  if (current) lines.push(current);
  return lines;
}
const line = (r, name) => `${cols.map((c) => String(r[c]).padEnd(width[c])).join('  ')}  ${name}`.trimEnd();
console.log('\n== summary: every ratio of issue 17, against its reference in the same run');
console.log(line(Object.fromEntries(cols.map((c) => [c, c])), 'figure (against what)'));
for (const r of rows) {
  const [first, ...more] = wrap(r.name);
  console.log(line(r, first ?? ''));
  const rest = [
    ...more,
    ...(r.reference ? wrap(`(against ${r.reference})`) : []),
    ...(r.why ? wrap(r.why) : []),
  ];
  for (const text of rest) console.log(`${' '.repeat(indent)}${text}`);
}
for (const [f, s] of status) if (s !== 'ran') console.log(`bench/${f}: ${s}`);
if ([...status.values()].some((s) => s.startsWith('failed'))) process.exitCode = 1;
