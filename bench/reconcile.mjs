// Benchmark: `reconcile` over 200,000 AD computers and their Entra devices, against a plain hash
// join of the same two CSVs measured in the same run (read each file, split lines and fields, put
// the Entra rows in a Map by deviceId, look every computer up): the floor any reconciliation pays.
// Ours streams both files in 256 KiB chunks through the export readers (quotes, dates, and the
// DER certificate and its SHA-1 of each computer whose device object is not known by objectGUID),
// then matches and judges every device.
// Both are timed in CPU time (process.cpuUsage: user + system, every thread, so garbage collection
// counts) as well as wall time; the ratio is CPU time, which the other load of a machine disturbs
// far less than wall time. Goal: at most 3x.
// Run: node bench/reconcile.mjs [computers]

import { execFileSync } from 'node:child_process';
import {
  closeSync,
  createReadStream,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

// `--heap FILE` (run by the bench itself, in a fresh process): the live heap that reading FILE leaves.
if (process.argv[2] === '--heap') {
  const { createExportReader } = await import(process.argv[4]);
  gc();
  const base = process.memoryUsage().heapUsed;
  const kept = [];
  const reader = createExportReader(process.argv[3], (r) => kept.push(r.row));
  for await (const chunk of createReadStream(process.argv[3], { highWaterMark: 256 * 1024 }))
    reader.push(chunk);
  reader.end();
  gc();
  const used = process.memoryUsage().heapUsed - base;
  console.log(JSON.stringify({ used, rows: kept.length, maxRSS: process.resourceUsage().maxRSS * 1024 }));
  process.exit(0);
}

const N = Number(process.argv[2] ?? 200_000);
// RECONCILE_BENCH_KEEP=DIR writes the generated exports there and keeps them (to run the CLI on).
const keep = process.env.RECONCILE_BENCH_KEEP;
const work = keep ?? mkdtempSync(join(tmpdir(), 'reconcile-bench-'));

// The core, bundled from source for this run (it is not part of the library's entry point yet).
await build({
  entryPoints: [new URL('../src/reconcile/index.ts', import.meta.url).pathname],
  outfile: join(work, 'reconcile.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  logLevel: 'warning',
});
const { createExportReader, readerOptionsAfter, reconcile } = await import(join(work, 'reconcile.mjs'));

// One made-up hybrid certificate (from the fixtures) reused on every computer: each row still
// parses and hashes it.
const fixture = readFileSync(new URL('../test/fixtures/reconcile/ad-computers.csv', import.meta.url), 'utf8');
const cert = /"(MII[^";]+)"/.exec(fixture)[1];
const hex = (n, w) => n.toString(16).padStart(w, '0');
const guid = (i) => `${hex(i, 8)}-1a2b-4c3d-8e4f-${hex(i * 7919, 12).slice(-12)}`;
const iso = (ms) => new Date(ms).toISOString();
const base = Date.parse('2026-12-01T12:00:00Z');
const filetime = (ms) => String(BigInt(ms) * 10000n + 116444736000000000n);

const ad = [
  '"Name","DNSHostName","DistinguishedName","Enabled","ObjectGUID","objectSid","OperatingSystem","whenCreated","lastLogonTimestamp","userCertificate"',
];
const entra = [
  'displayName,accountEnabled,operatingSystem,operatingSystemVersion,joinType (trustType),registeredOwners,userNames,mdmDisplayName,isCompliant,registrationTime,approximateLastSignInDateTime,deviceId,isManaged,objectId,profileType,systemLabels,model',
];
for (let i = 0; i < N; i++) {
  const name = `WKS-${String(i).padStart(6, '0')}`;
  const seen = base - ((i * 37) % 200) * 86_400_000;
  ad.push(
    `"${name}","${name.toLowerCase()}.corp.fabrikam.example","CN=${name},OU=Workstations,DC=corp,DC=fabrikam,DC=example","True","${guid(i)}","S-1-5-21-1004336348-1177238915-682003330-${1000 + i}","Windows 11 Enterprise","${iso(base - 400 * 86_400_000)}","${filetime(seen)}","${i % 50 === 0 ? '' : cert}"`,
  );
  if (i % 20 === 0) continue; // 5% never synced
  const pending = i % 33 === 0;
  entra.push(
    `${name},true,Windows,10.0.22631.4460,Microsoft Entra hybrid joined,,,Microsoft Intune,true,${pending ? 'Pending' : iso(base - 300 * 86_400_000)},${pending ? '' : iso(seen)},${guid(i)},true,${guid(i + N)},RegisteredDevice,,Latitude 7440`,
  );
}
for (let i = 0; i < N / 20; i++) {
  entra.push(
    `PHONE-${i},true,Android,15.0,Microsoft Entra registered,adele@fabrikam.example,,,,${iso(base - 100 * 86_400_000)},${iso(base - 86_400_000)},${guid(i + 3 * N)},false,${guid(i + 4 * N)},RegisteredDevice,,Pixel 8`,
  );
}
const adPath = join(work, 'ad.csv');
const entraPath = join(work, 'entra.csv');
writeFileSync(adPath, `${ad.join('\r\n')}\r\n`);
writeFileSync(entraPath, `${entra.join('\r\n')}\r\n`);
ad.length = 0;
entra.length = 0;
const mib = (b) => (b / 1048576).toFixed(1);
const size = (p) => statSync(p).size;
console.log(
  `inputs: ${N} computers (${mib(size(adPath))} MiB), ${N - N / 20 + N / 20} Entra objects (${mib(size(entraPath))} MiB)`,
);

function plainJoin() {
  const devices = new Map();
  const lines = readFileSync(entraPath, 'utf8').split('\n');
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].split(',');
    if (f.length > 11) devices.set(f[11], f);
  }
  let matched = 0;
  const computers = readFileSync(adPath, 'utf8').split('\n');
  for (let i = 1; i < computers.length; i++) {
    const f = computers[i].split('","'); // quoted fields: the DN holds commas
    if (f.length > 4 && devices.has(f[4])) matched++;
  }
  return matched;
}

async function ours() {
  const rows = { entra: [], ad: [], diagnoses: [] };
  const inputs = [];
  const phases = [];
  // As the CLI does: the Entra export first, then the AD export with the options it gives (no
  // certificate read for a computer whose device object is known by its objectGUID).
  for (const path of [entraPath, adPath]) {
    const t0 = performance.now();
    const options = path === adPath ? readerOptionsAfter(rows.entra) : {};
    const reader = createExportReader(
      path,
      (r) => {
        if (r.kind === 'entra-devices') rows.entra.push(r.row);
        else if (r.kind === 'ad-computers') rows.ad.push(r.row);
      },
      options,
    );
    for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) reader.push(chunk);
    inputs.push(reader.end());
    phases.push(performance.now() - t0);
  }
  gc(); // the live heap: the rows, not the garbage of reading them
  const heap = process.memoryUsage().heapUsed;
  const t1 = performance.now();
  const r = reconcile({ ...rows, inputs }, { now: '2026-12-01T12:00:00Z' });
  phases.push(performance.now() - t1);
  return { r, heap, phases };
}

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const time = async (fn) => {
  gc();
  const c0 = cpu();
  const t0 = performance.now();
  const v = await fn();
  return { ms: performance.now() - t0, cpu: cpu() - c0, v };
};
const ref = await time(plainJoin);
const run = await time(ours);
const ref2 = await time(plainJoin); // again, after ours, to even out warm-up and GC
const refCpu = Math.min(ref.cpu, ref2.cpu);
const refMs = Math.min(ref.ms, ref2.ms);
console.log(
  `plain hash join:      ${refCpu.toFixed(0)} ms CPU, ${refMs.toFixed(0)} ms wall (${ref.v} computers matched)`,
);
console.log(
  `reconcile (streamed): ${run.cpu.toFixed(0)} ms CPU, ${run.ms.toFixed(0)} ms wall (${run.v.r.devices.length} devices)`,
);
console.log(
  `  of which (wall): Entra ${run.v.phases[0].toFixed(0)} ms, AD ${run.v.phases[1].toFixed(0)} ms, matching ${run.v.phases[2].toFixed(0)} ms`,
);
console.log(
  `ratio ours/plain:     ${(run.cpu / refCpu).toFixed(1)}x CPU (${(run.ms / refMs).toFixed(1)}x wall); goal: at most 3x`,
);
console.log(`summary: ${JSON.stringify(run.v.r.summary)}`);
console.log(
  `live heap with the rows read: ${mib(run.v.heap)} MiB (${Math.round(run.v.heap / (N + N - N / 20 + N / 20))} bytes a row; the files: ${mib(size(adPath) + size(entraPath))} MiB); peak RSS ${mib(process.resourceUsage().maxRSS * 1024)} MiB`,
);

// Memory follows the rows, not the file: a tenth of the computers, then the same computers with a
// Description column that makes the file ten times the size, each read in a fresh process: the
// live heap and the peak RSS stay near each other.
function readInChild(path) {
  const out = execFileSync(process.execPath, [
    new URL(import.meta.url).pathname,
    '--heap',
    path,
    join(work, 'reconcile.mjs'),
  ]);
  return JSON.parse(String(out));
}
const small = join(work, 'ad-small.csv');
const padded = join(work, 'ad-padded.csv');
{
  const lines = readFileSync(adPath, 'utf8')
    .split('\r\n')
    .slice(0, Math.max(2, N / 10 + 1));
  writeFileSync(small, `${lines.join('\r\n')}\r\n`);
  const rowBytes = size(small) / lines.length;
  const pad = 'x'.repeat(Math.round(rowBytes * 9));
  const fd = openSync(padded, 'w');
  for (let i = 0; i < lines.length; i++) writeSync(fd, `${lines[i]},"${i === 0 ? 'Description' : pad}"\r\n`);
  closeSync(fd);
}
const plainHeap = readInChild(small);
const paddedHeap = readInChild(padded);
console.log(
  `${plainHeap.rows} computers, ${mib(size(small))} MiB file: live heap ${mib(plainHeap.used)} MiB, peak RSS ${mib(plainHeap.maxRSS)} MiB`,
);
console.log(
  `${paddedHeap.rows} computers, ${mib(size(padded))} MiB file (${(size(padded) / size(small)).toFixed(1)}x): live heap ${mib(paddedHeap.used)} MiB, peak RSS ${mib(paddedHeap.maxRSS)} MiB`,
);
if (!keep) rmSync(work, { recursive: true, force: true });
else {
  rmSync(padded, { force: true });
  rmSync(small, { force: true });
}
