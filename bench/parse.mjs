// Benchmark: how many `dsregcmd /status` captures the parser reads per second, against the floor
// any parser pays measured in the same run (split into lines and match one key/value regex on
// each), on the example captures and the public samples; and the same for a capture pasted the
// hard ways (a prefix on every line, inside a JSON string), which pay the unwrapping steps.
// Run: npm run build && node bench/parse.mjs
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseDsregcmd } from '../dist/index.js';

function read(dir) {
  const url = new URL(dir, import.meta.url);
  try {
    return readdirSync(url)
      .filter((f) => f.endsWith('.txt'))
      .map((f) => readFileSync(new URL(f, url), 'utf8'));
  } catch {
    return [];
  }
}
const clean = [...read('../examples/dsregcmd/'), ...read('../../shared/samples/dsregcmd/')];
const pasted = clean.flatMap((t) => [
  t
    .split(/\r?\n/)
    .map((l) => `# ${l}`)
    .join('\n'),
  JSON.stringify({ Output: t.replace(/\r?\n/g, '\r\n') }),
]);

// Rates are taken in short slices that alternate between the parser and the floor, and the best
// slice of each counts: on a machine shared with other work, both see the same quiet moments.
function slice(texts, fn, ms) {
  let n = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  while (performance.now() < end) {
    for (const t of texts) fn(t);
    n += texts.length;
  }
  return n / ((performance.now() - t0) / 1000);
}

function rates(texts, fns, rounds = 12, ms = 150) {
  for (const fn of fns) for (let i = 0; i < 200; i++) fn(texts[i % texts.length]);
  const best = fns.map(() => 0);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < fns.length; i++) best[i] = Math.max(best[i], slice(texts, fns[i], ms));
  }
  return best;
}

let sink = 0;
const floor = (t) => {
  for (const line of t.split(/\r?\n/)) if (/^\s*([A-Za-z][\w .-]*?)\s*:\s(.*)$/.exec(line)) sink++;
};
const parse = (t) => {
  sink += parseDsregcmd(t, 'bench').fields.length;
};

const lines = clean.reduce((a, t) => a + t.split('\n').length, 0) / clean.length;
console.log(`inputs: ${clean.length} captures, ${lines.toFixed(0)} lines on average`);
// The floor is paid on the clean captures; the pasted ones hold the same captures, so their
// ratio says what the unwrapping costs on top (a JSON string is one line to a bare scan).
const [ref, ours, pastedRate] = rates(clean, [floor, parse]).concat(rates(pasted, [parse]));
const row = (name, rate) =>
  console.log(
    `${name.padEnd(34)} ${rate.toFixed(0).padStart(7)} captures/s   ratio to the floor ${(ref / rate).toFixed(1)}x`,
  );
console.log(`${'floor (split + one regex a line)'.padEnd(34)} ${ref.toFixed(0).padStart(7)} captures/s`);
row('parser, plain captures', ours);
row('parser, pasted (# prefix, JSON)', pastedRate);
if (sink < 0) console.log(sink);
