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
// 2000 ms of CPU per input, 256 MB of heap. Every input is a pure function of (seed, iteration), so a
// failure names both and the input is written to a file for the test suite.
// Needs `npm run build` first (reads ../dist/index.js).
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { option } from './fuzz-common.mjs';
import { loadCorpus, makeInput } from './fuzz-evtx-inputs.mjs';

/**
 * Milliseconds of CPU the process has used: what an input costs, whatever else the machine runs
 * (a wall clock on a loaded machine fails inputs that cost a few milliseconds).
 */
function cpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const here = path.dirname(fileURLToPath(import.meta.url));

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
    const t = cpuMs();
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
    return cpuMs() - t;
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
