// Benchmark: how many `dsregcmd /status` captures the library diagnoses per second, against a
// reference measured in the same run (the floor any parser must pay: split into lines and match a
// key/value regex on each), and the bin's start-up time against bare `node -e ''`.
// Run: npm run build && node bench/diagnose.mjs
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { diagnoseText } from '../dist/index.js';

const dir = new URL('../examples/dsregcmd/', import.meta.url);
const texts = readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => readFileSync(new URL(f, dir), 'utf8'));

function rate(fn, seconds = 1.5) {
  for (let i = 0; i < 200; i++) fn(texts[i % texts.length]);
  let n = 0;
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  while (performance.now() < end) {
    for (const t of texts) fn(t);
    n += texts.length;
  }
  return n / ((performance.now() - t0) / 1000);
}

let sink = 0;
const reference = rate((t) => {
  for (const line of t.split(/\r?\n/)) if (/^\s*([A-Za-z][\w .-]*?)\s*:\s(.*)$/.exec(line)) sink++;
});
const ours = rate((t) => {
  sink += diagnoseText(t, 'bench').findings.length;
});

function median(cmd, args, runs = 15) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    execFileSync(cmd, args, { stdio: 'ignore' });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)];
}
const bare = median(process.execPath, ['-e', '']);
const help = median(process.execPath, ['bin/dsreg-doctor.js', '--help']);
const diag = median(process.execPath, [
  'bin/dsreg-doctor.js',
  'diagnose',
  'examples/dsregcmd/hybrid-healthy.txt',
]);

const avgLines = texts.reduce((a, t) => a + t.split('\n').length, 0) / texts.length;
console.log(`inputs: ${texts.length} example captures, ${avgLines.toFixed(0)} lines on average`);
console.log(
  `diagnose (library):        ${ours.toFixed(0)} captures/s  (${(1e6 / ours).toFixed(1)} µs per capture)`,
);
console.log(`reference (split + regex): ${reference.toFixed(0)} captures/s`);
console.log(
  `ratio reference/ours:      ${(reference / ours).toFixed(1)}x (the cost of a full diagnosis over a bare scan)`,
);
console.log(`start-up: node -e ''                ${bare.toFixed(1)} ms (median of 15)`);
console.log(
  `start-up: dsreg-doctor --help       ${help.toFixed(1)} ms (+${(help - bare).toFixed(1)} ms, ${(help / bare).toFixed(2)}x)`,
);
console.log(
  `start-up: dsreg-doctor diagnose ... ${diag.toFixed(1)} ms (+${(diag - bare).toFixed(1)} ms, ${(diag / bare).toFixed(2)}x)`,
);
if (sink < 0) console.log(sink);
