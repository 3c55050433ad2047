#!/usr/bin/env node
// Checks that a change to the .evtx reader leaves its output byte for byte as it was: every public
// sample, the test fixtures and damaged copies of the samples (the fuzzer's inputs for a fixed
// seed) are read, and every record's JSON and every warning written to a transcript, in the order
// they come. Run it with --write on the old build, then with --check on the new one:
//
//   node scripts/evtx-same.mjs --write /tmp/evtx-before.txt [--inputs N] [--seed S]
//   node scripts/evtx-same.mjs --check /tmp/evtx-before.txt [--inputs N] [--seed S]
//
// The JSON of a record is what readEvtxJson writes when the build has it; the script then also
// checks it against JSON.stringify of readEvtx's record, line for line, and that both report the
// same warnings. Needs `npm run build` first (reads ../dist/index.js). Exit code 1 on a difference.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lib from '../dist/index.js';
import { option } from './fuzz-common.mjs';
import { loadCorpus, makeInput } from './fuzz-evtx-inputs.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const write = option(args, '--write', undefined);
const check = option(args, '--check', undefined);
const count = Number(option(args, '--inputs', '400'));
const seed = Number(option(args, '--seed', '17'));
if ((write === undefined) === (check === undefined)) {
  console.error('evtx-same: give --write FILE or --check FILE');
  process.exit(2);
}

const samples = path.join(here, '..', '..', 'shared', 'samples', 'evtx');
const fixtures = path.join(here, '..', 'test', 'fixtures', 'evtx');
const corpus = loadCorpus(samples);
const inputs = [
  ...corpus,
  ...readdirSync(fixtures)
    .filter((f) => f.endsWith('.evtx'))
    .sort()
    .map((f) => ({ name: `fixtures/${f}`, bytes: new Uint8Array(readFileSync(path.join(fixtures, f))) })),
];
for (let i = 0; i < count; i++)
  inputs.push({ name: `damaged ${seed}/${i}`, bytes: makeInput(corpus, seed, i) });

/** The lines of one input: records as JSON, warnings as "! {...}", in the order they came. */
function transcript(input, json) {
  const lines = [];
  const onWarning = (w) => lines.push(`! ${JSON.stringify(w)}`);
  // Damaged copies are read without a source name, so records without one are checked too.
  const options = input.name.startsWith('damaged') ? { onWarning } : { source: input.name, onWarning };
  if (json) for (const text of lib.readEvtxJson(lib.bytesSource(input.bytes), options)) lines.push(text);
  else
    for (const record of lib.readEvtx(lib.bytesSource(input.bytes), options))
      lines.push(JSON.stringify(record));
  return lines;
}

let failed = false;
const out = [];
for (const input of inputs) {
  const lines = transcript(input, false);
  if (typeof lib.readEvtxJson === 'function') {
    const direct = transcript(input, true);
    const at = firstDifference(lines, direct);
    if (at >= 0) {
      failed = true;
      console.error(`evtx-same: ${input.name}: readEvtxJson differs from JSON.stringify at line ${at + 1}:`);
      console.error(`  stringify: ${String(lines[at]).slice(0, 400)}`);
      console.error(`  direct:    ${String(direct[at]).slice(0, 400)}`);
    }
  }
  out.push(`# ${input.name}`, ...lines);
}

if (write !== undefined) {
  writeFileSync(write, `${out.join('\n')}\n`);
  console.log(`evtx-same: ${inputs.length} inputs, ${out.length} lines written to ${write}`);
} else {
  const before = readFileSync(check, 'utf8').split('\n');
  before.pop();
  const at = firstDifference(before, out);
  if (at >= 0) {
    failed = true;
    let name = '?';
    for (let i = at; i >= 0; i--)
      if (before[i]?.startsWith('# ')) {
        name = before[i].slice(2);
        break;
      }
    console.error(`evtx-same: ${name}: differs from ${check} at line ${at + 1}:`);
    console.error(`  before: ${String(before[at]).slice(0, 400)}`);
    console.error(`  now:    ${String(out[at]).slice(0, 400)}`);
  } else console.log(`evtx-same: ${inputs.length} inputs, ${out.length} lines: the same as ${check}`);
}
process.exitCode = failed ? 1 : 0;

function firstDifference(a, b) {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}
