// The rows reconcile works on, one per directory object or device, each with the input line it came
// from. Readers (read.ts) make them from exports; match.ts turns them into device states.
import type { ReconciledDevice as ContractDevice, ReconcileState } from '../contract/reconcile.js';
import type { Evidence, Finding, JoinType, Phase, Verdict } from '../types.js';

export type ReconcileFinding = Finding & { rule: string };

export type TrustType = NonNullable<ContractDevice['trustType']>;
export type ExportKind = 'entra-devices' | 'ad-computers' | 'device-diagnosis';

/** The states of reconcile.schema.json, in its order (generated from the contract). */
export { RECONCILE_STATES as STATES } from '../contract/reconcile.js';
export type State = ReconcileState;

/** One userCertificate value, read enough to tell a hybrid-join certificate from others. */
export interface CertificateInfo {
  /** SHA-1 of the DER, lower-case hex (the thumbprint Windows shows). */
  thumbprint: string;
  subjectCN?: string;
  issuerCN?: string;
  selfSigned: boolean;
  notBefore?: string;
  notAfter?: string;
  /** Why the value could not be read as a certificate. */
  error?: string;
}

/** A Microsoft Entra device object. */
export interface EntraDevice {
  ref: Evidence;
  name: string;
  objectId?: string;
  /** Lower-case GUID. */
  deviceId?: string;
  enabled?: boolean;
  trustType: TrustType | null;
  /** Milliseconds since 1970 UTC (as every time of a row), null when the export shows the registration as pending (or empty). */
  registrationTime: number | null;
  lastSignIn: number | null;
  /** The synchronized computer's SID (Graph onPremisesSecurityIdentifier). */
  sid?: string;
  /** Certificate thumbprints named in alternativeSecurityIds (lower-case hex). */
  thumbprints: readonly string[];
  /** false when the export lists alternativeSecurityIds and the list is empty; undefined when unknown. */
  hasAlternativeSecurityIds?: boolean;
  profileType?: string;
  operatingSystem?: string;
}

/** An Active Directory computer object. */
export interface AdComputer {
  ref: Evidence;
  name: string;
  distinguishedName?: string;
  enabled?: boolean;
  /** Lower-case 8-4-4-4-12. */
  objectGuid?: string;
  sid?: string;
  operatingSystem?: string;
  /** Milliseconds since 1970 UTC, null when not given. */
  whenCreated: number | null;
  /** Milliseconds since 1970 UTC, null for never. */
  lastLogon: number | null;
  certificates: readonly CertificateInfo[];
  /**
   * userCertificate values counted but not read: the reader was told the computer's device
   * object is known (its objectGUID is a hybrid deviceId), so no state needs them.
   */
  unreadCertificates?: number;
}

/** What a device says of itself: a diagnosis made here, or read from diagnose/fleet JSON. */
export interface DeviceReport {
  ref: Evidence;
  name?: string;
  deviceId?: string;
  verdict: Verdict;
  joinType: JoinType;
  phase: Phase | null;
  findingIds: string[];
  azureAdJoined?: boolean;
  domainJoined?: boolean;
}

export type ExportRow =
  | { kind: 'entra-devices'; row: EntraDevice }
  | { kind: 'ad-computers'; row: AdComputer }
  | { kind: 'device-diagnosis'; row: DeviceReport };

/** One input read: what `inputs` in the JSON says of it. */
export interface InputSummary {
  source: string;
  kind: ExportKind;
  rows: number;
  skipped: number;
  warnings: string[];
}

export interface ReconciledDevice {
  name: string;
  objectGuid?: string;
  distinguishedName?: string;
  deviceId?: string;
  entraObjectIds?: string[];
  trustType?: TrustType | null;
  matchedBy: 'deviceId' | 'sid' | 'certificate' | 'name' | 'none';
  states: State[];
  lastSignIn: string | null;
  lastLogon: string | null;
  diagnosis?: { verdict: Verdict; joinType: JoinType; phase: Phase | null; findings: string[] };
  findings: ReconcileFinding[];
}

export interface Reconciliation {
  schemaVersion: 1;
  asOf: string;
  inputs?: InputSummary[];
  staleDays: number;
  devices: ReconciledDevice[];
  summary: Record<State, number>;
  /** What to do, one list per action (also written by `--lists`). */
  actions: Actions;
}

export interface Actions {
  /** AD computers to look at (or to disable first, for stale hybrid devices). */
  dnsToCheck: { distinguishedName: string; name: string; states: string; reason: string }[];
  /** Entra device objects to disable (then delete after a waiting period). */
  objectIdsToDisable: {
    objectId: string;
    deviceId: string;
    name: string;
    trustType: string;
    reason: string;
  }[];
  /** Devices that believe they are joined to an object that no longer exists: dsregcmd /leave. */
  devicesToLeave: { name: string; deviceId: string; source: string; reason: string }[];
}
