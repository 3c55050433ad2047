// Check-ins per second against the same server's /healthz rate in the same run, on the embedded
// database and on PostgreSQL (scripts/test-postgres.mjs), each check-in a new device (a real
// capture with its DeviceId and device name changed) diagnosed by the core. The load generator is
// a raw keep-alive client (server-common.mjs rawRate) so that it takes little of the machine's
// CPU, and the CPU time of the server, of PostgreSQL and of the generator per request is read from
// /proc: on a machine shared with other work the rates move with the load, the CPU per check-in
// much less.
//
// Run: node scripts/build.mjs && node bench/server-ingest.mjs
//   BENCH_SECONDS (10), BENCH_CONCURRENCY (64), BENCH_ONLY=embedded|postgresql,
//   BENCH_WORKERS (1: serve --workers on PostgreSQL)
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../scripts/test-postgres.mjs';
import { familyCpuSeconds, INGEST, postgresCpuSeconds, rawRate, startServe } from './server-common.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const ONLY = process.env.BENCH_ONLY;
const templates = [
  'examples/dsregcmd/hybrid-healthy.txt',
  'examples/dsregcmd/hybrid-device-deleted-aadsts50155.txt',
].map((f) => readFileSync(f, 'utf8'));
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

function checkinRequest() {
  let i = 0;
  return () => {
    const t = templates[i++ % templates.length];
    // A new device each time, as in a fleet: its own DeviceId and its own name (devices sharing a
    // name would all wait on one lock, the one that merges a device known by name into its DeviceId).
    const body = t
      .replace(/(DeviceId\s*:\s*)\S+/, `$1${randomUUID()}`)
      .replace(/(Device Name\s*:\s*)[^.\s]+/, `$1bench-${i}`);
    if (!GUID.test(body)) throw new Error('template without DeviceId');
    return (
      `POST /api/v1/checkins HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer ${INGEST}\r\n` +
      `Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
    );
  };
}
const HEALTH = 'GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n';

/** Runs `fn` and returns its rate with the CPU seconds per request of each process. */
async function measured(server, db, fn) {
  const before = { server: familyCpuSeconds(server.pid), db: db(), client: process.cpuUsage() };
  const r = await fn();
  const client = process.cpuUsage(before.client);
  const n = r.perSecond * SECONDS;
  const per = (s) => (n > 0 ? (s * 1000) / n : 0);
  return {
    ...r,
    cpu: {
      server: per(familyCpuSeconds(server.pid) - before.server),
      db: per(db() - before.db),
      client: per((client.user + client.system) / 1e6),
    },
  };
}

const ms = (v) => v.toFixed(3).padStart(6);

async function run(label, args, env, dbCpu) {
  const server = await startServe([...args, '--max-concurrent', String(CONCURRENCY * 2)], env);
  const url = server.url;
  const ingest = checkinRequest();
  await rawRate(url, ingest, CONCURRENCY, 2); // warm-up
  const c = await measured(server, dbCpu, () => rawRate(url, ingest, CONCURRENCY, SECONDS));
  const h = await measured(server, dbCpu, () => rawRate(url, () => HEALTH, CONCURRENCY, SECONDS));
  await server.stop();
  const all = c.cpu.server + c.cpu.db + c.cpu.client;
  console.log(
    `${label.padEnd(11)} ${c.perSecond.toFixed(0).padStart(6)} check-ins/s ${h.perSecond.toFixed(0).padStart(6)} /healthz/s  ratio ${(c.perSecond / h.perSecond).toFixed(3)}  (${c.failed} refused)`,
  );
  console.log(
    `${''.padEnd(11)} CPU ms per check-in: server ${ms(c.cpu.server)}  database ${ms(c.cpu.db)}  load generator ${ms(c.cpu.client)}  (per /healthz: server ${ms(h.cpu.server)})`,
  );
  console.log(
    `${''.padEnd(11)} check-ins per second the ${cpus().length} cores allow at that CPU cost: ${((cpus().length * 1000) / all).toFixed(0)} (all three processes), ${((cpus().length * 1000) / (c.cpu.server + c.cpu.db)).toFixed(0)} (server and database)`,
  );
}

console.log(
  `${cpus().length} cores, ${CONCURRENCY} connections, ${SECONDS} s each, node ${process.version}, load average ${loadavg()[0].toFixed(1)}`,
);
if (ONLY !== 'postgresql') {
  const dir = mkdtempSync(join(tmpdir(), 'dsreg-bench-'));
  try {
    await run('embedded', ['--data', dir], {}, () => 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
if (ONLY !== 'embedded') {
  const pg = await startPostgres();
  try {
    const workers = Number(process.env.BENCH_WORKERS ?? 1);
    const label = workers > 1 ? `pg ×${workers}` : 'postgresql';
    await run(label, ['--workers', String(workers)], { DATABASE_URL: pg.url }, () =>
      postgresCpuSeconds(join(pg.dir, 'data')),
    );
  } finally {
    await pg.stop();
  }
}
console.log(`load average after: ${loadavg()[0].toFixed(1)}`);
