// A code as a finding cites it: hex, signed decimal and the best known name.
import type { CodeRef } from '../types.js';
import { toHex, toSigned } from './format.js';
import { guideCode } from './guide-codes.js';
import type { CodeEntry } from './types.js';

export interface DescribedCode {
  ref: CodeRef;
  /** The guide's entry, when the guide covers the code. */
  entry?: CodeEntry;
}

export function describeCode(value: number): DescribedCode {
  const entry = guideCode(value);
  const ref: CodeRef = { hex: toHex(value), signed: toSigned(value) };
  const name = entry?.name;
  if (name) ref.name = name;
  return entry ? { ref, entry } : { ref };
}
