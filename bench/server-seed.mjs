// Seeds 1,000,000 devices (and a check-in each) into a PostgreSQL started for the run, then measures
// p50/p95 of what the dashboard asks on every view: the summary, filtered device lists, a search
// and a device page, through the real server. Run: npm run build && node bench/server-seed.mjs
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
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
                          last_checkin, last_checkin_id, diagnosis, facts, finding_ids)
     SELECT md5(i::text)::uuid::text, n, 'CORP', md5(i::text)::uuid::text, n,
       CASE WHEN i % 10 < 7 THEN 'hybrid' ELSE 'domain-joined' END,
       CASE WHEN i % 10 < 6 THEN 'healthy' WHEN i % 10 = 6 THEN 'warning' ELSE 'failed' END,
       CASE WHEN i % 10 < 6 THEN NULL WHEN i % 10 = 6 THEN 'post-join' WHEN i % 10 = 7 THEN 'discover' ELSE 'join' END,
       CASE WHEN i % 10 = 7 THEN '{0x801c0021,0x80072ee2}'::text[] WHEN i % 10 >= 8 THEN '{0x801c03f2}'::text[] ELSE '{}'::text[] END,
       CASE WHEN i % 10 < 6 THEN 'prt' WHEN i % 10 = 6 THEN 'registered' WHEN i % 10 = 7 THEN 'domain-joined' ELSE 'scp-read' END,
       now() - (i % 86400) * interval '1 second', md5('c' || i),
       CASE WHEN i % 10 >= 7 THEN $2::text ELSE $1::text END,
       CASE WHEN i % 10 >= 7 THEN $2::jsonb -> 'device' ELSE $1::jsonb -> 'device' END,
       ARRAY(SELECT f ->> 'id' FROM jsonb_array_elements(CASE WHEN i % 10 >= 7 THEN $2::jsonb ELSE $1::jsonb END -> 'findings') AS f)
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
  // Every query the read API runs, as store.ts writes it, with EXPLAIN (ANALYZE, BUFFERS): none may
  // read the devices table through (a Seq Scan), each list walks an index in check-in order.
  const LIST =
    'SELECT key, name, domain, device_id, join_type, verdict, phase, codes, last_checkin, unidentified FROM devices';
  const ORDER = 'ORDER BY last_checkin DESC, key DESC LIMIT 51';
  const someKey = md5uuid(421);
  const plans = {
    summary: `SELECT
       (SELECT json_agg(x) FROM (SELECT dim, value, sum(n)::int AS n FROM fleet_counts WHERE dim <> 'code'
          GROUP BY dim, value HAVING sum(n) <> 0) AS x) AS counts,
       (SELECT json_agg(x ORDER BY x.n DESC, x.hex) FROM (SELECT c.value AS hex, k.name, sum(c.n)::int AS n
          FROM fleet_counts c LEFT JOIN code_names k ON k.hex = c.value
          WHERE c.dim = 'code' GROUP BY c.value, k.name HAVING sum(c.n) > 0 ORDER BY n DESC, hex LIMIT 10) AS x) AS top,
       (SELECT json_agg(x ORDER BY x.day) FROM (SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(checkins)::int AS checkins,
          sum(failed)::int AS failed FROM fleet_days WHERE day >= current_date - 29 GROUP BY day) AS x) AS by_day`,
    'devices (newest)': `${LIST} ${ORDER}`,
    'verdict=failed': `${LIST} WHERE verdict = 'failed' ${ORDER}`,
    'phase=discover': `${LIST} WHERE phase = 'discover' ${ORDER}`,
    'phase=none': `${LIST} WHERE phase IS NULL ${ORDER}`,
    'joinType=domain-joined': `${LIST} WHERE join_type = 'domain-joined' ${ORDER}`,
    'joinType+phase': `${LIST} WHERE join_type = 'domain-joined' AND phase = 'discover' ${ORDER}`,
    'code=0x801c03f2': `${LIST} WHERE codes @> ARRAY['0x801c03f2']::text[] ${ORDER}`,
    'code=0x80072ee2': `${LIST} WHERE codes @> ARRAY['0x80072ee2']::text[] ${ORDER}`,
    'q=pc-00421': `${LIST} WHERE (name_lc >= 'pc-00421' AND name_lc < 'pc-00421\uffff' OR device_id = 'pc-00421' OR key = 'pc-00421') ${ORDER}`,
    'q=<DeviceId>': `${LIST} WHERE (name_lc >= '${someKey}' AND name_lc < '${someKey}\uffff' OR device_id = '${someKey}' OR key = '${someKey}') ${ORDER}`,
    'verdict=failed page 2': `${LIST} WHERE verdict = 'failed' AND (last_checkin, key) < (now() - interval '1 hour', 'f') ${ORDER}`,
    'device page': `SELECT key, name, domain, device_id, join_type, verdict, phase, codes, last_checkin, unidentified,
            checkins, diagnosis,
            (SELECT json_agg(h ORDER BY h.received_at DESC, h.id DESC) FROM (
               SELECT id, received_at, verdict, phase, context FROM checkins WHERE device_key = '${someKey}'
               ORDER BY received_at DESC, id DESC LIMIT 100) AS h) AS history
     FROM devices WHERE key = '${someKey}'`,
  };
  for (const [name, sql] of Object.entries(plans)) {
    const [
      {
        'QUERY PLAN': [out],
      },
    ] = (await c.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`)).rows;
    const nodes = [];
    const walk = (n) => {
      nodes.push(
        `${n['Node Type']}${n['Index Name'] ? ` ${n['Index Name']}` : n['Relation Name'] ? ` ${n['Relation Name']}` : ''}`,
      );
      for (const k of n.Plans ?? []) walk(k);
    };
    walk(out.Plan);
    const buffers = out.Plan['Shared Hit Blocks'] + out.Plan['Shared Read Blocks'];
    const scan = nodes.some((x) => /^Seq Scan (devices|checkins)/.test(x)) ? '  SCANS A TABLE' : '';
    console.log(
      `plan ${name.padEnd(23)} ${out['Execution Time'].toFixed(2).padStart(7)} ms ${String(buffers).padStart(6)} buffers  ${nodes.join(' > ')}${scan}`,
    );
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
    `${cpus().length} cores; ${DEVICES.toLocaleString('en')} devices seeded in ${seeded.toFixed(0)} s; ${RUNS} requests each, one at a time; load average ${loadavg()[0].toFixed(1)}`,
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
