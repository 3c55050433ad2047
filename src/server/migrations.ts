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
