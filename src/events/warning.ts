import type { ReadWarning } from './types.js';

/** One line for a reading problem: `source: chunk N, record R, line L, offset X: message` (the parts it has). */
export function formatWarning(w: ReadWarning): string {
  const where = [
    w.chunk !== undefined ? `chunk ${w.chunk}` : '',
    w.recordId !== undefined ? `record ${w.recordId}` : '',
    w.line !== undefined ? `line ${w.line}` : '',
    w.offset !== undefined ? `offset ${w.offset}` : '',
  ].filter(Boolean);
  return `${w.source ?? '-'}: ${where.length ? `${where.join(', ')}: ` : ''}${w.message}`;
}
