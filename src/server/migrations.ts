// The schema, as numbered migrations applied in order at start, each once, each in its own
// transaction. Several servers starting on one database take turns under an advisory lock, so a
// migration never runs twice. A migration, once released, is never edited: a change is a new one.
import type { Db } from './db.js';

export interface Migration {
  id: number;
  name: string;
  sql: string;
}

/** Advisory lock keys (any fixed numbers; the same in every server). */
export const LOCKS = { migrate: 0x0d5e_0001, partitions: 0x0d5e_0002 } as const;

/** Counters are spread over this many rows per value, so concurrent check-ins rarely wait on one row. */
export const COUNTER_SHARDS = 16;

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'devices, check-in history by day, fleet counters, imports, tokens',
    sql: `
-- The latest state of each device, upserted by its key on every check-in.
CREATE TABLE devices (
  key            text PRIMARY KEY,
  name           text,
  domain         text,
  device_id      text,
  -- Lower-case name for prefix search, compared byte by byte so that an index serves LIKE 'x%'.
  name_lc        text COLLATE "C",
  unidentified   boolean NOT NULL DEFAULT false,
  join_type      text NOT NULL,
  verdict        text NOT NULL,
  phase          text,
  codes          text[] NOT NULL DEFAULT '{}',
  -- The furthest step of hybrid join reached (domain-joined, scp-read, registered, prt), if domain joined.
  funnel         text,
  last_checkin   timestamptz NOT NULL,
  last_checkin_id text NOT NULL,
  checkins       integer NOT NULL DEFAULT 1,
  diagnosis      jsonb NOT NULL
);
-- The device list, newest first, unfiltered and by each filter of the dashboard.
CREATE INDEX devices_recent ON devices (last_checkin DESC, key DESC);
CREATE INDEX devices_verdict_recent ON devices (verdict, last_checkin DESC, key DESC);
CREATE INDEX devices_phase_recent ON devices (phase, last_checkin DESC, key DESC);
CREATE INDEX devices_join_type_recent ON devices (join_type, last_checkin DESC, key DESC);
CREATE INDEX devices_codes ON devices USING gin (codes);
CREATE INDEX devices_name_lc ON devices (name_lc);
CREATE INDEX devices_device_id ON devices (device_id);

-- Every stored check-in, one partition a day (UTC): retention drops whole partitions.
CREATE TABLE checkins (
  id            text NOT NULL,
  device_key    text NOT NULL,
  received_at   timestamptz NOT NULL,
  collected_at  timestamptz,
  context       text,
  verdict       text NOT NULL,
  phase         text,
  codes         text[] NOT NULL DEFAULT '{}',
  inputs        jsonb NOT NULL,
  PRIMARY KEY (device_key, received_at, id)
) PARTITION BY RANGE (received_at);

-- Which check-ins were stored for a device (the content hash makes the id), so a repeated post is
-- stored once: the history itself is partitioned by day and cannot hold a unique key on the id.
CREATE TABLE checkin_ids (
  device_key   text NOT NULL,
  id           text NOT NULL,
  received_at  timestamptz NOT NULL,
  PRIMARY KEY (device_key, id)
);
CREATE INDEX checkin_ids_received ON checkin_ids (received_at);

-- Device counts by verdict, join type, phase and code, kept in step with devices by each check-in
-- (the summary reads these few rows instead of counting a million devices).
CREATE TABLE fleet_counts (
  dim    text NOT NULL,
  value  text NOT NULL,
  shard  smallint NOT NULL,
  n      bigint NOT NULL,
  PRIMARY KEY (dim, value, shard)
);
-- Check-ins and failed check-ins per day (UTC).
CREATE TABLE fleet_days (
  day      date NOT NULL,
  shard    smallint NOT NULL,
  checkins bigint NOT NULL DEFAULT 0,
  failed   bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (day, shard)
);
-- The names of the codes that devices cite (for the top codes).
CREATE TABLE code_names (
  hex   text PRIMARY KEY,
  name  text
);

-- The newest Entra device export and AD computer export (reconciliation reads them).
CREATE TABLE imports (
  kind         text PRIMARY KEY,
  name         text,
  content_type text,
  received_at  timestamptz NOT NULL,
  content      bytea NOT NULL
);

-- Hashes (SHA-256, hex) of the ingest and admin tokens; never the tokens themselves.
CREATE TABLE tokens (
  kind        text PRIMARY KEY,
  hash        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
`,
  },
  {
    id: 2,
    name: 'store_checkin: one check-in stored in one statement',
    sql: `
-- One check-in, stored in one round trip: history row, latest state, and the counters moved from
-- the device's old state to its new one. Returns false when this (device, content) was stored
-- before. Check-ins of one device take turns (advisory lock on its key); counters are updated in
-- (dim, value) order so that concurrent check-ins never wait on each other in a cycle.
CREATE FUNCTION store_checkin(
  p_key text, p_id text, p_received timestamptz, p_collected timestamptz, p_context text,
  p_name text, p_domain text, p_device_id text, p_unidentified boolean,
  p_join_type text, p_verdict text, p_phase text, p_codes text[], p_code_names text[],
  p_funnel text, p_diagnosis jsonb, p_inputs jsonb, p_shard smallint
) RETURNS boolean LANGUAGE plpgsql AS $fn$
DECLARE
  old devices%ROWTYPE;
  gone devices%ROWTYPE;
  alias text;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext(p_key));
  INSERT INTO checkin_ids (device_key, id, received_at) VALUES (p_key, p_id, p_received)
    ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  -- A device known by its name until it joined (no DeviceId before the join) is the same device
  -- once its capture gives a DeviceId: its record and history move to the DeviceId.
  IF p_device_id IS NOT NULL AND p_name IS NOT NULL THEN
    alias := lower(p_name || COALESCE('@' || p_domain, ''));
    IF alias <> p_key THEN
      -- A check-in keyed by name takes only its own lock, so this second lock cannot deadlock.
      PERFORM pg_advisory_xact_lock(hashtext(alias));
      DELETE FROM devices WHERE key = alias RETURNING * INTO gone;
      IF gone.key IS NOT NULL THEN
        UPDATE checkins SET device_key = p_key WHERE device_key = alias;
        UPDATE checkin_ids SET device_key = p_key WHERE device_key = alias;
      END IF;
    END IF;
  END IF;
  SELECT * INTO old FROM devices WHERE key = p_key;
  INSERT INTO devices (key, name, domain, device_id, name_lc, unidentified, join_type, verdict, phase,
                       codes, funnel, last_checkin, last_checkin_id, diagnosis)
  VALUES (p_key, p_name, p_domain, p_device_id, lower(p_name), p_unidentified, p_join_type, p_verdict,
          p_phase, p_codes, p_funnel, p_received, p_id, p_diagnosis)
  ON CONFLICT (key) DO UPDATE SET
    name = COALESCE(EXCLUDED.name, devices.name), domain = COALESCE(EXCLUDED.domain, devices.domain),
    device_id = COALESCE(EXCLUDED.device_id, devices.device_id),
    name_lc = COALESCE(EXCLUDED.name_lc, devices.name_lc),
    unidentified = EXCLUDED.unidentified, join_type = EXCLUDED.join_type, verdict = EXCLUDED.verdict,
    phase = EXCLUDED.phase, codes = EXCLUDED.codes, funnel = EXCLUDED.funnel,
    last_checkin = EXCLUDED.last_checkin, last_checkin_id = EXCLUDED.last_checkin_id,
    checkins = devices.checkins + 1, diagnosis = EXCLUDED.diagnosis;
  IF gone.key IS NOT NULL THEN
    UPDATE devices SET checkins = checkins + gone.checkins WHERE key = p_key;
  END IF;
  INSERT INTO checkins (id, device_key, received_at, collected_at, context, verdict, phase, codes, inputs)
  VALUES (p_id, p_key, p_received, p_collected, p_context, p_verdict, p_phase, p_codes, p_inputs);
  INSERT INTO code_names (hex, name)
    SELECT c.hex, c.name FROM unnest(p_codes, p_code_names) AS c(hex, name)
    WHERE old.key IS NULL OR NOT (c.hex = ANY (old.codes))
    ORDER BY c.hex
  ON CONFLICT (hex) DO UPDATE SET name = EXCLUDED.name
    WHERE code_names.name IS NULL AND EXCLUDED.name IS NOT NULL;
  INSERT INTO fleet_counts (dim, value, shard, n)
    SELECT dim, value, p_shard, sum(n) FROM (
      SELECT 'verdict' AS dim, old.verdict AS value, -1 AS n WHERE old.key IS NOT NULL
      UNION ALL SELECT 'joinType', old.join_type, -1 WHERE old.key IS NOT NULL
      UNION ALL SELECT 'phase', COALESCE(old.phase, 'none'), -1 WHERE old.key IS NOT NULL
      UNION ALL SELECT 'funnel', old.funnel, -1 WHERE old.funnel IS NOT NULL
      UNION ALL SELECT 'code', c, -1 FROM unnest(old.codes) AS c WHERE old.key IS NOT NULL
      UNION ALL SELECT 'verdict', gone.verdict, -1 WHERE gone.key IS NOT NULL
      UNION ALL SELECT 'joinType', gone.join_type, -1 WHERE gone.key IS NOT NULL
      UNION ALL SELECT 'phase', COALESCE(gone.phase, 'none'), -1 WHERE gone.key IS NOT NULL
      UNION ALL SELECT 'funnel', gone.funnel, -1 WHERE gone.funnel IS NOT NULL
      UNION ALL SELECT 'code', c, -1 FROM unnest(gone.codes) AS c WHERE gone.key IS NOT NULL
      UNION ALL SELECT 'verdict', p_verdict, 1
      UNION ALL SELECT 'joinType', p_join_type, 1
      UNION ALL SELECT 'phase', COALESCE(p_phase, 'none'), 1
      UNION ALL SELECT 'funnel', p_funnel, 1 WHERE p_funnel IS NOT NULL
      UNION ALL SELECT 'code', c, 1 FROM unnest(p_codes) AS c
    ) AS d
    GROUP BY dim, value HAVING sum(n) <> 0
    ORDER BY dim, value
  ON CONFLICT (dim, value, shard) DO UPDATE SET n = fleet_counts.n + EXCLUDED.n;
  INSERT INTO fleet_days (day, shard, checkins, failed)
  VALUES ((p_received AT TIME ZONE 'UTC')::date, p_shard, 1, CASE WHEN p_verdict = 'failed' THEN 1 ELSE 0 END)
  ON CONFLICT (day, shard) DO UPDATE SET checkins = fleet_days.checkins + 1,
    failed = fleet_days.failed + EXCLUDED.failed;
  RETURN true;
END
$fn$;
`,
  },
];

/** Applies the migrations this database has not had yet; returns the ids applied now. */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return db.withLock(LOCKS.migrate, async (conn) => {
    await conn.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set(
      (await conn.query<{ id: number }>('SELECT id FROM schema_migrations')).map((r) => Number(r.id)),
    );
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.id - b.id)) {
      if (done.has(m.id)) continue;
      await db.transaction(async (tx) => {
        await tx.exec(m.sql);
        await tx.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
      });
      applied.push(m.id);
    }
    return applied;
  });
}
