// Benchmark: redaction throughput on an event export and on captures, against a reference measured
// in the same run: reading the same bytes as event records (the work any use of the export pays
// anyway). The ratio says how much redacting costs next to reading.
// Run: npm run build && node bench/redact.mjs
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { readEvents, redactText } from '../dist/index.js';

const xml = readFileSync(new URL('../test/fixtures/events/join-fail.wevtutil.xml', import.meta.url), 'utf8');
// About 8 MB: a large User Device Registration export.
const big = xml.repeat(1000);
const bigBytes = new TextEncoder().encode(big);

function time(fn, runs = 3) {
  fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

let sink = 0;
const readMs = time(() => {
  for (const r of readEvents(bigBytes, { source: 'bench.xml' })) sink += r.eventId;
});
const redactMs = time(() => {
  sink += redactText(big).length;
});
const mb = bigBytes.length / 1024 / 1024;
console.log(`event export, ${mb.toFixed(1)} MiB of XML:`);
console.log(
  `  read as records (reference): ${readMs.toFixed(0)} ms (${(mb / (readMs / 1000)).toFixed(1)} MiB/s)`,
);
console.log(
  `  redacted:                    ${redactMs.toFixed(0)} ms (${(mb / (redactMs / 1000)).toFixed(1)} MiB/s)`,
);
console.log(`  ratio redact/read: ${(redactMs / readMs).toFixed(2)}`);

const dir = new URL('../examples/dsregcmd/', import.meta.url);
const texts = readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => readFileSync(new URL(f, dir), 'utf8'));
const n = 400;
const perCapture =
  time(() => {
    for (let i = 0; i < n; i++) sink += redactText(texts[i % texts.length]).length;
  }) / n;
console.log(`captures: ${perCapture.toFixed(2)} ms each (${Math.round(1000 / perCapture)} per second)`);
if (sink === 0) console.log('');
