// Check-ins per second against the same server's /healthz rate in the same run, on the embedded
// database and on PostgreSQL (scripts/test-postgres.mjs), each check-in a new device (a real
// capture with its DeviceId changed) diagnosed by the core. Run: npm run build && node bench/server-ingest.mjs
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../scripts/test-postgres.mjs';
import { INGEST, rate, send, startServe } from './server-common.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const templates = [
  'examples/dsregcmd/hybrid-healthy.txt',
  'examples/dsregcmd/hybrid-device-deleted-aadsts50155.txt',
].map((f) => readFileSync(f, 'utf8'));
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

async function run(label, args, env) {
  const server = await startServe([...args, '--max-concurrent', String(CONCURRENCY * 2)], env);
  let i = 0;
  const checkin = () => {
    const t = templates[i++ % templates.length];
    const body = t.replace(/(DeviceId\s*:\s*)\S+/, `$1${randomUUID()}`);
    if (!GUID.test(body)) throw new Error('template without DeviceId');
    return send(server.url, {
      method: 'POST',
      path: '/api/v1/checkins',
      headers: { Authorization: `Bearer ${INGEST}`, 'Content-Type': 'text/plain' },
      body,
    });
  };
  await rate(checkin, CONCURRENCY, 2); // warm-up
  const ingest = await rate(checkin, CONCURRENCY, SECONDS);
  const health = await rate(() => send(server.url, { path: '/healthz' }), CONCURRENCY, SECONDS);
  await server.stop();
  const line = `${label.padEnd(11)} ${ingest.perSecond.toFixed(0).padStart(6)} check-ins/s  ${health.perSecond.toFixed(0).padStart(6)} /healthz/s  ratio ${(ingest.perSecond / health.perSecond).toFixed(3)}  (${ingest.failed} check-ins refused)`;
  console.log(line);
  return line;
}

console.log(
  `${cpus().length} cores, ${CONCURRENCY} concurrent clients, ${SECONDS} s each, node ${process.version}`,
);
const dir = mkdtempSync(join(tmpdir(), 'dsreg-bench-'));
try {
  await run('embedded', ['--data', dir], {});
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const pg = await startPostgres();
try {
  await run('postgresql', [], { DATABASE_URL: pg.url });
} finally {
  await pg.stop();
}
