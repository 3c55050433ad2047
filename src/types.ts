// The shapes that flow through the pipeline. The contract's types (Diagnosis and its parts, what
// scripts rely on) are generated from ../shared/contract/*.schema.json into src/contract/; this file
// re-exports them and adds what the pipeline carries beyond the contract.
import type { CodeRef, Diagnosis as ContractDiagnosis, Evidence, Phase } from './contract/diagnosis.js';

export type {
  CodeRef,
  DeviceSummary,
  Evidence,
  Finding,
  JoinType,
  Phase,
  PrtSummary,
  Severity,
  Verdict,
} from './contract/diagnosis.js';
export { JOIN_TYPES, PHASES, SEVERITIES, VERDICTS } from './contract/diagnosis.js';

/** One attempt in the story the event logs tell. */
export interface TimelineEntry {
  time: string;
  /** join: User Device Registration; prt: Microsoft-Windows-AAD. */
  kind: 'join' | 'prt';
  outcome: 'success' | 'failure';
  phase?: Phase | null;
  codes: CodeRef[];
  /** The server's error: DirectoryError, AADSTS50126, invalid_grant ... */
  serverError?: string;
  summary: string;
  evidence: Evidence[];
}

export interface AttemptCounts {
  count: number;
  failures: number;
  firstFailure?: string;
  lastFailure?: string;
  lastSuccess?: string;
}

/** A diagnosis: the contract's fields, and what the pipeline adds beyond them. */
export interface Diagnosis extends ContractDiagnosis {
  /** The inputs that were read, in order (not part of the contract's required fields). */
  sources?: string[];
  /** Join and PRT attempts from event logs, oldest first. */
  timeline?: TimelineEntry[];
  attempts?: { join?: AttemptCounts; prt?: AttemptCounts };
}

/** A clear, one-line error about an input: the CLI prints it and exits with code 2. */
export class InputError extends Error {
  constructor(
    readonly source: string,
    message: string,
    readonly position?: { line?: number; offset?: number },
  ) {
    const where =
      position?.line !== undefined
        ? `:${position.line}`
        : position?.offset !== undefined
          ? ` (byte offset ${position.offset})`
          : '';
    super(`${source}${where}: ${message}`);
    this.name = 'InputError';
  }
}
