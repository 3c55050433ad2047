// Benchmark: how many `dsregcmd /status` captures the library diagnoses per second, against a
// reference measured in the same run (the floor any parser must pay: split into lines and match a
// key/value regex on each). The bin's start-up is measured by bench/startup.mjs.
// Run: npm run build && node bench/diagnose.mjs
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

const avgLines = texts.reduce((a, t) => a + t.split('\n').length, 0) / texts.length;
console.log(`inputs: ${texts.length} example captures, ${avgLines.toFixed(0)} lines on average`);
console.log(
  `diagnose (library):        ${ours.toFixed(0)} captures/s  (${(1e6 / ours).toFixed(1)} µs per capture)`,
);
console.log(`reference (split + regex): ${reference.toFixed(0)} captures/s`);
console.log(
  `ratio reference/ours:      ${(reference / ours).toFixed(1)}x (the cost of a full diagnosis over a bare scan)`,
);
// For bench/run.mjs: the library's rate over the floor's, in the summary of every ratio.
console.log(
  `RATIO ${JSON.stringify({ name: 'diagnose (library) over the floor', value: Number((reference / ours).toFixed(2)), unit: 'x', goal: '<= 5', reference: 'split into lines + one key/value regex' })}`,
);
if (sink < 0) console.log(sink);
