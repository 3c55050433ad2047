// A rule: one check of the guide, with its metadata beside it (the ESLint way). `check` is pure.
import type { DeviceEvidence, Reader } from '../evidence.js';
import type { Facts } from '../facts.js';
import type { CodeNames } from '../kb/names.js';
import type { Finding, Phase } from '../types.js';

export interface RuleContext {
  ev: DeviceEvidence;
  r: Reader;
  facts: Facts;
  /** The code names to cite codes with (the guide's, and the Windows headers' once loaded). */
  names: CodeNames;
}

export interface Rule {
  /** Stable id, kebab case; findings carry it (or a more specific id that starts with it). */
  id: string;
  /** What the rule checks, in a sentence (shown by `dsreg-doctor rules`). */
  description: string;
  /** The step of the guide it follows. */
  step: string;
  phase: Phase | null;
  check(ctx: RuleContext): Finding[];
}
