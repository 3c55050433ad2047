// Storage: every query the server runs, the same SQL on PGlite and PostgreSQL. No judgement here:
// verdicts, phases and codes come from the core's diagnosis, the store only files and counts them.
import { createHash, randomInt } from 'node:crypto';
import type { Diagnosis } from '../types.js';
import type { Db, Queryable } from './db.js';
import type { DeviceCheckin } from './diagnose.js';
import { COUNTER_SHARDS, LOCKS } from './migrations.js';

/** A stored input: text as text, anything else (a binary .evtx) as base64, or why it was left out. */
export interface StoredInput {
  name: string;
  text?: string;
  base64?: string;
  omitted?: string;
}

export interface CheckinMeta {
  receivedAt: Date;
  collectedAt?: string;
  context?: 'system' | 'user';
  inputs: StoredInput[];
}

export interface StoredCheckin {
  id: string;
  duplicate: boolean;
}

/** The furthest step of hybrid join a domain-joined device has reached, for the funnel. */
export type FunnelStep = 'domain-joined' | 'scp-read' | 'registered' | 'prt';
export const FUNNEL: readonly FunnelStep[] = ['domain-joined', 'scp-read', 'registered', 'prt'];

/**
 * Where the diagnosis places the device on the join funnel: read from its facts only (domain
 * joined, Entra joined, PRT) and from the phase the core named; undefined for a device that is not
 * domain joined (Entra joined or registered devices do not take this road).
 */
export function funnelStep(d: Diagnosis): FunnelStep | undefined {
  const domainJoined = d.device?.domainJoined ?? (d.joinType === 'hybrid' || d.joinType === 'domain-joined');
  if (!domainJoined) return undefined;
  const registered = d.device?.azureAdJoined ?? d.joinType === 'hybrid';
  if (registered) return d.prt?.azureAdPrt === true ? 'prt' : 'registered';
  // Past discovery (the SCP was read) when the join failed later, in authentication or join.
  if (d.phase === 'auth' || d.phase === 'join') return 'scp-read';
  return 'domain-joined';
}

const codesOf = (d: Diagnosis) => {
  const map = new Map<string, string | undefined>();
  for (const f of d.findings) for (const c of f.codes) if (!map.has(c.hex)) map.set(c.hex, c.name);
  return map;
};

export function checkinId(key: string, contentHash: string): string {
  return createHash('sha256').update(`${key}\n${contentHash}`).digest('hex').slice(0, 32);
}

const dayOf = (t: Date) => t.toISOString().slice(0, 10);

/** Creates the history partition of each day once (under a lock: several servers may try at once). */
export class Partitions {
  private readonly known = new Set<string>();
  constructor(private readonly db: Db) {}

  async ensure(t: Date): Promise<void> {
    const day = dayOf(t);
    if (this.known.has(day)) return;
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    await this.db.withLock(LOCKS.partitions, (c) =>
      c.exec(
        `CREATE TABLE IF NOT EXISTS checkins_${day.replace(/-/g, '')} PARTITION OF checkins ` +
          `FOR VALUES FROM ('${day}T00:00:00Z') TO ('${next}T00:00:00Z')`,
      ),
    );
    this.known.add(day);
  }

  forget(day: string): void {
    this.known.delete(day);
  }
}

/** One device's check-in as store_checkins reads it (one element of its JSON array). */
function batchItem(c: DeviceCheckin, meta: CheckinMeta, id: string) {
  const d = c.diagnosis;
  const codes = codesOf(d);
  const codeList = [...codes.keys()];
  return {
    key: c.key,
    id,
    received: meta.receivedAt.toISOString(),
    collected: meta.collectedAt ?? null,
    context: meta.context ?? null,
    name: c.name ?? null,
    domain: c.domain ?? null,
    device_id: c.deviceId ?? null,
    unidentified: c.unidentified,
    join_type: d.joinType,
    verdict: d.verdict,
    phase: d.phase,
    codes: codeList,
    code_names: codeList.map((code) => codes.get(code) ?? null),
    funnel: funnelStep(d) ?? null,
    // What the reconciliation reads of the diagnosis, in columns of their own.
    facts: d.device ?? null,
    finding_ids: d.findings.map((f) => f.id),
    diagnosis: d,
    inputs: meta.inputs,
  };
}

type BatchItem = ReturnType<typeof batchItem>;

/**
 * The batch as store_checkins (migration 4) takes it: the diagnosis (as JSON) and each input's value
 * (its text, base64 or why it was left out) move from the JSON into one run of bytes, each named by
 * its place in them, so that PostgreSQL copies these texts rather than reading them as JSON.
 */
export function batchInputs(batch: readonly BatchItem[]): { items: unknown[]; bytes: Buffer } {
  const parts: Buffer[] = [];
  let at = 0;
  const place = (text: string) => {
    const b = Buffer.from(text, 'utf8');
    parts.push(b);
    at += b.length;
    return { at: at - b.length, len: b.length };
  };
  const items = batch.map(({ diagnosis, ...item }) => {
    const d = place(JSON.stringify(diagnosis));
    return { ...item, diagnosis_at: d.at, diagnosis_len: d.len, inputs: inputRefs(item.inputs, place) };
  });
  return { items, bytes: Buffer.concat(parts, at) };
}

function inputRefs(inputs: readonly StoredInput[], place: (text: string) => { at: number; len: number }) {
  return inputs.map((input) => {
    const [field, value] =
      input.text !== undefined
        ? ['text', input.text]
        : input.base64 !== undefined
          ? ['base64', input.base64]
          : ['omitted', input.omitted ?? ''];
    return { name: input.name, field, ...place(value) };
  });
}

interface Pending {
  item: BatchItem;
  day: Date;
  done: (stored: StoredCheckin) => void;
  failed: (err: unknown) => void;
}

/** PostgreSQL's code for a transaction it chose to end to break a deadlock. */
const DEADLOCK = '40P01';

/**
 * Group commit: check-ins wait here for the next batch, and each batch is stored in one statement
 * (store_checkins of migration 4) and one transaction. A batch starts as soon as one of
 * `concurrency` slots is free, so a lone check-in waits for nothing, and under load the batches
 * grow to what arrived meanwhile (at most `maxBatch`). Idempotency is the database's (checkin_ids),
 * as for one check-in.
 */
export class CheckinWriter {
  private queue: Pending[] = [];
  private running = 0;
  private scheduled = false;
  private readonly concurrency: number;
  private readonly maxBatch: number;

  constructor(
    private readonly db: Db,
    private readonly partitions: Partitions,
    options: { concurrency?: number; maxBatch?: number } = {},
  ) {
    this.concurrency = options.concurrency ?? (db.kind === 'postgres' ? 2 : 1);
    this.maxBatch = options.maxBatch ?? 256;
  }

  store(c: DeviceCheckin, meta: CheckinMeta): Promise<StoredCheckin> {
    const id = checkinId(c.key, c.contentHash);
    return new Promise((done, failed) => {
      this.queue.push({ item: batchItem(c, meta, id), day: meta.receivedAt, done, failed });
      this.kick();
    });
  }

  private kick(): void {
    if (this.scheduled || this.running >= this.concurrency || this.queue.length === 0) return;
    this.scheduled = true;
    // After the current turn of the event loop: the check-ins that arrived in it share the batch.
    setImmediate(() => {
      this.scheduled = false;
      if (this.running >= this.concurrency || this.queue.length === 0) return;
      const batch = this.queue.splice(0, this.maxBatch);
      this.running++;
      void this.write(batch).finally(() => {
        this.running--;
        this.kick();
      });
      this.kick();
    });
  }

  private async write(batch: Pending[], attempt = 0): Promise<void> {
    try {
      const days = new Map(batch.map((p) => [p.day.toISOString().slice(0, 10), p.day]));
      for (const day of days.values()) await this.partitions.ensure(day);
      const { items, bytes } = batchInputs(batch.map((p) => p.item));
      const [row] = await this.db.query<{ stored: boolean[] }>(
        'SELECT store_checkins($1::jsonb, $2::smallint, $3::bytea) AS stored',
        [JSON.stringify(items), randomInt(COUNTER_SHARDS), bytes],
      );
      for (const [i, p] of batch.entries()) p.done({ id: p.item.id, duplicate: row?.stored[i] !== true });
    } catch (err) {
      if ((err as { code?: string }).code === DEADLOCK && attempt < 3) return this.write(batch, attempt + 1);
      // One bad check-in must not fail the others: store them one by one.
      if (batch.length > 1) {
        for (const p of batch) await this.write([p], attempt);
        return;
      }
      for (const p of batch) p.failed(err);
    }
  }
}

// --- Reading --------------------------------------------------------------------------------

export interface Summary {
  devices: number;
  verdicts: Record<string, number>;
  joinTypes: Record<string, number>;
  phases: Record<string, number>;
  topCodes: { hex: string; name?: string; devices: number }[];
  checkinsByDay: { day: string; checkins: number; failed: number }[];
  /** Domain-joined devices at each step of hybrid join and how many stopped before the next. */
  funnel: { step: FunnelStep; devices: number; lost: number }[];
}

type Counts = { dim: string; value: string; n: number }[];
type TopCodes = { hex: string; name: string | null; n: number }[];
type ByDay = { day: string; checkins: number; failed: number }[];

export async function summary(db: Queryable, now: Date, days = 30): Promise<Summary> {
  const since = dayOf(new Date(now.getTime() - (days - 1) * 86_400_000));
  // One statement, one round trip: on a busy machine each round trip waits for a core.
  const [row] = await db.query<{ counts: Counts | null; top: TopCodes | null; by_day: ByDay | null }>(
    `SELECT
       (SELECT json_agg(x) FROM (SELECT dim, value, sum(n)::int AS n FROM fleet_counts WHERE dim <> 'code'
          GROUP BY dim, value HAVING sum(n) <> 0) AS x) AS counts,
       (SELECT json_agg(x ORDER BY x.n DESC, x.hex) FROM (SELECT c.value AS hex, k.name, sum(c.n)::int AS n
          FROM fleet_counts c LEFT JOIN code_names k ON k.hex = c.value
          WHERE c.dim = 'code' GROUP BY c.value, k.name HAVING sum(c.n) > 0 ORDER BY n DESC, hex LIMIT 10) AS x) AS top,
       (SELECT json_agg(x ORDER BY x.day) FROM (SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(checkins)::int AS checkins,
          sum(failed)::int AS failed FROM fleet_days WHERE day >= $1::date GROUP BY day) AS x) AS by_day`,
    [since],
  );
  const counts = row?.counts ?? [];
  const top = row?.top ?? [];
  const byDay = row?.by_day ?? [];
  const pick = (dim: string) =>
    Object.fromEntries(counts.filter((r) => r.dim === dim).map((r) => [r.value, Number(r.n)]));
  const verdicts = pick('verdict');
  const reached = pick('funnel');
  // A device counted at its furthest step has passed every step before it.
  let atOrPast = 0;
  const cumulative = new Map<FunnelStep, number>();
  for (const step of [...FUNNEL].reverse()) {
    atOrPast += reached[step] ?? 0;
    cumulative.set(step, atOrPast);
  }
  return {
    devices: Object.values(verdicts).reduce((a, b) => a + b, 0),
    verdicts,
    joinTypes: pick('joinType'),
    phases: pick('phase'),
    topCodes: top.map((r) =>
      r.name ? { hex: r.hex, name: r.name, devices: r.n } : { hex: r.hex, devices: r.n },
    ),
    checkinsByDay: byDay.map((r) => ({ day: r.day, checkins: Number(r.checkins), failed: Number(r.failed) })),
    funnel: FUNNEL.map((step, i) => {
      const here = cumulative.get(step) ?? 0;
      const next = i + 1 < FUNNEL.length ? (cumulative.get(FUNNEL[i + 1]!) ?? 0) : here;
      return { step, devices: here, lost: here - next };
    }),
  };
}

export interface DeviceFilters {
  verdict?: string;
  phase?: string;
  joinType?: string;
  code?: string;
  q?: string;
}

export interface DeviceRow {
  key: string;
  name: string | null;
  domain: string | null;
  deviceId: string | null;
  joinType: string;
  verdict: string;
  phase: string | null;
  codes: string[];
  lastCheckin: string;
  unidentified: boolean;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

function toRow(r: Record<string, unknown>): DeviceRow {
  return {
    key: r.key as string,
    name: (r.name as string | null) ?? null,
    domain: (r.domain as string | null) ?? null,
    deviceId: (r.device_id as string | null) ?? null,
    joinType: r.join_type as string,
    verdict: r.verdict as string,
    phase: (r.phase as string | null) ?? null,
    codes: (r.codes as string[]) ?? [],
    lastCheckin: iso(r.last_checkin),
    unidentified: Boolean(r.unidentified),
  };
}

export function encodeCursor(row: DeviceRow): string {
  return Buffer.from(JSON.stringify([row.lastCheckin, row.key])).toString('base64url');
}

export function decodeCursor(cursor: string): [string, string] | undefined {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') {
      if (!Number.isNaN(Date.parse(v[0]))) return [v[0], v[1]];
    }
  } catch {
    // fall through
  }
  return undefined;
}

/** One page of the device list, newest check-in first. `after` is a decoded cursor. */
export async function listDevices(
  db: Queryable,
  f: DeviceFilters,
  limit: number,
  after?: [string, string],
): Promise<{ devices: DeviceRow[]; next: string | null }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (f.verdict) where.push(`verdict = ${p(f.verdict)}`);
  if (f.joinType) where.push(`join_type = ${p(f.joinType)}`);
  if (f.phase) where.push(f.phase === 'none' ? 'phase IS NULL' : `phase = ${p(f.phase)}`);
  if (f.code) where.push(`codes @> ARRAY[${p(f.code.toLowerCase())}]::text[]`);
  if (f.q) {
    const q = f.q.trim().toLowerCase();
    // A name starts with the words searched (the index on name_lc serves it), or the DeviceId is it.
    where.push(
      `(name_lc >= ${p(q)} AND name_lc < ${p(`${q}\uffff`)} OR device_id = ${p(q)} OR key = ${p(q)})`,
    );
  }
  if (after) where.push(`(last_checkin, key) < (${p(after[0])}::timestamptz, ${p(after[1])})`);
  const rows = await db.query(
    `SELECT key, name, domain, device_id, join_type, verdict, phase, codes, last_checkin, unidentified
     FROM devices ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY last_checkin DESC, key DESC LIMIT ${p(limit + 1)}`,
    params,
  );
  const devices = rows.slice(0, limit).map(toRow);
  const next = rows.length > limit && devices.length > 0 ? encodeCursor(devices[devices.length - 1]!) : null;
  return { devices, next };
}

export interface DeviceRecord extends DeviceRow {
  checkins: number;
  diagnosis: Diagnosis;
  history: { id: string; receivedAt: string; verdict: string; phase: string | null; context?: string }[];
}

export async function getDevice(
  db: Queryable,
  key: string,
  historyLimit = 100,
): Promise<DeviceRecord | undefined> {
  // The device and its history in one statement (one round trip).
  const [row] = await db.query(
    `SELECT key, name, domain, device_id, join_type, verdict, phase, codes, last_checkin, unidentified,
            checkins, diagnosis,
            (SELECT json_agg(h ORDER BY h.received_at DESC, h.id DESC) FROM (
               SELECT id, received_at, verdict, phase, context FROM checkins WHERE device_key = $1
               ORDER BY received_at DESC, id DESC LIMIT $2) AS h) AS history
     FROM devices WHERE key = $1`,
    [key, historyLimit],
  );
  if (!row) return undefined;
  const history = (row.history ?? []) as {
    id: string;
    received_at: string;
    verdict: string;
    phase: string | null;
    context: string | null;
  }[];
  // Kept as the JSON text the server wrote (migration 4); a jsonb of older rows comes parsed.
  const diagnosis = (
    typeof row.diagnosis === 'string' ? JSON.parse(row.diagnosis) : row.diagnosis
  ) as Diagnosis;
  return {
    ...toRow(row),
    checkins: Number(row.checkins),
    diagnosis,
    history: history.map((h) => {
      const e: DeviceRecord['history'][number] = {
        id: h.id,
        receivedAt: iso(h.received_at),
        verdict: h.verdict,
        phase: h.phase,
      };
      if (h.context) e.context = h.context;
      return e;
    }),
  };
}

/** The inputs of one stored check-in of a device (undefined when unknown or dropped by retention). */
export async function getCheckinInputs(
  db: Queryable,
  key: string,
  id: string,
): Promise<StoredInput[] | undefined> {
  const [row] = await db.query<{ inputs: StoredInput[] }>(
    'SELECT inputs FROM checkins WHERE device_key = $1 AND id = $2 LIMIT 1',
    [key, id],
  );
  return row?.inputs;
}

// --- Retention ------------------------------------------------------------------------------

/**
 * Drops the history partitions wholly older than `days` days, and the bookkeeping of the same age.
 * The devices table (every device's latest check-in) is never touched. Returns the days dropped.
 */
export async function applyRetention(
  db: Db,
  partitions: Partitions,
  now: Date,
  days: number,
): Promise<string[]> {
  const cutoff = dayOf(new Date(now.getTime() - days * 86_400_000));
  const parts = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'checkins'::regclass`,
  );
  const dropped: string[] = [];
  for (const { name } of parts) {
    const m = /^checkins_(\d{4})(\d{2})(\d{2})$/.exec(name);
    if (!m) continue;
    const day = `${m[1]}-${m[2]}-${m[3]}`;
    if (day >= cutoff) continue;
    await db.withLock(LOCKS.partitions, (c) => c.exec(`DROP TABLE IF EXISTS ${name}`));
    partitions.forget(day);
    dropped.push(day);
  }
  await db.query('DELETE FROM checkin_ids WHERE received_at < $1::date', [cutoff]);
  await db.query('DELETE FROM fleet_days WHERE day < $1::date', [cutoff]);
  return dropped.sort();
}

// --- Imports --------------------------------------------------------------------------------

export type ImportKind = 'entra' | 'ad';

export async function putImport(
  db: Queryable,
  kind: ImportKind,
  name: string | null,
  contentType: string | null,
  content: Uint8Array,
  at: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO imports (kind, name, content_type, received_at, content) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (kind) DO UPDATE SET name = EXCLUDED.name, content_type = EXCLUDED.content_type,
       received_at = EXCLUDED.received_at, content = EXCLUDED.content
     WHERE imports.received_at <= EXCLUDED.received_at`,
    [kind, name, contentType, at, Buffer.from(content)],
  );
}

export interface StoredImport {
  kind: ImportKind;
  name: string | null;
  contentType: string | null;
  receivedAt: string;
  content: Uint8Array;
}

export async function getImports(db: Queryable): Promise<StoredImport[]> {
  const rows = await db.query<{
    kind: ImportKind;
    name: string | null;
    content_type: string | null;
    received_at: Date;
    content: Uint8Array;
  }>('SELECT kind, name, content_type, received_at, content FROM imports ORDER BY kind');
  return rows.map((r) => ({
    kind: r.kind,
    name: r.name,
    contentType: r.content_type,
    receivedAt: iso(r.received_at),
    content: new Uint8Array(r.content),
  }));
}
