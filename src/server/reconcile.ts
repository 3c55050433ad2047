// The one place where the server will call the core's reconciliation (src/reconcile, a pure
// function from the Entra and AD exports and every device's latest diagnosis to device states).
// Until that module lands, GET /api/v1/reconciliation answers 501 with a one-line JSON error.
import type { Queryable } from './db.js';
import type { StoredImport } from './store.js';

export type ReconcileAnswer = { ok: true; body: unknown } | { ok: false; status: number; error: string };

export async function reconciliation(
  _db: Queryable,
  imports: readonly StoredImport[],
): Promise<ReconcileAnswer> {
  void imports;
  return {
    ok: false,
    status: 501,
    error: 'reconciliation is not available in this version of the server yet (the imports are stored)',
  };
}
