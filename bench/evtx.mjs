// The .evtx reader against libyal's C tool, `evtxexport -f xml` (Debian libevtx-utils), in one run:
//  1. the public samples both read completely, one process per file each (start-up included):
//     dsreg-doctor reads every record and writes it as a JSON line, evtxexport writes XML, both
//     to /dev/null; then dsreg-doctor once for all the files (`events` takes several files);
//  2. the same files read by the library in-process (no start-up, warm);
//  3. a large file built from the chunks of security.evtx (default 128 MB): wall time and peak
//     memory of both, and dsreg-doctor's peak memory with V8's heap capped, on a 2 MB file and on
//     the large one, to show that memory does not grow with the file.
//
//   npm run build && node bench/evtx.mjs [--big-mb N] [--keep]
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
import { bytesSource, readEvtx } from '../dist/index.js';

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
const TIME = '/usr/bin/time';

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
    for (const record of readEvtx(source, { source: file })) {
      records++;
      if (!json) continue;
      buffer += `${JSON.stringify(record)}\n`;
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
const bigMb = Number(args[args.indexOf('--big-mb') + 1] ?? 128) || 128;

if (!existsSync(EVTXEXPORT)) {
  console.error('bench/evtx: /usr/bin/evtxexport is missing: apt-get install libevtx-utils');
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

function timeProcess(cmd, cmdArgs, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, cmdArgs, { stdio: ['ignore', 'ignore', 'ignore'] });
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

/** Reads every record of every sample; returns how many. */
function readAll() {
  let n = 0;
  for (const b of bytes) for (const _ of readEvtx(bytesSource(b))) n++;
  return n;
}
for (let i = 0; i < 3; i++) readAll(); // warm up
const rounds = 10;
const started = performance.now();
for (let i = 0; i < rounds; i++) readAll();
const lib = (performance.now() - started) / rounds;
console.log(
  `dsreg-doctor library, in-process:        ${f1(lib)} ms  ${rate(totalRecords, lib)}  ${f1(totalMb / (lib / 1000))} MB/s`,
);
console.log(`ratio (library / evtxexport process):     ${speed(theirs / lib)}`);

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
  `ratio (large file, to JSON / read only): ${speed(them.ms / usJson.ms)} / ${speed(them.ms / usRead.ms)}`,
);
console.log(
  `heap capped (old 16 MB, young 1 MB): peak ${f1(capSmall.rssKb / 1024)} MB on ${f1(bytes[0].length / 2 ** 20)} MB, ` +
    `${f1(capBig.rssKb / 1024)} MB on ${bigMb} MB`,
);
if (!args.includes('--keep')) rmSync(big);

// For bench/run.mjs: the figures of issue 17, one machine-readable line each.
const ratio = (fields) => console.log(`RATIO ${JSON.stringify(fields)}`);
ratio({
  name: 'evtx in-process records/s',
  value: Math.round((totalRecords / lib) * 1000),
  unit: 'records/s',
  goal: '>= 200000',
  reference: 'this machine',
});
ratio({
  name: 'evtx, a process per small file, over evtxexport',
  value: Number((ours / theirs).toFixed(2)),
  unit: 'x',
  goal: '<= 1.5',
  reference: 'evtxexport -f xml',
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
