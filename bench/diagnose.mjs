// Benchmark: how many `dsregcmd /status` captures the library diagnoses per second, against a
// reference measured in the same run (the floor any parser must pay: split into lines and match a
// key/value regex on each). The bin's start-up is measured by bench/startup.mjs.
//
// The library figure is the whole way from bytes to a diagnosis, as the CLI and the page go:
// `analyze` (sniff the input's kind, decode the text, parse the capture, group by device) and then
// `diagnose` (the facts, the 19 rules, the verdict, the phase, the next steps), with the guide's
// code names. No rendering: text, Markdown, JSON and HTML reports are not included. The parse
// alone and the diagnosis of parsed captures are printed beside it, to show where the time goes.
// Rates are taken in short slices that alternate between the candidates, and the best slice of
// each counts: on a machine shared with other work, all see the same quiet moments.
// Run: node scripts/build.mjs && node bench/diagnose.mjs
//
// For instruction counts, which a loaded machine does not change: `--loops NAME N` runs one
// candidate (floor, whole, parse, diagnose) N times over the captures and prints nothing else;
// under `valgrind --tool=callgrind node --single-threaded bench/diagnose.mjs --loops NAME N`, the
// count of 2N loops minus that of N, divided by N times the number of captures, is the candidate's
// instructions a capture.
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { analyze, diagnose, parseDsregcmdAll } from '../dist/index.js';

const dir = new URL('../examples/dsregcmd/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.txt'));
const inputs = files.map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(new URL(f, dir))) }));
const texts = files.map((f) => readFileSync(new URL(f, dir), 'utf8'));
const parsed = texts.map((t, i) => parseDsregcmdAll(t, files[i]));

function slice(fn, ms) {
  let n = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  while (performance.now() < end) {
    for (let i = 0; i < files.length; i++) fn(i);
    n += files.length;
  }
  return n / ((performance.now() - t0) / 1000);
}

function rates(fns, rounds = 12, ms = 150) {
  for (const fn of fns) for (let i = 0; i < 300; i++) fn(i % files.length);
  const best = fns.map(() => 0);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < fns.length; i++) best[i] = Math.max(best[i], slice(fns[i], ms));
  }
  return best;
}

let sink = 0;
const floor = (i) => {
  for (const line of texts[i].split(/\r?\n/)) if (/^\s*([A-Za-z][\w .-]*?)\s*:\s(.*)$/.exec(line)) sink++;
};
const whole = (i) => {
  for (const d of analyze([inputs[i]]).devices) sink += diagnose(d.evidence).findings.length;
};
const parseOnly = (i) => {
  sink += parseDsregcmdAll(texts[i], files[i]).length;
};
const diagnoseParsed = (i) => {
  sink += diagnose({ captures: parsed[i], events: [] }).findings.length;
};

const loops = process.argv.indexOf('--loops');
if (loops >= 0) {
  const fn = { floor, whole, parse: parseOnly, diagnose: diagnoseParsed }[process.argv[loops + 1]];
  const n = Number(process.argv[loops + 2]);
  if (!fn || !(n > 0)) throw new Error('usage: --loops floor|whole|parse|diagnose N');
  for (let r = 0; r < n; r++) for (let i = 0; i < files.length; i++) fn(i);
  process.exit(sink < 0 ? 1 : 0);
}

const [reference, ours, parseRate, diagnoseRate] = rates([floor, whole, parseOnly, diagnoseParsed]);
const avgLines = texts.reduce((a, t) => a + t.split('\n').length, 0) / texts.length;
const row = (name, rate) =>
  console.log(
    `${name.padEnd(44)} ${rate.toFixed(0).padStart(7)} captures/s  ${(1e6 / rate).toFixed(1).padStart(6)} µs  ${(reference / rate).toFixed(1).padStart(5)}x the floor`,
  );
console.log(`inputs: ${texts.length} example captures, ${avgLines.toFixed(0)} lines on average`);
row('floor (split + one key/value regex a line)', reference);
row('bytes -> diagnosis (analyze + diagnose)', ours);
row('  of which: parse a capture (text in)', parseRate);
row('  of which: diagnose a parsed capture', diagnoseRate);
console.log(
  `ratio: ${(reference / ours).toFixed(1)}x the floor for a whole diagnosis, no rendering (goal of issue 17: within 5x)`,
);

// For bench/run.mjs: the library's rate over the floor's, in the summary of every ratio.
console.log(
  `RATIO ${JSON.stringify({ name: 'diagnose (library) over the floor', value: Number((reference / ours).toFixed(2)), unit: 'x', goal: '<= 5', reference: 'split into lines + one key/value regex' })}`,
);
if (sink < 0) console.log(sink);
