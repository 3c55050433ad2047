// What the captures say about the device as a whole: join state (Step 2 of the guide), the context
// the capture ran in, and the time it was taken. Rules build on these facts.
import type { DsregField } from './dsregcmd/parse.js';
import type { DeviceEvidence, Reader } from './evidence.js';
import { type JoinAttempt, joinAttempts, type PrtAttempt, prtAttempts } from './story/attempts.js';
import type { JoinType } from './types.js';

export interface Facts {
  joinType: JoinType;
  domainJoined?: boolean;
  azureAdJoined?: boolean;
  workplaceJoined?: boolean;
  enterpriseJoined?: boolean;
  /** How the join type was read: from the flags, or inferred from other fields (a fragment). */
  joinTypeInferred?: { reason: string; fields: DsregField[] };
  /** The "User Context" of the pre-join diagnostics: SYSTEM, ELEVATED User, UN-ELEVATED User. */
  userContext?: string;
  /** The Diagnostic Data of a domain-joined device that is not hybrid joined is present. */
  preJoinDiagnostics: boolean;
  /** The capture's own time (Client Time) or the caller's --now, as milliseconds since the epoch. */
  referenceTime?: { ms: number; from: 'client-time' | 'now'; field?: DsregField };
  /** The capture was made in the old 1607-1709 layout (no SSO State box). */
  legacyLayout: boolean;
  /** Join attempts told by the User Device Registration log, in time order. */
  joinAttempts: JoinAttempt[];
  /** PRT attempts told by the Microsoft-Windows-AAD log, in time order. */
  prtAttempts: PrtAttempt[];
}

const PRE_JOIN_KEYS = [
  'AD Connectivity Test',
  'AD Configuration Test',
  'DRS Discovery Test',
  'DRS Connectivity Test',
  'Token acquisition Test',
  'Previous Registration',
  'Error Phase',
  'Client ErrorCode',
];

/** Non-routable UPN suffixes: only an on-premises Active Directory account carries one. */
const NON_ROUTABLE = /@[^@\s]+\.(local|lan|corp|internal|intranet|localdomain|home|private|ad)$/i;

/**
 * `CORP\user1, user1@corp.example`: a domain account (a local account has no UPN part, an
 * Microsoft Entra account is AzureAD\..., the computer account ends in $).
 */
function isDomainAccount(value: string): boolean {
  const [account, upn] = value.split(',').map((s) => s.trim());
  const slash = account?.indexOf('\\') ?? -1;
  if (!account || !upn || slash <= 0) return false;
  if (/^AzureAD$/i.test(account.slice(0, slash)) || account.endsWith('$')) return false;
  return /^[^@\s]+@[^@\s]+$/.test(upn);
}

/** "2019-01-31 09:16:43.000 UTC" -> epoch ms; undefined when it is not such a time. */
export function parseDsregTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3})\d*)?\s*(?:UTC|Z)?$/i.exec(
    value.trim(),
  );
  if (!m) return undefined;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, m[7] ? +m[7].padEnd(3, '0') : 0);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The join flags as the capture gives them or as they are inferred, with why. */
interface JoinState {
  domainJoined: boolean | undefined;
  azureAdJoined: boolean | undefined;
  inferred?: Facts['joinTypeInferred'];
}

/** A fragment without Device State: the pre-join tests, or a PRT asked for, say what it is. */
function inferFromFragment(j: JoinState, r: Reader, preJoinDiagnostics: boolean): void {
  if (j.domainJoined === undefined && j.azureAdJoined === undefined) {
    const inferred: DsregField[] = [];
    const reasons: string[] = [];
    if (preJoinDiagnostics) {
      // dsregcmd prints the pre-join tests only on a domain-joined device that is not hybrid joined.
      j.domainJoined = true;
      j.azureAdJoined = false;
      inferred.push(
        ...PRE_JOIN_KEYS.map((k) => r.field(k))
          .filter((f): f is DsregField => f !== undefined)
          .slice(0, 1),
      );
      reasons.push(
        'the pre-join diagnostics appear only on a domain-joined device that is not yet hybrid joined',
      );
    } else {
      const prtYes = r.flag('AzureAdPrt') === true ? r.field('AzureAdPrt') : undefined;
      const prtDiag = prtYes ?? r.field('AcquirePrtDiagnostics') ?? r.field('Attempt Status');
      const identity = r.field('User Identity');
      if (prtDiag && r.flag('WorkplaceJoined') !== true) {
        // Windows asks for a PRT at sign-in only on Entra joined and hybrid joined devices.
        j.azureAdJoined = true;
        inferred.push(prtDiag);
        reasons.push(
          'Windows attempts a PRT at sign-in only on a Microsoft Entra joined or hybrid joined device',
        );
        if (identity && NON_ROUTABLE.test(identity.value)) {
          j.domainJoined = true;
          inferred.push(identity);
          reasons.push('a non-routable UPN suffix belongs to an on-premises Active Directory account');
        }
      }
    }
    if (inferred.length > 0) j.inferred = { reason: reasons.join('; '), fields: inferred };
  }
}

/** A domain account that holds a PRT (or asked for one): the device is in the domain too. */
function inferFromDomainAccount(j: JoinState, r: Reader): void {
  if (j.domainJoined === undefined && j.azureAdJoined !== false) {
    const account = r.field('Executing Account Name');
    const prt =
      (r.flag('AzureAdPrt') === true ? r.field('AzureAdPrt') : undefined) ??
      r.field('AcquirePrtDiagnostics') ??
      r.field('Attempt Status');
    if (account && prt && isDomainAccount(account.value)) {
      j.domainJoined = true;
      j.azureAdJoined = true;
      const reason = [
        ...(j.inferred
          ? [j.inferred.reason]
          : ['Windows attempts a PRT at sign-in only on a Microsoft Entra joined or hybrid joined device']),
        `the executing account ${account.value.split(',')[0]!.trim()} is a domain account (it has a UPN), which only a device joined to the domain signs in: so the device is hybrid joined`,
      ].join('; ');
      j.inferred = {
        reason,
        fields: [...new Set([...(j.inferred?.fields ?? []), prt, account])],
      };
    }
  }
}

/** Device State cut short: AzureAdJoined YES, no DomainJoined, the short name and MDM URLs of an Entra joined device. */
function inferEntraJoinedCutShort(j: JoinState, r: Reader): void {
  if (j.domainJoined === undefined && j.azureAdJoined === true && !j.inferred) {
    const name = r.field('Device Name');
    const mdm = r.field('MdmUrl');
    if (name && mdm && isBareComputerName(name.value.trim()) && /^https:\/\//i.test(mdm.value)) {
      j.domainJoined = false;
      j.inferred = {
        reason: `AzureAdJoined is YES and the capture has no DomainJoined line, but Device Name ${name.value.trim()} is a bare computer name (a domain member prints its DNS name) and MdmUrl names the MDM service a Microsoft Entra joined device enrolled with: a Microsoft Entra joined device`,
        fields: [r.field('AzureAdJoined')!, name, mdm],
      };
    }
  }
}

/** Only event logs: the automatic join task runs on domain-joined devices; its last outcome tells the rest. */
function inferFromEventsOnly(j: JoinState, ev: DeviceEvidence, joins: ReturnType<typeof joinAttempts>): void {
  if (
    j.domainJoined === undefined &&
    j.azureAdJoined === undefined &&
    joins.length > 0 &&
    ev.captures.length === 0
  ) {
    const last = joins[joins.length - 1]!;
    j.domainJoined = true;
    j.azureAdJoined = last.outcome === 'success';
    j.inferred = {
      reason: `the User Device Registration log shows the automatic join task, which runs only on domain-joined devices, and its last attempt ${last.outcome === 'success' ? 'succeeded' : 'failed'}`,
      fields: [],
    };
  }
}

export function deriveFacts(ev: DeviceEvidence, r: Reader): Facts {
  const workplaceJoined = r.flag('WorkplaceJoined');
  const enterpriseJoined = r.flag('EnterpriseJoined');
  const preJoinDiagnostics = PRE_JOIN_KEYS.some((k) => r.field(k) !== undefined);
  const joins = joinAttempts(ev.events);
  const prts = prtAttempts(ev.events);
  const j: JoinState = { domainJoined: r.flag('DomainJoined'), azureAdJoined: r.flag('AzureAdJoined') };
  // What the capture lacks, inferred from what the other fields make certain, step by step.
  inferFromFragment(j, r, preJoinDiagnostics);
  inferFromDomainAccount(j, r);
  inferEntraJoinedCutShort(j, r);
  inferFromEventsOnly(j, ev, joins);
  const { domainJoined, azureAdJoined, inferred: joinTypeInferred } = j;

  const joinType = joinTypeOf(domainJoined, azureAdJoined, workplaceJoined);

  const userContext = r.value('User Context');
  let referenceTime: Facts['referenceTime'];
  if (ev.now !== undefined) {
    const ms = Date.parse(ev.now);
    if (!Number.isNaN(ms)) referenceTime = { ms, from: 'now' };
  } else {
    const ct = r.field('Client Time');
    const ms = parseDsregTime(ct?.value);
    if (ms !== undefined) referenceTime = { ms, from: 'client-time', field: ct };
  }
  const legacyLayout =
    r.field('AzureAdPrt', 'User State') !== undefined ||
    (r.field('TenantId', 'Device State') !== undefined && !r.hasSection('SSO State'));

  return {
    joinType,
    domainJoined,
    azureAdJoined,
    workplaceJoined,
    enterpriseJoined,
    joinTypeInferred,
    userContext,
    preJoinDiagnostics,
    referenceTime,
    legacyLayout,
    joinAttempts: joins,
    prtAttempts: prts,
  };
}

function joinTypeOf(
  domain: boolean | undefined,
  aad: boolean | undefined,
  workplace: boolean | undefined,
): JoinType {
  if (domain === true && aad === true) return 'hybrid';
  if (domain === true && aad === false) return 'domain-joined';
  if (aad === true && domain === false) return 'entra-joined';
  if (domain === false && aad === false) return workplace === true ? 'entra-registered' : 'not-joined';
  if (workplace === true && aad !== true && domain !== true) return 'entra-registered';
  return 'unknown';
}

/**
 * A computer name without a DNS suffix: no dot, and not an address (an IPv4 or IPv6 address, or
 * the pseudonym redaction gives one, which must not make a redacted capture read differently).
 */
function isBareComputerName(value: string): boolean {
  return value !== '' && !value.includes('.') && !value.includes(':') && !/^<ip-\d+>$/.test(value);
}
