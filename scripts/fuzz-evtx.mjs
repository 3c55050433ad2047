#!/usr/bin/env node
// Fuzzes the .evtx reader: mutates the public samples (bit flips, interesting bytes and 32-bit
// values at record and chunk fields, truncation, chunks spliced from other files, copied ranges)
// and reads each result to the end. Fails on any exception that escapes readEvtx, on a read that
// takes longer than the time limit (a hang is caught by a watchdog), and on runaway memory.
//
//   node scripts/fuzz-evtx.mjs [--seconds N] [--seed S] [--limit-ms M] [--heap-mb H] [DIR]
//   node scripts/fuzz-evtx.mjs --seed S --dump ITERATION   (writes that input to a file)
//
// Defaults: 20 seconds (the CI run), a random seed (printed: rerun with --seed to reproduce),
// 2000 ms per input, 256 MB of heap. Every input is a pure function of (seed, iteration), so a
// failure names both and the input is written to a file for the test suite.
// Needs `npm run build` first (reads ../dist/index.js).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { option, rng } from './fuzz-common.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHUNK = 65536;
const HEADER = 4096;

function loadCorpus(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.evtx'))
    .sort()
    .map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(path.join(dir, f))) }));
}

/** Offsets of the chunks with a signature in a file. */
function chunksOf(bytes) {
  const out = [];
  for (let o = HEADER; o + CHUNK <= bytes.length; o += CHUNK)
    if (bytes[o] === 0x45 && bytes[o + 3] === 0x43) out.push(o);
  return out;
}

const INTERESTING8 = [
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x0d, 0x0e, 0x0f, 0x21, 0x41, 0x45, 0x7f, 0x80, 0x81, 0xff,
];
const INTERESTING32 = [
  0, 1, 2, 4, 8, 24, 28, 511, 512, 513, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff,
];

/** The input for one iteration: a pure function of the corpus, the seed and the iteration. */
function makeInput(corpus, seed, iteration) {
  const r = rng((seed ^ Math.imul(iteration, 0x9e3779b1)) >>> 0);
  const int = (n) => Math.floor(r() * n);
  const pick = (a) => a[int(a.length)];
  const base = pick(corpus).bytes;
  const chunks = chunksOf(base);
  // Keep inputs small: the file header and one to three chunks (some from other files).
  const count = 1 + int(3);
  const buf = new Uint8Array(HEADER + count * CHUNK);
  buf.set(base.subarray(0, HEADER));
  for (let i = 0; i < count; i++) {
    const donor = r() < 0.2 ? pick(corpus).bytes : base;
    const offs = donor === base ? chunks : chunksOf(donor);
    if (offs.length > 0) {
      const o = pick(offs);
      buf.set(donor.subarray(o, o + CHUNK), HEADER + i * CHUNK);
    }
  }
  let bytes = buf;
  const mutations = 1 + int(4);
  for (let m = 0; m < mutations; m++) {
    const kind = int(7);
    // Aim most mutations at the record area of some chunk, where the parser does its work.
    const at = () => (r() < 0.8 ? HEADER + int(count) * CHUNK + int(CHUNK) : int(bytes.length));
    if (kind === 0) {
      for (let k = 1 + int(16); k > 0; k--) {
        const p = at();
        if (p < bytes.length) bytes[p] ^= 1 << int(8);
      }
    } else if (kind === 1) {
      for (let k = 1 + int(8); k > 0; k--) {
        const p = at();
        if (p < bytes.length) bytes[p] = pick(INTERESTING8);
      }
    } else if (kind === 2) {
      const p = at();
      const v = r() < 0.7 ? pick(INTERESTING32) : Math.floor(r() * 2 ** 32);
      if (p + 4 <= bytes.length) new DataView(bytes.buffer).setUint32(p, v, true);
    } else if (kind === 3) {
      bytes = bytes.subarray(0, int(bytes.length + 1));
    } else if (kind === 4) {
      // Splice a range of another file over this one.
      const donor = pick(corpus).bytes;
      const len = 1 + int(4096);
      const from = int(Math.max(1, donor.length - len));
      const to = Math.min(at(), bytes.length);
      const n = Math.min(len, bytes.length - to, donor.length - from);
      if (n > 0) bytes.set(donor.subarray(from, from + n), to);
    } else if (kind === 5) {
      // Copy a range inside the file (duplicate records, templates, names).
      const len = 1 + int(2048);
      const from = at();
      const to = at();
      if (from + len <= bytes.length && to + len <= bytes.length) bytes.copyWithin(to, from, from + len);
    } else {
      // Zero a range (half-written records, wiped chunk headers).
      const from = at();
      bytes.fill(0, from, Math.min(bytes.length, from + 1 + int(600)));
    }
  }
  return bytes;
}

if (isMainThread) {
  const args = process.argv.slice(2);
  const seconds = Number(option(args, '--seconds', '20'));
  const seed = Number(option(args, '--seed', String(Math.floor(Math.random() * 2 ** 31))));
  const limitMs = Number(option(args, '--limit-ms', '2000'));
  const heapMb = Number(option(args, '--heap-mb', '256'));
  const dir =
    args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')) ??
    path.join(here, '..', '..', 'shared', 'samples', 'evtx');
  const dump = option(args, '--dump', undefined);
  if (dump !== undefined) {
    const file = path.join(tmpdir(), `fuzz-evtx-${seed}-${dump}.evtx`);
    writeFileSync(file, makeInput(loadCorpus(dir), seed, Number(dump)));
    console.log(file);
    process.exit(0);
  }
  console.log(
    `fuzz-evtx: seed ${seed}, ${seconds} s, ${limitMs} ms per input, ${heapMb} MB heap, corpus ${dir}`,
  );

  const worker = new Worker(fileURLToPath(import.meta.url), {
    workerData: { dir, seed, seconds, limitMs },
    resourceLimits: { maxOldGenerationSizeMb: heapMb },
  });
  let current = -1;
  let lastBeat = Date.now();
  let done = false;
  const report = (message, iteration) => {
    done = true;
    console.error(`fuzz-evtx: FAIL: ${message}`);
    if (iteration >= 0) {
      const input = makeInput(loadCorpus(dir), seed, iteration);
      const file = path.join(tmpdir(), `fuzz-evtx-${seed}-${iteration}.evtx`);
      writeFileSync(file, input);
      console.error(
        `fuzz-evtx: input written to ${file} (reproduce with --seed ${seed}; iteration ${iteration})`,
      );
    }
    process.exitCode = 1;
  };
  const watchdog = setInterval(() => {
    if (!done && Date.now() - lastBeat > limitMs * 4 + 5000) {
      report(`iteration ${current} did not finish in ${limitMs * 4 + 5000} ms: a hang`, current);
      void worker.terminate();
    }
  }, 250);
  worker.on('message', (m) => {
    lastBeat = Date.now();
    if (m.type === 'start') current = m.iteration;
    else if (m.type === 'fail') {
      report(m.message, m.iteration);
      void worker.terminate();
    } else if (m.type === 'done') {
      done = true;
      console.log(
        `fuzz-evtx: ${m.iterations} inputs, ${m.records} records, ${m.warnings} warnings, ` +
          `slowest ${m.slowest.toFixed(1)} ms (iteration ${m.slowestIteration}), peak heap ${(m.peakHeap / 2 ** 20).toFixed(0)} MB: clean`,
      );
    }
  });
  worker.on('error', (err) => {
    if (!done) report(`the worker died: ${err.message} (runaway memory?)`, current);
  });
  worker.on('exit', () => clearInterval(watchdog));
} else {
  const { dir, seed, seconds, limitMs } = workerData;
  const { bytesSource, readEvtx } = await import('../dist/index.js');
  const corpus = loadCorpus(dir);
  const end = Date.now() + seconds * 1000;
  let iterations = 0;
  let records = 0;
  let warnings = 0;
  let slowest = 0;
  let slowestIteration = -1;
  let peakHeap = 0;
  let failed = false;
  /** Reads every record of `input`; returns the time it took in ms. Throws what escapes. */
  const readAll = (input) => {
    const t = performance.now();
    const onWarning = (w) => {
      warnings++;
      // The reader reports errors it did not expect as "internal error": those are bugs.
      if (w.message.includes('internal error'))
        throw new Error(`reader bug reported as a warning: ${w.message}`);
    };
    for (const record of readEvtx(bytesSource(input), { onWarning })) {
      records++;
      // Records must be plain data: serialisable, with the required fields typed.
      if (
        typeof record.recordId !== 'number' ||
        typeof record.time !== 'string' ||
        typeof record.data !== 'object'
      )
        throw new Error(`malformed record ${JSON.stringify(record).slice(0, 200)}`);
      JSON.stringify(record);
    }
    return performance.now() - t;
  };
  for (let i = 0; Date.now() < end && !failed; i++) {
    const input = makeInput(corpus, seed, i);
    parentPort.postMessage({ type: 'start', iteration: i });
    let ms;
    try {
      ms = readAll(input);
      // A slow read on a busy machine (garbage collection, other processes) is read again: only
      // an input that is slow every time is a failure.
      if (ms > limitMs) ms = Math.min(ms, readAll(input), readAll(input));
    } catch (err) {
      parentPort.postMessage({
        type: 'fail',
        iteration: i,
        message: `exception escaped: ${err?.stack ?? err}`,
      });
      failed = true;
      break;
    }
    if (ms > slowest) {
      slowest = ms;
      slowestIteration = i;
    }
    if (ms > limitMs) {
      parentPort.postMessage({
        type: 'fail',
        iteration: i,
        message: `iteration ${i} took ${ms.toFixed(0)} ms, three times over`,
      });
      failed = true;
      break;
    }
    if (i % 64 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    iterations++;
  }
  if (!failed)
    parentPort.postMessage({
      type: 'done',
      iterations,
      records,
      warnings,
      slowest,
      slowestIteration,
      peakHeap,
    });
}
