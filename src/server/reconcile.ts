// The one place where the server calls the core's reconciliation (src/reconcile: a pure function
// from the Entra and AD exports and every device's latest diagnosis to device states). The server
// is an edge: it reads the stored imports and the latest diagnoses, and passes the clock in.
import { readExport, reconcile, reportOf } from '../reconcile/index.js';
import type { AdComputer, DeviceReport, EntraDevice, InputSummary } from '../reconcile/types.js';
import type { Diagnosis } from '../types.js';
import { InputError } from '../types.js';
import type { Queryable } from './db.js';
import type { StoredImport } from './store.js';

export type ReconcileAnswer = { ok: true; body: unknown } | { ok: false; status: number; error: string };

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
  const rows = await db.query<{ key: string; diagnosis: unknown }>('SELECT key, diagnosis FROM devices');
  for (const row of rows) {
    const d = (typeof row.diagnosis === 'string' ? JSON.parse(row.diagnosis) : row.diagnosis) as Diagnosis;
    if (d) diagnoses.push(reportOf(d, `device ${row.key}`));
  }
  return { ok: true, body: reconcile({ entra, ad, diagnoses, inputs }, { now: now().toISOString() }) };
}
