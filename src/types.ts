// The shapes that flow through the pipeline. Diagnosis and its parts mirror
// ../shared/contract/diagnosis.schema.json, which scripts rely on.

export type Phase = 'precheck' | 'discover' | 'auth' | 'join' | 'post-join';
export type JoinType =
  | 'hybrid'
  | 'entra-joined'
  | 'domain-joined'
  | 'entra-registered'
  | 'not-joined'
  | 'unknown';
export type Verdict = 'healthy' | 'warning' | 'failed' | 'unknown';
export type Severity = 'error' | 'warning' | 'info';

/** One line (or event record) that a finding rests on. */
export interface Evidence {
  /** A file name, '-' for standard input, or a probe's name. */
  source: string;
  line?: number;
  recordId?: number;
  text: string;
}

export interface CodeRef {
  /** Lower case, no padding: 0x801c03f2, 0x2ee2. */
  hex: string;
  name?: string;
  signed?: number;
}

export interface Finding {
  /** Stable finding id, kebab case, declared by its rule. */
  id: string;
  /** The id of the rule that produced it (absent on findings of live probes). */
  rule?: string;
  severity: Severity;
  phase?: Phase | null;
  title: string;
  codes: CodeRef[];
  serverErrorCode?: string;
  evidence: Evidence[];
  cause?: string;
  fix?: string[];
  docs?: string[];
}

export interface DeviceSummary {
  name?: string;
  deviceId?: string;
  tenantId?: string;
  tenantName?: string;
  domainName?: string;
  domainJoined?: boolean;
  azureAdJoined?: boolean;
  workplaceJoined?: boolean;
  enterpriseJoined?: boolean;
}

export interface PrtSummary {
  azureAdPrt?: boolean;
  updateTime?: string;
  expiryTime?: string;
  enterprisePrt?: boolean;
}

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

export interface Diagnosis {
  schemaVersion: 1;
  verdict: Verdict;
  joinType: JoinType;
  phase: Phase | null;
  device?: DeviceSummary;
  prt?: PrtSummary;
  findings: Finding[];
  nextSteps?: string[];
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
