// The one place where the server calls the core's reconciliation (src/reconcile: a pure function
// from the Entra and AD exports and every device's latest diagnosis to device states). The server
// is an edge: it reads the stored imports and the latest diagnoses, and passes the clock in.
//
// Cost: the devices are read a page at a time by key, and only the fields a reconciliation reads
// (verdict, join type, phase, the finding ids, the device facts), never whole diagnoses; the answer
// is computed once and kept until an import arrives, a device checks in (the newest check-in time
// or the device count moves), or a minute passes. Repeated reads between changes cost one small
// query; a recomputation costs one pass over the devices and the imports.
import { readExport, reconcile, reportOf } from '../reconcile/index.js';
import type { AdComputer, DeviceReport, EntraDevice, InputSummary } from '../reconcile/types.js';
import type { Diagnosis } from '../types.js';
import { InputError } from '../types.js';
import type { Queryable } from './db.js';
import { getImports, type StoredImport } from './store.js';

export type ReconcileAnswer = { ok: true; body: unknown } | { ok: false; status: number; error: string };

/** Devices read per query. */
const PAGE = 5000;

/** The fields of the latest diagnoses a reconciliation reads, a page at a time in key order. */
export async function* deviceReports(db: Queryable, page = PAGE): AsyncGenerator<DeviceReport> {
  let after = '';
  for (;;) {
    const rows = await db.query<{
      key: string;
      verdict: Diagnosis['verdict'];
      join_type: Diagnosis['joinType'];
      phase: Diagnosis['phase'];
      device: Diagnosis['device'] | null;
      finding_ids: string[] | null;
    }>(
      // The facts and finding ids have their own columns; a row an older server wrote has them only
      // in the diagnosis (COALESCE reads that only then).
      `SELECT key, verdict, join_type, phase, COALESCE(facts, diagnosis::jsonb -> 'device') AS device,
              COALESCE(finding_ids,
                ARRAY(SELECT f ->> 'id' FROM jsonb_array_elements(diagnosis::jsonb -> 'findings') AS f)) AS finding_ids
       FROM devices WHERE key > $1 ORDER BY key LIMIT $2`,
      [after, page],
    );
    for (const r of rows) {
      // What reportOf reads of a diagnosis, and nothing more.
      const d = {
        verdict: r.verdict,
        joinType: r.join_type,
        phase: r.phase,
        findings: (r.finding_ids ?? []).map((id) => ({ id })),
        ...(r.device ? { device: r.device } : {}),
      } as unknown as Diagnosis;
      yield reportOf(d, `device ${r.key}`);
    }
    if (rows.length < page) return;
    after = rows[rows.length - 1]!.key;
  }
}

export async function reconciliation(
  db: Queryable,
  imports: readonly StoredImport[],
  now: () => Date = () => new Date(),
): Promise<ReconcileAnswer> {
  if (imports.length === 0) {
    return {
      ok: false,
      status: 404,
      error: 'no Entra device export or AD computer export imported yet (POST /api/v1/imports)',
    };
  }
  const entra: EntraDevice[] = [];
  const ad: AdComputer[] = [];
  const inputs: InputSummary[] = [];
  for (const imp of imports) {
    const name = imp.name ?? `${imp.kind} import`;
    try {
      const rows = readExport(imp.content, name);
      for (const row of rows.entra) entra.push(row);
      for (const row of rows.ad) ad.push(row);
      inputs.push(rows.summary);
    } catch (err) {
      if (err instanceof InputError) return { ok: false, status: 422, error: err.message };
      throw err;
    }
  }
  const diagnoses: DeviceReport[] = [];
  for await (const report of deviceReports(db)) diagnoses.push(report);
  return { ok: true, body: reconcile({ entra, ad, diagnoses, inputs }, { now: now().toISOString() }) };
}

/** How long a computed reconciliation is served when nothing changed (its "now" moves on). */
const MAX_AGE_MS = 60_000;

/**
 * The latest reconciliation, recomputed only when its inputs moved: the imports (their times), the
 * devices (newest check-in, count). Several servers on one database each see the others' changes
 * through the same signature.
 */
export class ReconciliationCache {
  private cached: { signature: string; at: number; answer: ReconcileAnswer } | undefined;
  private running: Promise<ReconcileAnswer> | undefined;

  constructor(
    private readonly db: Queryable,
    private readonly now: () => Date,
  ) {}

  invalidate(): void {
    this.cached = undefined;
  }

  async get(): Promise<ReconcileAnswer> {
    const signature = await this.signature();
    const at = this.now().getTime();
    const c = this.cached;
    if (c && c.signature === signature && at - c.at < MAX_AGE_MS && at >= c.at) return c.answer;
    // One computation at a time: concurrent readers share it.
    this.running ??= (async () => {
      try {
        const answer = await reconciliation(this.db, await getImports(this.db), this.now);
        this.cached = { signature, at, answer };
        return answer;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async signature(): Promise<string> {
    const [row] = await this.db.query<{ s: string | null }>(
      `SELECT concat_ws('|',
         (SELECT string_agg(kind || '@' || received_at::text, ',' ORDER BY kind) FROM imports),
         (SELECT max(last_checkin)::text FROM devices),
         (SELECT sum(n)::text FROM fleet_counts WHERE dim = 'verdict')) AS s`,
    );
    return row?.s ?? '';
  }
}
