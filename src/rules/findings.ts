// The findings that both `dsregcmd` text and event logs lead to, built in one place so that the same
// failure seen in two inputs becomes one finding with the evidence of both.
import type { DsregField } from '../dsregcmd/parse.js';
import type { Reader } from '../evidence.js';
import { type AdfsErrorEntry, findAdfsError } from '../kb/adfs-errors.js';
import { DOCS } from '../kb/docs.js';
import { findHexCodes } from '../kb/format.js';
import { matchServerError } from '../kb/guide-codes.js';
import type { CodeNames } from '../kb/names.js';
import { READ_AAD_LOGS } from '../kb/next-steps.js';
import { DC_LINE_OF_SIGHT_CAUSE, DC_LINE_OF_SIGHT_FIX } from '../kb/pre-join-tests.js';
import {
  isRenewOfMissingDevice,
  RENEW_DEVICE_MISSING,
  registrationRecordMeanings,
} from '../kb/registration-records.js';
import { type Evidence, PHASES, type Phase } from '../types.js';
import type { FindingMeta, Report } from './rule.js';
import { cite, codeLabel, codeSet, lowerFirst, PHASE_NAMES, serverSaid, unique } from './util.js';

/**
 * The findings a failed join attempt can be: one per phase, or, where the server's message names a
 * known case, that case (the server errors of the knowledge base that carry a message pattern).
 */
export const JOIN_PHASE_FINDINGS = {
  'precheck-phase-failed': { severity: 'error', title: 'Precheck phase failed' },
  'discover-phase-failed': { severity: 'error', title: 'Discover phase failed' },
  'auth-phase-failed': { severity: 'error', title: 'Authentication phase failed' },
  'join-phase-failed': { severity: 'error', title: 'Join phase failed' },
  'drs-throttled': { severity: 'error', title: 'Registration requests are throttled' },
  'drs-tenant-not-found': { severity: 'error', title: 'The tenant in the SCP is not found' },
  'drs-device-not-found': {
    severity: 'error',
    title: 'The computer is not yet synchronized to Microsoft Entra ID',
  },
  'drs-public-key-not-found': {
    severity: 'error',
    title: "The computer's certificate has not reached Microsoft Entra ID",
  },
  'drs-sid-verification': {
    severity: 'error',
    title: "The computer's certificate does not match the synchronized one",
  },
} as const satisfies Record<string, FindingMeta>;

/**
 * The Diagnostic Data of `dsregcmd` tells two more: a renewal refused because the device object is
 * gone (from Server ErrorSubCode and Server Operation), and a failed pre-join test that belongs to
 * no phase (the Kerberos Ticket Test).
 */
export const JOIN_FAILURE_FINDINGS = {
  ...JOIN_PHASE_FINDINGS,
  'drs-renew-device-missing': {
    severity: 'error',
    title: 'The device renews a registration whose object no longer exists in Microsoft Entra ID',
  },
  'pre-join-test-failed': { severity: 'error', title: 'Pre-join test failed' },
} as const satisfies Record<string, FindingMeta>;

export type JoinPhaseId = keyof typeof JOIN_PHASE_FINDINGS;
export type JoinFailureId = keyof typeof JOIN_FAILURE_FINDINGS;
/** The phases a join attempt fails in. */
export type JoinPhase = Exclude<Phase, 'post-join'>;

function isJoinPhaseId(id: string): id is JoinPhaseId {
  return Object.hasOwn(JOIN_PHASE_FINDINGS, id);
}

export interface JoinFailureFacts {
  phase: Phase | null;
  /** Main code first, then sub-codes. */
  codes: number[];
  serverCode?: string | undefined;
  serverMessage?: string | undefined;
  /** The newer fields of the registration record: Server ErrorSubCode, Server Operation, Registration Type. */
  serverSubCode?: string | undefined;
  serverOperation?: string | undefined;
  registrationType?: string | undefined;
  evidence: Evidence[];
  /** Extra sentences (what a failed test means, for instance). */
  meanings?: string[];
  fixes?: string[];
  /** A last sentence for the cause. */
  note?: string;
  /** The code names to cite the codes with. */
  names: CodeNames;
}

/** A failed join attempt, explained with the guide's tables for its phase, codes and server message. */
export function reportJoinFailure(
  report: Report<JoinPhaseId>,
  f: JoinFailureFacts & { phase: JoinPhase; serverSubCode?: undefined; serverOperation?: undefined },
): void;
export function reportJoinFailure(report: Report<JoinFailureId>, f: JoinFailureFacts): void;
// A join phase always gives a phase's finding or a server case, and only a sub-code with an operation
// gives 'drs-renew-device-missing', so a rule that reports attempts with a phase and without those
// need not declare the two.
export function reportJoinFailure(
  anyReport: Report<JoinPhaseId> | Report<JoinFailureId>,
  f: JoinFailureFacts,
): void {
  const report = anyReport as Report<JoinFailureId>;
  const { refs, entries } = codeSet(f.codes, f.names);
  const server = f.serverCode || f.serverMessage ? matchServerError(f.serverCode, f.serverMessage) : [];
  // A renewal against a deleted device object says more than any message about the object.
  const specific = isRenewOfMissingDevice(f.serverSubCode, f.serverOperation)
    ? RENEW_DEVICE_MISSING
    : server.find((s) => s.messagePattern);
  const phaseName = f.phase ? PHASE_NAMES[f.phase] : 'pre-join';

  const [main, ...subs] = refs;
  const title = specific
    ? specific.title
    : main
      ? `${capitalize(phaseName)} phase failed: ${main.name ?? main.hex}${subs.length ? ` (sub-error ${subs.map((s) => s.name ?? s.hex).join(', ')})` : ''}`
      : `${capitalize(phaseName)} phase failed`;

  const cause: string[] = [];
  if (specific) cause.push(specific.meaning);
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i]!;
    const entry = entries.find((e) => e.name === ref.name);
    if (entry?.generic && specific) continue;
    if (entry) cause.push(i === 0 ? entry.meaning : `Sub-error ${codeLabel(ref)}: ${entry.meaning}`);
    else if (i > 0) cause.push(`Sub-error ${codeLabel(ref)}.`);
  }
  cause.push(
    ...registrationRecordMeanings({
      subCode: f.serverSubCode,
      operation: f.serverOperation,
      registrationType: f.registrationType,
    }),
  );
  cause.push(...(f.meanings ?? []));
  if (!specific) for (const s of server) cause.push(`Server error ${s.code}: ${s.meaning}`);
  if (f.serverMessage) cause.push(serverSaid(f.serverMessage));
  if (f.phase === 'precheck' && entries.length === 0) {
    cause.unshift(DC_LINE_OF_SIGHT_CAUSE);
  }

  // Fixes: the most specific first (server message, then sub-errors, then the main code, then the test).
  const fixes: string[] = [];
  if (specific) fixes.push(...specific.fix);
  const moreSpecific = Boolean(specific) || entries.length > 1;
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    if (!(e.generic && moreSpecific)) fixes.push(...e.fix);
  }
  fixes.push(...(f.fixes ?? []));
  if (!specific) for (const s of server) fixes.push(...s.fix);
  if (f.phase === 'precheck') {
    fixes.push(DC_LINE_OF_SIGHT_FIX);
  }

  // Keep the guide's section for this phase; drop the other phase sections a shared code links to.
  // (Loops, not flatMap and spreads: this runs for every failed attempt of every diagnosis.)
  const otherPhases = new Set<string>();
  for (const p of PHASES) if (p !== 'post-join' && p !== f.phase) otherPhases.add(DOCS[p]);
  const listed: string[] = [];
  if (f.phase && f.phase !== 'post-join') listed.push(DOCS[f.phase]);
  if (specific) for (const u of specific.docs) listed.push(u);
  for (const e of entries) for (const u of e.docs) listed.push(u);
  listed.push(DOCS.findPhase);
  const docs = unique(listed).filter((u) => !otherPhases.has(u));
  if (f.note) cause.push(f.note);
  const phaseId = f.phase && f.phase !== 'post-join' ? (`${f.phase}-phase-failed` as const) : undefined;
  const id =
    specific && (isJoinPhaseId(specific.id) || specific.id === 'drs-renew-device-missing')
      ? specific.id
      : (phaseId ?? 'pre-join-test-failed');
  report(id, {
    phase: f.phase,
    title,
    codes: refs,
    evidence: f.evidence,
    cause: cause.join(' '),
    fix: unique(fixes),
    docs,
    serverErrorCode: f.serverCode || undefined,
  });
}

/** The lines of the PRT diagnostics in SSO State (Windows 10 21H1 and later), in print order. */
export const PRT_ATTEMPT_KEYS = [
  'AzureAdPrt',
  'AcquirePrtDiagnostics',
  'RefreshPrtDiagnostics',
  'Previous Prt Attempt',
  'Attempt Status',
  'User Identity',
  'Credential Type',
  'Correlation ID',
  'Endpoint URI',
  'HTTP Method',
  'HTTP Error',
  'HTTP status',
  'Server Error Code',
  'Server Error Description',
];

/** What the PRT diagnostics of a capture say about the last failed attempt. */
export interface PrtAttemptBlock {
  status?: DsregField | undefined;
  description?: DsregField | undefined;
  /** Attempt Status first, then the WinHTTP error (HTTP Error) when it is not 0. */
  codes: number[];
  serverCode?: string | undefined;
  httpStatus?: string | undefined;
  upn?: string | undefined;
  /** The AD FS error (MSIS...) the server named, if any. */
  adfs?: { code: string; entry?: AdfsErrorEntry } | undefined;
  /** The attempt went to the federation service (an MSIS error, or an /adfs/ endpoint): the enterprise PRT's. */
  toAdfs: boolean;
  evidence: Evidence[];
}

// Three rules ask for the block of the same reader (one diagnosis): it is read once for each reader.
// The rules only read it; prt-attempt-failed alone hands its evidence to a finding.
const blocks = new WeakMap<Reader, PrtAttemptBlock | null>();

/** The PRT diagnostics of the last failed attempt, or undefined when the capture records none. */
export function prtAttemptBlock(r: Reader): PrtAttemptBlock | undefined {
  let block = blocks.get(r);
  if (block === undefined) {
    block = readPrtAttemptBlock(r) ?? null;
    blocks.set(r, block);
  }
  return block ?? undefined;
}

function readPrtAttemptBlock(r: Reader): PrtAttemptBlock | undefined {
  const status = r.field('Attempt Status');
  const description = r.field('Server Error Description');
  const statusCodes = findHexCodes(status?.value ?? '').filter((c) => c !== 0);
  if (statusCodes.length === 0 && !description?.value.trim()) return undefined;
  const httpError = findHexCodes(r.value('HTTP Error') ?? '').filter((c) => c !== 0);
  const adfs = findAdfsError(description?.value);
  return {
    status,
    description,
    codes: [...findHexCodes(status?.value ?? ''), ...httpError],
    serverCode: r.value('Server Error Code') || undefined,
    httpStatus: r.value('HTTP status') || undefined,
    upn: r.value('User Identity'),
    adfs,
    toAdfs: adfs !== undefined || /\/adfs\//i.test(r.value('Endpoint URI') ?? ''),
    evidence: cite(r, ...PRT_ATTEMPT_KEYS),
  };
}

const NON_ROUTABLE_UPN = /@[^@\s]+\.(local|lan|corp|internal|intranet|localdomain|home|private)$/i;

export interface PrtFailureFacts {
  /** The attempt's status code first, then network sub-codes. */
  codes: number[];
  serverCode?: string | undefined;
  serverDescription?: string | undefined;
  upn?: string | undefined;
  /** The HTTP status the server answered with. */
  httpStatus?: string | undefined;
  evidence: Evidence[];
  meanings?: string[];
  /** The code names to cite the codes with. */
  names: CodeNames;
}

/** The findings a failed PRT attempt can be: the server's AADSTS error the guide lists, or the status code. */
export const PRT_FAILURE_FINDINGS = {
  'prt-attempt-failed': { severity: 'error', title: 'No PRT: the last attempt failed' },
  aadsts50155: { severity: 'error', title: 'No PRT: device authentication failed (AADSTS50155)' },
  aadsts50034: {
    severity: 'error',
    title: 'No PRT: the user account does not exist in the tenant (AADSTS50034)',
  },
  aadsts50126: { severity: 'error', title: 'No PRT: invalid username or password (AADSTS50126)' },
  aadsts90002: { severity: 'error', title: 'No PRT: tenant not found (AADSTS90002)' },
} as const satisfies Record<string, FindingMeta>;

export type PrtFailureId = keyof typeof PRT_FAILURE_FINDINGS;

function isPrtFailureId(id: string): id is PrtFailureId {
  return Object.hasOwn(PRT_FAILURE_FINDINGS, id);
}

/** A failed PRT attempt: the status code, the server's AADSTS error and the network error, explained. */
export function reportPrtFailure(report: Report<PrtFailureId>, f: PrtFailureFacts): void {
  const { refs, entries } = codeSet(f.codes, f.names);
  const server = matchServerError(f.serverCode, f.serverDescription);
  const aadsts = server[0];
  // An AD FS error (the attempt went to the federation service) explains what no AADSTS code does.
  const adfs = aadsts ? undefined : findAdfsError(f.serverDescription);
  const main = refs[0];
  const prtEntries = entries.filter((e) => e.phases.includes('post-join'));
  const cause: string[] = [];
  if (aadsts) cause.push(`${aadsts.code}: ${aadsts.meaning}`);
  if (adfs?.entry) cause.push(`${adfs.code}: ${adfs.entry.meaning}`);
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i]!;
    const e = entries.find((x) => x.name === ref.name);
    if (e)
      cause.push(
        i === 0 ? `${codeLabel(ref)}: ${e.meaning}` : `Network error ${codeLabel(ref)}: ${e.meaning}`,
      );
  }
  if (aadsts?.id === 'aadsts90002' && f.upn && NON_ROUTABLE_UPN.test(f.upn)) {
    cause.push(
      `The user signed in as ${f.upn}: a non-routable UPN suffix can never be a verified domain, so this account cannot get a PRT.`,
    );
  }
  cause.push(...(f.meanings ?? []));
  if (f.serverCode || f.httpStatus) {
    cause.push(
      `The server answered${f.httpStatus ? ` with HTTP status ${f.httpStatus}` : ''}${f.serverCode ? `${f.httpStatus ? ' and' : ''} the error ${f.serverCode}` : ''}.`,
    );
  }
  if (f.serverDescription && !aadsts) cause.push(serverSaid(f.serverDescription));
  // (Loops, not flatMap and spreads.)
  const fix: string[] = [];
  if (aadsts) fix.push(...aadsts.fix);
  else if (adfs?.entry) fix.push(...adfs.entry.fix);
  // With an AADSTS code, the main code's entry gives no advice (see below).
  for (const e of prtEntries) if (!(aadsts && e === entries[0])) fix.push(...e.fix);
  if (!aadsts) fix.push(READ_AAD_LOGS);
  const docs: string[] = [DOCS.prtErrorCode];
  if (aadsts) docs.push(...aadsts.docs);
  if (adfs?.entry) docs.push(...adfs.entry.docs);
  for (const e of prtEntries) docs.push(...e.docs);
  report(aadsts && isPrtFailureId(aadsts.id) ? aadsts.id : 'prt-attempt-failed', {
    phase: 'post-join',
    title: aadsts
      ? `No PRT: ${aadsts.title.charAt(0).toLowerCase()}${aadsts.title.slice(1)} (${aadsts.code})`
      : adfs?.entry
        ? `No PRT: ${lowerFirst(adfs.entry.title)} (${adfs.code})`
        : `No PRT: the last attempt failed with ${main ? (main.name ?? main.hex) : 'a server error'}`,
    codes: refs,
    evidence: f.evidence,
    cause: cause.join(' '),
    // A network sub-code the guide lists for the join carries join advice (about the registration
    // service); for a PRT only the advice of post-join codes applies.
    // Once the server has said why (an AADSTS code), its advice is the fix: the status code's
    // general advice (check the proxy, read the logs) would only send the reader elsewhere.
    fix: unique(fix),
    docs: unique(docs),
    serverErrorCode: aadsts ? aadsts.code : (adfs?.code ?? (f.serverCode || undefined)),
  });
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
