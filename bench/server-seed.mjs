// Seeds 1,000,000 devices (and a check-in each) into a PostgreSQL started for the run, then measures
// p50/p95 of what the dashboard asks on every view: the summary, filtered device lists, a search
// and a device page, through the real server. Run: npm run build && node bench/server-seed.mjs
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import pg from 'pg';
import { startPostgres } from '../scripts/test-postgres.mjs';
import { ADMIN, percentiles, send, startServe } from './server-common.mjs';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);

const db = await startPostgres();
try {
  // The server's own migrations make the schema.
  let server = await startServe([], { DATABASE_URL: db.url });
  const diag = async (file) => {
    const r = await fetch(`${server.url}/api/v1/checkins`, {
      method: 'POST',
      headers: { Authorization: 'Bearer bench-ingest-token', 'Content-Type': 'text/plain' },
      body: readFileSync(file),
    });
    const a = await r.json();
    const d = await (
      await fetch(`${server.url}/api/v1/devices/${encodeURIComponent(a.device)}`, {
        headers: { Authorization: `Bearer ${ADMIN}` },
      })
    ).json();
    return JSON.stringify(d.diagnosis);
  };
  const healthy = await diag('examples/dsregcmd/hybrid-healthy.txt');
  const failed = await diag('examples/dsregcmd/join-fail-device-not-synced.txt');
  await server.stop();

  const c = new pg.Client(db.url);
  await c.connect();
  await c.query('TRUNCATE devices, checkin_ids, fleet_counts, fleet_days, code_names');
  await c.query('DELETE FROM checkins');
  const t0 = performance.now();
  const day = new Date().toISOString().slice(0, 10);
  await c.query(
    `INSERT INTO devices (key, name, domain, device_id, name_lc, join_type, verdict, phase, codes, funnel,
                          last_checkin, last_checkin_id, diagnosis)
     SELECT md5(i::text)::uuid::text, n, 'CORP', md5(i::text)::uuid::text, n,
       CASE WHEN i % 10 < 7 THEN 'hybrid' ELSE 'domain-joined' END,
       CASE WHEN i % 10 < 6 THEN 'healthy' WHEN i % 10 = 6 THEN 'warning' ELSE 'failed' END,
       CASE WHEN i % 10 < 6 THEN NULL WHEN i % 10 = 6 THEN 'post-join' WHEN i % 10 = 7 THEN 'discover' ELSE 'join' END,
       CASE WHEN i % 10 = 7 THEN '{0x801c0021,0x80072ee2}'::text[] WHEN i % 10 >= 8 THEN '{0x801c03f2}'::text[] ELSE '{}'::text[] END,
       CASE WHEN i % 10 < 6 THEN 'prt' WHEN i % 10 = 6 THEN 'registered' WHEN i % 10 = 7 THEN 'domain-joined' ELSE 'scp-read' END,
       now() - (i % 86400) * interval '1 second', md5('c' || i),
       CASE WHEN i % 10 >= 7 THEN $2::jsonb ELSE $1::jsonb END
     FROM generate_series(1, $3::int) AS i, LATERAL (SELECT 'pc-' || lpad(i::text, 7, '0') || '.corp.example' AS n) AS x`,
    [healthy, failed, DEVICES],
  );
  await c.query(
    `INSERT INTO checkins (id, device_key, received_at, verdict, phase, codes, inputs)
     SELECT last_checkin_id, key, greatest(last_checkin, $1::date), verdict, phase, codes, '[]'::jsonb FROM devices`,
    [day],
  );
  await c.query(`INSERT INTO fleet_counts (dim, value, shard, n)
    SELECT 'verdict', verdict, 0, count(*) FROM devices GROUP BY verdict
    UNION ALL SELECT 'joinType', join_type, 0, count(*) FROM devices GROUP BY join_type
    UNION ALL SELECT 'phase', coalesce(phase, 'none'), 0, count(*) FROM devices GROUP BY phase
    UNION ALL SELECT 'funnel', funnel, 0, count(*) FROM devices WHERE funnel IS NOT NULL GROUP BY funnel
    UNION ALL SELECT 'code', code, 0, count(*) FROM devices, unnest(codes) AS code GROUP BY code`);
  await c.query(`INSERT INTO code_names VALUES ('0x801c03f2', 'DSREG_E_DIRECTORY_FAILURE'),
    ('0x801c0021', 'DSREG_AUTOJOIN_DISC_FAILED'), ('0x80072ee2', 'WININET_E_TIMEOUT')`);
  await c.query(
    `INSERT INTO fleet_days SELECT $1::date, 0, count(*), count(*) FILTER (WHERE verdict = 'failed') FROM devices`,
    [day],
  );
  await c.query('ANALYZE');
  const seeded = (performance.now() - t0) / 1000;
  // The plans of the dashboard's lists: each should walk an index in check-in order, not sort.
  const plans = {
    'devices (newest)': 'SELECT key FROM devices ORDER BY last_checkin DESC, key DESC LIMIT 51',
    'verdict=failed':
      "SELECT key FROM devices WHERE verdict = 'failed' ORDER BY last_checkin DESC, key DESC LIMIT 51",
    'code=0x801c03f2':
      "SELECT key FROM devices WHERE codes @> ARRAY['0x801c03f2']::text[] ORDER BY last_checkin DESC, key DESC LIMIT 51",
    'q=pc-00421':
      "SELECT key FROM devices WHERE (name_lc >= 'pc-00421' AND name_lc < 'pc-00421\uffff' OR device_id = 'pc-00421') ORDER BY last_checkin DESC, key DESC LIMIT 51",
  };
  for (const [name, sql] of Object.entries(plans)) {
    const rows = (await c.query(`EXPLAIN ${sql}`)).rows.map((r) => r['QUERY PLAN']);
    const nodes = rows
      .filter((l, i) => i === 0 || l.includes('->'))
      .map((l) =>
        l
          .replace(/^.*->\s*/, '')
          .replace(/\s+\(cost.*$/, '')
          .replace(/ on devices.*$/, '')
          .trim(),
      );
    console.log(`plan ${name.padEnd(18)} ${nodes.join(' > ')}`);
  }
  await c.end();

  server = await startServe([], { DATABASE_URL: db.url });
  const auth = { Authorization: `Bearer ${ADMIN}` };
  const time = async (path) => {
    const t = performance.now();
    const r = await send(server.url, { path, headers: auth });
    if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
    return performance.now() - t;
  };
  const cases = {
    summary: () => '/api/v1/summary',
    'devices (newest)': () => '/api/v1/devices',
    'devices verdict=failed': () => '/api/v1/devices?verdict=failed',
    'devices code=0x801c03f2': () => '/api/v1/devices?code=0x801c03f2',
    'devices joinType+phase': () => '/api/v1/devices?joinType=domain-joined&phase=discover',
    'devices q=pc-00NNN': () => `/api/v1/devices?q=pc-00${100 + Math.floor(Math.random() * 800)}`,
    'devices page 2 (cursor)': null,
    'device page': () => `/api/v1/devices/${md5uuid(1 + Math.floor(Math.random() * DEVICES))}`,
  };
  const first = await (await fetch(`${server.url}/api/v1/devices?verdict=failed`, { headers: auth })).json();
  cases['devices page 2 (cursor)'] = () => `/api/v1/devices?verdict=failed&cursor=${first.next}`;
  console.log(
    `${cpus().length} cores; ${DEVICES.toLocaleString('en')} devices seeded in ${seeded.toFixed(0)} s; ${RUNS} requests each, one at a time`,
  );
  for (const [name, path] of Object.entries(cases)) {
    for (let i = 0; i < 10; i++) await time(path());
    const ms = [];
    for (let i = 0; i < RUNS; i++) ms.push(await time(path()));
    const { p50, p95 } = percentiles(ms);
    console.log(
      `${name.padEnd(26)} p50 ${p50.toFixed(1).padStart(6)} ms   p95 ${p95.toFixed(1).padStart(6)} ms`,
    );
  }
  await server.stop();
} finally {
  await db.stop();
}

function md5uuid(i) {
  const h = createHash('md5').update(String(i)).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
