// A code as a finding cites it: hex, signed decimal and the best known name.
import type { CodeRef } from '../types.js';
import { toHex, toSigned } from './format.js';
import { guideCode } from './guide-codes.js';
import { lookupValue } from './lookup.js';
import type { CodeNames } from './names.js';
import type { CodeEntry } from './types.js';

export interface DescribedCode {
  ref: CodeRef;
  /** The guide's entry, when the guide covers the code. */
  entry?: CodeEntry;
}

/**
 * The guide's name for a code or, for codes outside the guide, the name from the Windows headers
 * (unwrapping HRESULT_FROM_WIN32 and the like) when `names` holds them (see loadCodeNames).
 */
export function describeCode(value: number, names: CodeNames): DescribedCode {
  const entry = guideCode(value);
  const ref: CodeRef = { hex: toHex(value), signed: toSigned(value) };
  const name = entry?.name ?? lookupValue(value, undefined, undefined, names).matches[0]?.name;
  if (name) ref.name = name;
  return entry ? { ref, entry } : { ref };
}
