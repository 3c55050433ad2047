// Benchmark: how many codes the library's lookup() explains per second, on the kind of codes a
// 10,000-event log holds (the guide's codes, generic Windows codes, unknown ones, in hex, signed
// and unsigned decimal and compound form), against a reference measured in the same run: a naive
// lookup that parses the number and scans the whole name table linearly. The start-up of
// `dsreg-doctor lookup` is measured by bench/startup.mjs.
// Run: npm run build && node bench/lookup.mjs
import { performance } from 'node:perf_hooks';
import { loadCodeNames, lookup } from '../dist/index.js';

const names = await loadCodeNames();
const table = names.all().map((n) => ({ name: n.name, value: n.value }));

// 10,000 queries: a deterministic mix of forms, as codes come out of event logs and dsregcmd.
const known = [
  0x801c03f2, 0x801c0021, 0x80072ee2, 0xcaa82ee2, 0xc000006d, 0xc00484c1, 0x80090016, 0x80280036, 12002,
  12029, 0x80070005, 0xc0000022, 0x8009000b, 0x80004005, 0xc00cee4f, 0x801c001d, 0xcaa20003, 0xc000023c,
];
let seed = 42;
const random = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed;
};
const queries = [];
for (let i = 0; i < 10_000; i++) {
  const v = i % 5 === 4 ? (0x80000000 | random()) >>> 0 : known[i % known.length];
  const form = i % 4;
  if (form === 0) queries.push(`0x${v.toString(16)}`);
  else if (form === 1) queries.push(String(v | 0));
  else if (form === 2) queries.push(String(v));
  else queries.push(i % 8 === 3 ? `0x${v.toString(16)}/0x80072ee2` : v.toString(16).toUpperCase());
}

/** The naive way: read the number, then scan every name for it. */
function naiveLookup(q) {
  const out = [];
  for (const part of q.split('/')) {
    const t = part.trim();
    let v;
    if (/^0x/i.test(t)) v = Number.parseInt(t.slice(2), 16) >>> 0;
    else if (/^-?\d+$/.test(t)) v = Number(t) >>> 0;
    else v = Number.parseInt(t, 16) >>> 0;
    out.push(table.filter((n) => n.value === v).map((n) => n.name));
  }
  return out;
}

function rate(fn, seconds = 1.5) {
  for (let i = 0; i < 2000; i++) fn(queries[i % queries.length]);
  let n = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) fn(queries[(n + i) % queries.length]);
    n += 1000;
  }
  return n / ((performance.now() - t0) / 1000);
}

let sink = 0;
const ours = rate((q) => {
  sink += lookup(q, names).matches.length;
});
const naive = rate((q) => {
  sink += naiveLookup(q).length;
});
const t0 = performance.now();
for (const q of queries) sink += lookup(q, names).matches.length;
const logMs = performance.now() - t0;

console.log(
  `table: ${table.length} names; queries: ${queries.length} (hex, signed, unsigned, bare hex, compound)`,
);
console.log(`lookup (library):          ${ours.toFixed(0)} lookups/s  (${(1e6 / ours).toFixed(2)} µs each)`);
console.log(
  `reference (linear scan):   ${naive.toFixed(0)} lookups/s  (${(1e6 / naive).toFixed(2)} µs each)`,
);
console.log(
  `ratio ours/reference:      ${(ours / naive).toFixed(1)}x faster, with structure, notes and advice`,
);
console.log(`10,000-code log:           ${logMs.toFixed(1)} ms for every code, once`);
if (sink < 0) console.log(sink);
