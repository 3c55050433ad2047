// The verdict of a list of findings: the one rule of `diagnose` and of `probe`, in a module of its
// own so that `probe` reads it without loading the diagnosis and its readers.
import type { Finding, Verdict } from './types.js';

/** failed (an error), warning (warnings only), else healthy, or unknown when the inputs said too little. */
export function verdictOf(findings: readonly Finding[], saidTooLittle = false): Verdict {
  if (findings.some((f) => f.severity === 'error')) return 'failed';
  if (findings.some((f) => f.severity === 'warning')) return 'warning';
  return saidTooLittle ? 'unknown' : 'healthy';
}
