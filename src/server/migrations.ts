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
  {
    id: 3,
    name: 'store_checkins: a batch of check-ins stored in one statement (group commit)',
    sql: `
-- Many check-ins in one round trip and one transaction, as store_checkin stores one: p_batch is a
-- JSON array of {key, id, received, collected, context, name, domain, device_id, unidentified,
-- join_type, verdict, phase, codes, code_names, funnel, diagnosis, inputs}. Returns, in the order of
-- the array, whether each was stored (false: this (device, content) was stored before, or earlier
-- in the batch). Devices are taken in key order (their locks in one order); the counters, code names
-- and days are summed over the batch and written once at the end, in (dim, value) order, so that
-- concurrent batches wait on each other at most and a million check-ins move each counter row once
-- a batch rather than once a check-in.
CREATE FUNCTION store_checkins(p_batch jsonb, p_shard smallint) RETURNS boolean[] LANGUAGE plpgsql AS $fn$
DECLARE
  c record;
  old devices%ROWTYPE;
  gone devices%ROWTYPE;
  has_old boolean;
  has_gone boolean;
  alias text;
  x text;
  stored boolean[];
  d_dim text[] := '{}';
  d_val text[] := '{}';
  d_n integer[] := '{}';
  nd integer := 0;
  k_hex text[] := '{}';
  k_name text[] := '{}';
  nk integer := 0;
  t_day date[] := '{}';
  t_failed integer[] := '{}';
  nt integer := 0;
BEGIN
  stored := array_fill(false, ARRAY[jsonb_array_length(p_batch)]);
  FOR c IN
    SELECT o.i, r.key, r.id, r.received, r.collected, r.context, r.name, r.domain, r.device_id,
           COALESCE(r.unidentified, false) AS unidentified, r.join_type, r.verdict, r.phase,
           COALESCE(r.codes, '{}') AS codes, COALESCE(r.code_names, '{}') AS code_names, r.funnel,
           o.e -> 'diagnosis' AS diagnosis, o.e -> 'inputs' AS inputs
    FROM jsonb_array_elements(p_batch) WITH ORDINALITY AS o(e, i),
         jsonb_to_record(o.e) AS r(key text, id text, received timestamptz, collected timestamptz,
           context text, name text, domain text, device_id text, unidentified boolean, join_type text,
           verdict text, phase text, codes text[], code_names text[], funnel text)
    ORDER BY r.key COLLATE "C", o.i
  LOOP
    PERFORM pg_advisory_xact_lock(hashtext(c.key));
    INSERT INTO checkin_ids (device_key, id, received_at) VALUES (c.key, c.id, c.received)
      ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
      CONTINUE;
    END IF;
    stored[c.i] := true;
    has_gone := false;
    -- A device known by its name until it joined moves to its DeviceId (as in store_checkin).
    IF c.device_id IS NOT NULL AND c.name IS NOT NULL THEN
      alias := lower(c.name || COALESCE('@' || c.domain, ''));
      IF alias <> c.key THEN
        PERFORM pg_advisory_xact_lock(hashtext(alias));
        DELETE FROM devices WHERE key = alias RETURNING * INTO gone;
        IF FOUND THEN
          has_gone := true;
          UPDATE checkins SET device_key = c.key WHERE device_key = alias;
          UPDATE checkin_ids SET device_key = c.key WHERE device_key = alias;
        END IF;
      END IF;
    END IF;
    SELECT * INTO old FROM devices WHERE key = c.key;
    has_old := FOUND;
    INSERT INTO devices (key, name, domain, device_id, name_lc, unidentified, join_type, verdict, phase,
                         codes, funnel, last_checkin, last_checkin_id, diagnosis)
    VALUES (c.key, c.name, c.domain, c.device_id, lower(c.name), c.unidentified, c.join_type, c.verdict,
            c.phase, c.codes, c.funnel, c.received, c.id, c.diagnosis)
    ON CONFLICT (key) DO UPDATE SET
      name = COALESCE(EXCLUDED.name, devices.name), domain = COALESCE(EXCLUDED.domain, devices.domain),
      device_id = COALESCE(EXCLUDED.device_id, devices.device_id),
      name_lc = COALESCE(EXCLUDED.name_lc, devices.name_lc),
      unidentified = EXCLUDED.unidentified, join_type = EXCLUDED.join_type, verdict = EXCLUDED.verdict,
      phase = EXCLUDED.phase, codes = EXCLUDED.codes, funnel = EXCLUDED.funnel,
      last_checkin = EXCLUDED.last_checkin, last_checkin_id = EXCLUDED.last_checkin_id,
      checkins = devices.checkins + 1, diagnosis = EXCLUDED.diagnosis;
    IF has_gone THEN
      UPDATE devices SET checkins = checkins + gone.checkins WHERE key = c.key;
    END IF;
    INSERT INTO checkins (id, device_key, received_at, collected_at, context, verdict, phase, codes, inputs)
    VALUES (c.id, c.key, c.received, c.collected, c.context, c.verdict, c.phase, c.codes, c.inputs);
    FOR k IN 1 .. cardinality(c.codes) LOOP
      IF NOT has_old OR NOT (c.codes[k] = ANY (old.codes)) THEN
        nk := nk + 1;
        k_hex[nk] := c.codes[k];
        k_name[nk] := c.code_names[k];
      END IF;
    END LOOP;
    -- The counters move from the old state (and the merged alias's) to the new one.
    IF has_old THEN
      nd := nd + 1; d_dim[nd] := 'verdict'; d_val[nd] := old.verdict; d_n[nd] := -1;
      nd := nd + 1; d_dim[nd] := 'joinType'; d_val[nd] := old.join_type; d_n[nd] := -1;
      nd := nd + 1; d_dim[nd] := 'phase'; d_val[nd] := COALESCE(old.phase, 'none'); d_n[nd] := -1;
      IF old.funnel IS NOT NULL THEN
        nd := nd + 1; d_dim[nd] := 'funnel'; d_val[nd] := old.funnel; d_n[nd] := -1;
      END IF;
      FOREACH x IN ARRAY old.codes LOOP
        nd := nd + 1; d_dim[nd] := 'code'; d_val[nd] := x; d_n[nd] := -1;
      END LOOP;
    END IF;
    IF has_gone THEN
      nd := nd + 1; d_dim[nd] := 'verdict'; d_val[nd] := gone.verdict; d_n[nd] := -1;
      nd := nd + 1; d_dim[nd] := 'joinType'; d_val[nd] := gone.join_type; d_n[nd] := -1;
      nd := nd + 1; d_dim[nd] := 'phase'; d_val[nd] := COALESCE(gone.phase, 'none'); d_n[nd] := -1;
      IF gone.funnel IS NOT NULL THEN
        nd := nd + 1; d_dim[nd] := 'funnel'; d_val[nd] := gone.funnel; d_n[nd] := -1;
      END IF;
      FOREACH x IN ARRAY gone.codes LOOP
        nd := nd + 1; d_dim[nd] := 'code'; d_val[nd] := x; d_n[nd] := -1;
      END LOOP;
    END IF;
    nd := nd + 1; d_dim[nd] := 'verdict'; d_val[nd] := c.verdict; d_n[nd] := 1;
    nd := nd + 1; d_dim[nd] := 'joinType'; d_val[nd] := c.join_type; d_n[nd] := 1;
    nd := nd + 1; d_dim[nd] := 'phase'; d_val[nd] := COALESCE(c.phase, 'none'); d_n[nd] := 1;
    IF c.funnel IS NOT NULL THEN
      nd := nd + 1; d_dim[nd] := 'funnel'; d_val[nd] := c.funnel; d_n[nd] := 1;
    END IF;
    FOREACH x IN ARRAY c.codes LOOP
      nd := nd + 1; d_dim[nd] := 'code'; d_val[nd] := x; d_n[nd] := 1;
    END LOOP;
    nt := nt + 1;
    t_day[nt] := (c.received AT TIME ZONE 'UTC')::date;
    t_failed[nt] := CASE WHEN c.verdict = 'failed' THEN 1 ELSE 0 END;
  END LOOP;
  INSERT INTO code_names (hex, name)
    SELECT hex, max(name) FROM unnest(k_hex, k_name) AS k(hex, name) GROUP BY hex ORDER BY hex
  ON CONFLICT (hex) DO UPDATE SET name = EXCLUDED.name
    WHERE code_names.name IS NULL AND EXCLUDED.name IS NOT NULL;
  INSERT INTO fleet_counts (dim, value, shard, n)
    SELECT dim, value, p_shard, sum(n) FROM unnest(d_dim, d_val, d_n) AS d(dim, value, n)
    GROUP BY dim, value HAVING sum(n) <> 0 ORDER BY dim, value
  ON CONFLICT (dim, value, shard) DO UPDATE SET n = fleet_counts.n + EXCLUDED.n;
  INSERT INTO fleet_days (day, shard, checkins, failed)
    SELECT day, p_shard, count(*), sum(failed) FROM unnest(t_day, t_failed) AS t(day, failed)
    GROUP BY day ORDER BY day
  ON CONFLICT (day, shard) DO UPDATE SET checkins = fleet_days.checkins + EXCLUDED.checkins,
    failed = fleet_days.failed + EXCLUDED.failed;
  RETURN stored;
END
$fn$;
`,
  },
  {
    id: 4,
    name: 'store_checkins with the inputs and the diagnosis as bytes, the diagnosis kept as text, lz4 where the server has it',
    sql: `
-- Reading JSON was most of PostgreSQL's work per check-in (it reads JSON strings a character at a
-- time): the large texts of a batch now come as one bytea parameter, sent in binary, and are
-- copied, not read as JSON.
--
-- The latest diagnosis is kept as the JSON text the server wrote (the server reads it back whole);
-- the two parts of it that the reconciliation reads get their own columns: the device facts and
-- the finding ids. A row written by an older server has them NULL (the reconciliation then reads
-- them from the text).
ALTER TABLE devices ADD COLUMN facts jsonb, ADD COLUMN finding_ids text[];
UPDATE devices SET facts = COALESCE(diagnosis -> 'device', 'null'),
  finding_ids = ARRAY(SELECT f ->> 'id' FROM jsonb_array_elements(diagnosis -> 'findings') AS f);
ALTER TABLE devices ALTER COLUMN diagnosis TYPE text USING diagnosis::text;

-- As store_checkins(jsonb, smallint) of migration 3 (which stays for servers not yet upgraded),
-- with the large texts in p_bytes: each element of p_batch gives its diagnosis as diagnosis_at and
-- diagnosis_len, and its inputs as {name, field, at, len}, an input's value being the UTF-8 of
-- bytes [at, at + len) of p_bytes, stored under "field" ("text", "base64" or "omitted"); and the
-- device facts (facts) and finding ids (finding_ids) of the diagnosis.
CREATE FUNCTION store_checkins(p_batch jsonb, p_shard smallint, p_bytes bytea) RETURNS boolean[]
LANGUAGE plpgsql AS $fn$
DECLARE
  c record;
  old devices%ROWTYPE;
  gone devices%ROWTYPE;
  has_old boolean;
  has_gone boolean;
  alias text;
  x text;
  stored boolean[];
  d_dim text[] := '{}';
  d_val text[] := '{}';
  d_n integer[] := '{}';
  nd integer := 0;
  k_hex text[] := '{}';
  k_name text[] := '{}';
  nk integer := 0;
  t_day date[] := '{}';
  t_failed integer[] := '{}';
  nt integer := 0;
BEGIN
  stored := array_fill(false, ARRAY[jsonb_array_length(p_batch)]);
  FOR c IN
    SELECT o.i, r.key, r.id, r.received, r.collected, r.context, r.name, r.domain, r.device_id,
           COALESCE(r.unidentified, false) AS unidentified, r.join_type, r.verdict, r.phase,
           COALESCE(r.codes, '{}') AS codes, COALESCE(r.code_names, '{}') AS code_names, r.funnel,
           convert_from(substring(p_bytes FROM r.diagnosis_at + 1 FOR r.diagnosis_len), 'UTF8') AS diagnosis,
           o.e -> 'facts' AS facts, COALESCE(r.finding_ids, '{}') AS finding_ids,
           (SELECT COALESCE(jsonb_agg(jsonb_build_object('name', inp.name, inp.field,
                      convert_from(substring(p_bytes FROM inp.at + 1 FOR inp.len), 'UTF8')) ORDER BY inp.n), '[]')
            FROM ROWS FROM (jsonb_to_recordset(o.e -> 'inputs') AS (name text, field text, at integer, len integer))
                 WITH ORDINALITY AS inp(name, field, at, len, n)) AS inputs
    FROM jsonb_array_elements(p_batch) WITH ORDINALITY AS o(e, i),
         jsonb_to_record(o.e) AS r(key text, id text, received timestamptz, collected timestamptz,
           context text, name text, domain text, device_id text, unidentified boolean, join_type text,
           verdict text, phase text, codes text[], code_names text[], funnel text, finding_ids text[],
           diagnosis_at integer, diagnosis_len integer)
    ORDER BY r.key COLLATE "C", o.i
  LOOP
    PERFORM pg_advisory_xact_lock(hashtext(c.key));
    INSERT INTO checkin_ids (device_key, id, received_at) VALUES (c.key, c.id, c.received)
      ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
      CONTINUE;
    END IF;
    stored[c.i] := true;
    has_gone := false;
    -- A device known by its name until it joined moves to its DeviceId (as in store_checkin).
    IF c.device_id IS NOT NULL AND c.name IS NOT NULL THEN
      alias := lower(c.name || COALESCE('@' || c.domain, ''));
      IF alias <> c.key THEN
        PERFORM pg_advisory_xact_lock(hashtext(alias));
        DELETE FROM devices WHERE key = alias RETURNING * INTO gone;
        IF FOUND THEN
          has_gone := true;
          UPDATE checkins SET device_key = c.key WHERE device_key = alias;
          UPDATE checkin_ids SET device_key = c.key WHERE device_key = alias;
        END IF;
      END IF;
    END IF;
    SELECT * INTO old FROM devices WHERE key = c.key;
    has_old := FOUND;
    INSERT INTO devices (key, name, domain, device_id, name_lc, unidentified, join_type, verdict, phase,
                         codes, funnel, last_checkin, last_checkin_id, diagnosis, facts, finding_ids)
    VALUES (c.key, c.name, c.domain, c.device_id, lower(c.name), c.unidentified, c.join_type, c.verdict,
            c.phase, c.codes, c.funnel, c.received, c.id, c.diagnosis, c.facts, c.finding_ids)
    ON CONFLICT (key) DO UPDATE SET
      name = COALESCE(EXCLUDED.name, devices.name), domain = COALESCE(EXCLUDED.domain, devices.domain),
      device_id = COALESCE(EXCLUDED.device_id, devices.device_id),
      name_lc = COALESCE(EXCLUDED.name_lc, devices.name_lc),
      unidentified = EXCLUDED.unidentified, join_type = EXCLUDED.join_type, verdict = EXCLUDED.verdict,
      phase = EXCLUDED.phase, codes = EXCLUDED.codes, funnel = EXCLUDED.funnel,
      last_checkin = EXCLUDED.last_checkin, last_checkin_id = EXCLUDED.last_checkin_id,
      checkins = devices.checkins + 1, diagnosis = EXCLUDED.diagnosis, facts = EXCLUDED.facts,
      finding_ids = EXCLUDED.finding_ids;
    IF has_gone THEN
      UPDATE devices SET checkins = checkins + gone.checkins WHERE key = c.key;
    END IF;
    INSERT INTO checkins (id, device_key, received_at, collected_at, context, verdict, phase, codes, inputs)
    VALUES (c.id, c.key, c.received, c.collected, c.context, c.verdict, c.phase, c.codes, c.inputs);
    FOR k IN 1 .. cardinality(c.codes) LOOP
      IF NOT has_old OR NOT (c.codes[k] = ANY (old.codes)) THEN
        nk := nk + 1;
        k_hex[nk] := c.codes[k];
        k_name[nk] := c.code_names[k];
      END IF;
    END LOOP;
    -- The counters move from the old state (and the merged alias's) to the new one.
    IF has_old THEN
      nd := nd + 1; d_dim[nd] := 'verdict'; d_val[nd] := old.verdict; d_n[nd] := -1;
      nd := nd + 1; d_dim[nd] := 'joinType'; d_val[nd] := old.join_type; d_n[nd] := -1;
      nd := nd + 1; d_dim[nd] := 'phase'; d_val[nd] := COALESCE(old.phase, 'none'); d_n[nd] := -1;
      IF old.funnel IS NOT NULL THEN
        nd := nd + 1; d_dim[nd] := 'funnel'; d_val[nd] := old.funnel; d_n[nd] := -1;
      END IF;
      FOREACH x IN ARRAY old.codes LOOP
        nd := nd + 1; d_dim[nd] := 'code'; d_val[nd] := x; d_n[nd] := -1;
      END LOOP;
    END IF;
    IF has_gone THEN
      nd := nd + 1; d_dim[nd] := 'verdict'; d_val[nd] := gone.verdict; d_n[nd] := -1;
      nd := nd + 1; d_dim[nd] := 'joinType'; d_val[nd] := gone.join_type; d_n[nd] := -1;
      nd := nd + 1; d_dim[nd] := 'phase'; d_val[nd] := COALESCE(gone.phase, 'none'); d_n[nd] := -1;
      IF gone.funnel IS NOT NULL THEN
        nd := nd + 1; d_dim[nd] := 'funnel'; d_val[nd] := gone.funnel; d_n[nd] := -1;
      END IF;
      FOREACH x IN ARRAY gone.codes LOOP
        nd := nd + 1; d_dim[nd] := 'code'; d_val[nd] := x; d_n[nd] := -1;
      END LOOP;
    END IF;
    nd := nd + 1; d_dim[nd] := 'verdict'; d_val[nd] := c.verdict; d_n[nd] := 1;
    nd := nd + 1; d_dim[nd] := 'joinType'; d_val[nd] := c.join_type; d_n[nd] := 1;
    nd := nd + 1; d_dim[nd] := 'phase'; d_val[nd] := COALESCE(c.phase, 'none'); d_n[nd] := 1;
    IF c.funnel IS NOT NULL THEN
      nd := nd + 1; d_dim[nd] := 'funnel'; d_val[nd] := c.funnel; d_n[nd] := 1;
    END IF;
    FOREACH x IN ARRAY c.codes LOOP
      nd := nd + 1; d_dim[nd] := 'code'; d_val[nd] := x; d_n[nd] := 1;
    END LOOP;
    nt := nt + 1;
    t_day[nt] := (c.received AT TIME ZONE 'UTC')::date;
    t_failed[nt] := CASE WHEN c.verdict = 'failed' THEN 1 ELSE 0 END;
  END LOOP;
  INSERT INTO code_names (hex, name)
    SELECT hex, max(name) FROM unnest(k_hex, k_name) AS k(hex, name) GROUP BY hex ORDER BY hex
  ON CONFLICT (hex) DO UPDATE SET name = EXCLUDED.name
    WHERE code_names.name IS NULL AND EXCLUDED.name IS NOT NULL;
  INSERT INTO fleet_counts (dim, value, shard, n)
    SELECT dim, value, p_shard, sum(n) FROM unnest(d_dim, d_val, d_n) AS d(dim, value, n)
    GROUP BY dim, value HAVING sum(n) <> 0 ORDER BY dim, value
  ON CONFLICT (dim, value, shard) DO UPDATE SET n = fleet_counts.n + EXCLUDED.n;
  INSERT INTO fleet_days (day, shard, checkins, failed)
    SELECT day, p_shard, count(*), sum(failed) FROM unnest(t_day, t_failed) AS t(day, failed)
    GROUP BY day ORDER BY day
  ON CONFLICT (day, shard) DO UPDATE SET checkins = fleet_days.checkins + EXCLUDED.checkins,
    failed = fleet_days.failed + EXCLUDED.failed;
  RETURN stored;
END
$fn$;

-- lz4 compresses the stored diagnoses and inputs for a fraction of the CPU of the default (pglz).
-- A server built without lz4 (the embedded one) keeps pglz.
DO $do$
BEGIN
  ALTER TABLE devices ALTER COLUMN diagnosis SET COMPRESSION lz4;
  ALTER TABLE checkins ALTER COLUMN inputs SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  NULL;
END
$do$;
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
