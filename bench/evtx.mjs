// The .evtx reader against the references issue 17 names, in one run: libyal's C tool
// `evtxexport -f xml` (Debian libevtx-utils) and python-evtx's `evtx_dump.py` (Debian
// python3-evtx).
//  1. the public samples both read completely, one process per file each (start-up included):
//     dsreg-doctor writes every record as a JSON line (readEvtxJson), evtxexport writes XML, both
//     to /dev/null; then dsreg-doctor once for all the files (`events` takes several files);
//  2. python-evtx on one sample (it reads about 100 records/s: the LiveId log's 399 records),
//     against dsreg-doctor's process and library on the same file;
//  3. the library in-process (no start-up, warm) on the samples and on the large file below: the
//     JSON record stream (readEvtxJson: each record's JSON line, byte for byte JSON.stringify of
//     the record, written in 64 KiB pieces to /dev/null as `events --format jsonl` writes), the
//     same through JSON.stringify of readEvtx's records (the way before readEvtxJson), and reading
//     alone. The best of several rounds is taken, the figure least disturbed by other work on the
//     machine, in wall time and in CPU time (process.cpuUsage: what other processes take from the
//     machine counts less there); the goal of issue 17 is 200,000 records/s for the JSON stream;
//  4. a large file built from the chunks of security.evtx (default 128 MB): wall time and peak
//     memory of both tools' processes, and dsreg-doctor's peak memory with V8's heap capped, on a
//     2 MB file and on the large one, to show that memory does not grow with the file.
// The last lines, `RATIO {...}`, are the figures for bench/run.mjs's table.
//
// The processes run without NODE_EXTRA_CA_CERTS unless --keep-env (see bench/startup.mjs: on
// this workplace's machines it adds some 40 ms to every node process's start, before any of ours).
//
//   npm run build && node bench/evtx.mjs [--big-mb N] [--keep] [--rounds N] [--keep-env]
import { execFileSync, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesSource, readEvtx, readEvtxJson } from '../dist/index.js';

const self = fileURLToPath(import.meta.url);
const here = path.dirname(self);
const SAMPLES = path.join(here, '..', '..', 'shared', 'samples', 'evtx');
// Samples both readers read to the end (libevtx aborts on others; see docs/evtx-comparison.md).
const FILES = [
  'security.evtx',
  'system.evtx',
  'sample-with-irregular-bool-values.evtx',
  '2-system-Microsoft-Windows-LiveId%4Operational.evtx',
  'security_bad_string_cache.evtx',
];
const EVTXEXPORT = '/usr/bin/evtxexport';
const PYTHON_EVTX = '/usr/bin/evtx_dump.py';
/** The sample python-evtx reads (the others take it minutes). */
const PYTHON_FILE = '2-system-Microsoft-Windows-LiveId%4Operational.evtx';
/** Records per second the issue asks of the in-process JSON record stream. */
const GOAL_RATE = 200_000;
const TIME = '/usr/bin/time';

/**
 * The reader's options as the CLI gives them: the checksums by Node's zlib.crc32, loaded on the
 * first checksum (src/node/crc32.ts's nodeCrc32, inlined: importing dist/node.js would add its
 * other modules, some 10 ms, to each process's start, which the CLI does not load). A Node without
 * process.getBuiltinModule (before 20.16) reads with the reader's own, as the CLI does.
 */
let zlibCrc32;
function cliCrc32(bytes, value) {
  zlibCrc32 ??= process.getBuiltinModule('node:zlib').crc32;
  return zlibCrc32(bytes, value);
}
const CLI = process.getBuiltinModule ? { crc32: cliCrc32 } : {};

/** A ByteSource over a file descriptor (what src/node/file-source.ts does, inlined for dist). */
function fdSource(file) {
  const fd = openSync(file, 'r');
  const size = fstatSync(fd).size;
  return {
    size,
    read(offset, length) {
      const n = Math.max(0, Math.min(length, size - offset));
      const buf = new Uint8Array(n);
      let done = 0;
      while (done < n) {
        const got = readSync(fd, buf, done, n - done, offset + done);
        if (got === 0) break;
        done += got;
      }
      return buf.subarray(0, done);
    },
    close: () => closeSync(fd),
  };
}

// Child mode: read the files given; with --json write each record as a JSON line to /dev/null (the work
// evtxexport does with XML); report the count and the time.
if (process.argv[2] === '--child') {
  const json = process.argv.includes('--json');
  const started = performance.now();
  const out = openSync('/dev/null', 'w');
  let buffer = '';
  let records = 0;
  for (const file of process.argv.slice(3).filter((a) => a !== '--json')) {
    const source = fdSource(file);
    if (!json) for (const _ of readEvtx(source, { ...CLI, source: file })) records++;
    else
      for (const line of readEvtxJson(source, { ...CLI, source: file })) {
        records++;
        buffer += `${line}\n`;
        if (buffer.length > 65536) {
          writeSync(out, buffer);
          buffer = '';
        }
      }
    source.close();
  }
  writeSync(out, buffer);
  console.log(JSON.stringify({ records, ms: performance.now() - started }));
  process.exit(0);
}

const args = process.argv.slice(2);
const option = (name, fallback) =>
  args.includes(name) ? Number(args[args.indexOf(name) + 1]) || fallback : fallback;
const bigMb = option('--big-mb', 128);
const rounds = option('--rounds', 10);

if (!existsSync(EVTXEXPORT)) {
  console.error('bench/evtx: /usr/bin/evtxexport is missing: apt-get install libevtx-utils');
  process.exit(2);
}
if (!existsSync(PYTHON_EVTX)) {
  console.error('bench/evtx: /usr/bin/evtx_dump.py is missing: apt-get install python3-evtx');
  process.exit(2);
}

/** CRC-32 (RFC 1952), for the large file's header. */
function crc32(b) {
  let c = 0xffffffff;
  for (const byte of b) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The children's environment: this one, without NODE_EXTRA_CA_CERTS unless --keep-env. */
const childEnv = { ...process.env };
if (!process.argv.includes('--keep-env')) delete childEnv.NODE_EXTRA_CA_CERTS;

function timeProcess(cmd, cmdArgs, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, cmdArgs, { env: childEnv, stdio: ['ignore', 'ignore', 'ignore'] });
    times.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} exited with ${r.status}`);
  }
  return median(times);
}

/** Wall time and peak memory of one run, through /usr/bin/time (output to /dev/null). */
function measured(cmd, cmdArgs) {
  const report = path.join(tmpdir(), `dsreg-doctor-bench-time-${process.pid}.txt`);
  const t = performance.now();
  const r = spawnSync(TIME, ['-o', report, '-f', '%M', cmd, ...cmdArgs], {
    env: childEnv,
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} exited with ${r.status}`);
  const rssKb = Number(readFileSync(report, 'utf8').trim().split('\n').pop());
  rmSync(report);
  return { ms, rssKb };
}

function child(file) {
  const out = execFileSync(process.execPath, [self, '--child', file], {
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

const f1 = (n) => n.toFixed(1);
/** `theirs / ours` as "N.Nx faster" or, below 1, "N.Nx slower". */
const speed = (r) => (r >= 1 ? `${f1(r)}x faster` : `${f1(1 / r)}x slower`);
const rate = (records, ms) => `${Math.round((records / ms) * 1000).toLocaleString('en')} records/s`;

// 1 and 2: the samples.
const files = FILES.map((f) => path.join(SAMPLES, f));
const bytes = files.map((f) => readFileSync(f));
const counts = bytes.map((b) => [...readEvtx(bytesSource(b))].length);
const totalRecords = counts.reduce((a, b) => a + b, 0);
const totalMb = bytes.reduce((a, b) => a + b.length, 0) / 2 ** 20;
console.log(
  `samples: ${files.length} files, ${f1(totalMb)} MB, ${totalRecords} records (read completely by both)`,
);

let theirs = 0;
let ours = 0;
for (const file of files) {
  theirs += timeProcess(EVTXEXPORT, ['-f', 'xml', file], 5);
  ours += timeProcess(process.execPath, [self, '--child', file, '--json'], 5);
}
console.log(`evtxexport -f xml, a process per file:   ${f1(theirs)} ms  ${rate(totalRecords, theirs)}`);
console.log(`dsreg-doctor to JSON, a process per file: ${f1(ours)} ms  ${rate(totalRecords, ours)}`);
console.log(`ratio (process per file, start-up included): ${speed(theirs / ours)}`);
const together = timeProcess(process.execPath, [self, '--child', ...files, '--json'], 5);
console.log(`dsreg-doctor to JSON, one process:        ${f1(together)} ms  ${rate(totalRecords, together)}`);
console.log(`ratio (one dsreg-doctor process for all):    ${speed(theirs / together)}`);

// 2: python-evtx on one sample, against dsreg-doctor on the same file.
const pyFile = path.join(SAMPLES, PYTHON_FILE);
const pyRecords = counts[FILES.indexOf(PYTHON_FILE)];
const python = timeProcess(PYTHON_EVTX, [pyFile], 1);
const pyOurs = timeProcess(process.execPath, [self, '--child', pyFile, '--json'], 5);
console.log(`python-evtx (evtx_dump.py), ${PYTHON_FILE}: ${f1(python)} ms  ${rate(pyRecords, python)}`);
console.log(`dsreg-doctor to JSON, the same file:      ${f1(pyOurs)} ms  ${rate(pyRecords, pyOurs)}`);
console.log(`ratio (process, start-up included):       ${speed(python / pyOurs)}`);

const devNull = openSync('/dev/null', 'w');
function* stringified(source) {
  for (const record of readEvtx(source, CLI)) yield JSON.stringify(record);
}

/** The records of `source` in one of the modes of inProcess; returns the characters written (1 a record when reading only). */
function drain(source, mode) {
  if (mode === 'read') {
    let n = 0;
    for (const _ of readEvtx(source, CLI)) n++;
    return n;
  }
  let buffer = '';
  let chars = 0;
  const lines = mode === 'json' ? readEvtxJson(source, CLI) : stringified(source);
  for (const line of lines) {
    buffer += `${line}\n`;
    if (buffer.length > 65536) {
      chars += buffer.length;
      writeSync(devNull, buffer);
      buffer = '';
    }
  }
  writeSync(devNull, buffer);
  return chars + buffer.length;
}

/**
 * The library over `sources` (fresh ByteSources each round) in `mode`: 'json' (readEvtxJson, each
 * line written out as `events --format jsonl` does), 'stringify' (JSON.stringify of readEvtx's
 * records, written the same way) or 'read' (records counted): the best round's wall and CPU ms.
 */
function inProcess(makeSources, mode, n) {
  let best = Number.POSITIVE_INFINITY;
  let bestCpu = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const sources = makeSources();
    const t = performance.now();
    const cpu = process.cpuUsage();
    let chars = 0;
    for (const source of sources) {
      chars += drain(source, mode);
      source.close?.();
    }
    const used = process.cpuUsage(cpu);
    const ms = performance.now() - t;
    if (chars === 0) throw new Error('no records read');
    best = Math.min(best, ms);
    bestCpu = Math.min(bestCpu, (used.user + used.system) / 1000);
  }
  return { ms: best, cpu: bestCpu };
}
/** "N records/s (CPU: M records/s)" for a result of inProcess. */
const rates = (records, r) => `${rate(records, r.ms)} (CPU time: ${rate(records, r.cpu)})`;
const sampleSources = () => bytes.map((b) => bytesSource(b));
for (const mode of ['json', 'stringify', 'read']) inProcess(sampleSources, mode, 3); // warm up
const libJsonRun = inProcess(sampleSources, 'json', rounds);
const libStringify = inProcess(sampleSources, 'stringify', rounds);
const libReadRun = inProcess(sampleSources, 'read', rounds);
const libJson = libJsonRun.ms;
console.log(
  `dsreg-doctor library, in-process, JSON:  ${f1(libJson)} ms  ${rates(totalRecords, libJsonRun)}  ${f1(totalMb / (libJson / 1000))} MB/s (goal ${GOAL_RATE.toLocaleString('en')} records/s)`,
);
console.log(
  `  the same through JSON.stringify:       ${f1(libStringify.ms)} ms  ${rates(totalRecords, libStringify)}`,
);
console.log(
  `dsreg-doctor library, in-process, read:  ${f1(libReadRun.ms)} ms  ${rates(totalRecords, libReadRun)}`,
);
console.log(
  `ratio (JSON / read only, CPU time): ${f1(libJsonRun.cpu / libReadRun.cpu)}x the time; readEvtxJson over JSON.stringify: ${speed(libStringify.cpu / libJsonRun.cpu)}`,
);
console.log(`ratio (library JSON / evtxexport process): ${speed(theirs / libJson)}`);
const pyLib = inProcess(() => [bytesSource(bytes[FILES.indexOf(PYTHON_FILE)])], 'json', rounds).ms;
console.log(`ratio (library JSON / python-evtx, ${PYTHON_FILE}): ${speed(python / pyLib)}`);

// 3: a large file from security.evtx's 26 chunks, repeated.
const big = path.join(tmpdir(), `dsreg-doctor-bench-${bigMb}mb.evtx`);
{
  const src = bytes[0];
  const chunks = Math.floor((src.length - 4096) / 65536);
  const used = [];
  for (let c = 0; c < chunks; c++)
    if (src[4096 + c * 65536] === 0x45) used.push(src.subarray(4096 + c * 65536, 4096 + (c + 1) * 65536));
  const n = Math.floor((bigMb * 2 ** 20) / 65536);
  const fd = openSync(big, 'w');
  const header = Buffer.from(src.subarray(0, 4096));
  header.writeBigUInt64LE(BigInt(n - 1), 16);
  header.writeUInt16LE(Math.min(n, 0xffff), 42);
  header.writeUInt32LE(0, 120); // not dirty
  header.writeUInt32LE(crc32(header.subarray(0, 120)), 124);
  writeSync(fd, header);
  for (let i = 0; i < n; i++) writeSync(fd, used[i % used.length]);
  closeSync(fd);
}
const bigRecords = child(big).records;
const bigRounds = Math.max(1, Math.min(rounds, Math.round(256 / bigMb)));
inProcess(() => [fdSource(big)], 'json', 1); // warm up
const bigJsonRun = inProcess(() => [fdSource(big)], 'json', bigRounds);
const bigReadRun = inProcess(() => [fdSource(big)], 'read', bigRounds);
const bigJson = bigJsonRun.ms;
const them = measured(EVTXEXPORT, ['-f', 'xml', big]);
const usJson = measured(process.execPath, [self, '--child', big, '--json']);
const usRead = measured(process.execPath, [self, '--child', big]);
// Memory: V8 grows its heap with the work done, so peak RSS alone says little. With the old
// generation capped at 16 MB and the young one at 1 MB the whole file still reads, and the peak is
// the same for a 2 MB and a large file: what the reader keeps does not grow with the file.
const capped = ['--max-old-space-size=16', '--max-semi-space-size=1', self, '--child'];
const capSmall = measured(process.execPath, [...capped, files[0]]);
const capBig = measured(process.execPath, [...capped, big]);
console.log(
  `large file: ${bigMb} MB, ${bigRecords.toLocaleString('en')} records (security.evtx's chunks repeated)`,
);
console.log(
  `evtxexport -f xml:        ${f1(them.ms / 1000)} s  ${rate(bigRecords, them.ms)}  peak ${f1(them.rssKb / 1024)} MB`,
);
console.log(
  `dsreg-doctor to JSON:     ${f1(usJson.ms / 1000)} s  ${rate(bigRecords, usJson.ms)}  peak ${f1(usJson.rssKb / 1024)} MB`,
);
console.log(`dsreg-doctor, read only:  ${f1(usRead.ms / 1000)} s  ${rate(bigRecords, usRead.ms)}`);
console.log(
  `dsreg-doctor library, in-process, JSON / read: ${rates(bigRecords, bigJsonRun)} / ${rates(bigRecords, bigReadRun)} (goal ${GOAL_RATE.toLocaleString('en')} records/s for JSON)`,
);
console.log(
  `ratio (large file, to JSON / read only): ${speed(them.ms / usJson.ms)} / ${speed(them.ms / usRead.ms)}`,
);
console.log(
  `heap capped (old 16 MB, young 1 MB): peak ${f1(capSmall.rssKb / 1024)} MB on ${f1(bytes[0].length / 2 ** 20)} MB, ` +
    `${f1(capBig.rssKb / 1024)} MB on ${bigMb} MB`,
);
if (!args.includes('--keep')) rmSync(big);

// For bench/run.mjs: the figures of issue 17, one machine-readable line each.
const ratio = (fields) => console.log(`RATIO ${JSON.stringify(fields)}`);
const perSecond = (records, ms) => Math.round((records / ms) * 1000);
ratio({
  name: 'evtx in-process records/s',
  value: perSecond(totalRecords, libJson),
  unit: 'records/s',
  goal: `>= ${GOAL_RATE}`,
  reference: 'this machine: the JSON record stream over the samples',
});
ratio({
  name: 'evtx in-process records/s, CPU time',
  value: perSecond(totalRecords, libJsonRun.cpu),
  unit: 'records/s',
  goal: `>= ${GOAL_RATE}`,
  reference: `this machine: the JSON record stream over the samples, per second of CPU time; JSON.stringify of the records ${perSecond(totalRecords, libStringify.cpu)}, reading alone ${perSecond(totalRecords, libReadRun.cpu)}`,
});
ratio({
  name: `evtx in-process records/s, ${bigMb} MB log`,
  value: perSecond(bigRecords, bigJson),
  unit: 'records/s',
  goal: `>= ${GOAL_RATE}`,
  reference: "this machine: the JSON record stream over security.evtx's chunks",
});
ratio({
  name: 'evtx, a process per small file, over evtxexport',
  value: Number((ours / theirs).toFixed(2)),
  unit: 'x',
  goal: '<= 1.5',
  reference: 'evtxexport -f xml',
});
ratio({
  name: 'evtx, a process per small file, over python-evtx',
  value: Number((pyOurs / python).toFixed(3)),
  unit: 'x',
  goal: '<= 1',
  reference: `evtx_dump.py on ${PYTHON_FILE}`,
});
ratio({
  name: `evtx, ${bigMb} MB log, evtxexport over ours (to JSON)`,
  value: Number((them.ms / usJson.ms).toFixed(2)),
  unit: 'x',
  reference: 'evtxexport -f xml',
});
ratio({
  name: `evtx, peak memory with the heap capped, ${bigMb} MB over ${f1(bytes[0].length / 2 ** 20)} MB`,
  value: Number((capBig.rssKb / capSmall.rssKb).toFixed(2)),
  unit: 'x',
  reference: 'the same reader on the small file',
});
