// The diagnosis walk: a redacted deep copy of a Diagnosis. Docs links, codes, states, rule ids and
// line numbers stay; the project's own prose (titles, causes, fixes) is read as prose.
import type { Diagnosis } from '../types.js';

const SKIP_KEYS = new Set([
  'schemaVersion',
  'verdict',
  'joinType',
  'phase',
  'severity',
  'id',
  'rule',
  'codes',
  'docs',
  'kind',
  'used',
  'line',
  'recordId',
  'eventId',
  'level',
  'provider',
  'channel',
]);
// The contract's date-time fields (prt.updateTime, prt.expiryTime): dropped rather than made invalid.
const DATE_TIME_KEYS = new Set(['updateTime', 'expiryTime']);
const PROSE_KEYS = new Set(['title', 'cause', 'fix', 'nextSteps']);

/** Redacts every string of a diagnosis with `text(value, prose)`; with `times`, drops the PRT times. */
export function walkDiagnosis<T extends Diagnosis>(
  d: T,
  text: (value: string, prose: boolean) => string,
  times: boolean,
): T {
  function walk(value: unknown, key: string | undefined): unknown {
    if (typeof value === 'string') return text(value, key !== undefined && PROSE_KEYS.has(key));
    if (Array.isArray(value)) return value.map((v) => walk(v, key));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (SKIP_KEYS.has(k)) out[k] = v;
        else if (key === 'prt' && DATE_TIME_KEYS.has(k) && typeof v === 'string') {
          if (!times) out[k] = v;
        } else out[k] = walk(v, k);
      }
      return out;
    }
    return value;
  }
  return walk(d, undefined) as T;
}
