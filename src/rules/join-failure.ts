// Steps 3 and 4 of the guide: the phase and codes of the last failed join, from the Diagnostic Data
// (Windows 10 1803 and later), matched against the cause and resolution tables of each phase.
import type { DsregField } from '../dsregcmd/parse.js';
import type { Reader } from '../evidence.js';
import { DOCS } from '../kb/docs.js';
import { findHexCodes } from '../kb/format.js';
import { matchServerError } from '../kb/guide-codes.js';
import type { Finding, Phase } from '../types.js';
import type { Rule } from './rule.js';
import { cite, codeLabel, codeSet, PHASE_NAMES, PHASE_ORDER, phaseOf, unique } from './util.js';

/** The pre-join tests, the phase a failure of each belongs to, and what a failure says. */
const TESTS: { key: string; phase: Phase | null; meaning: string; fix: string[] }[] = [
  {
    key: 'AD Connectivity Test',
    phase: 'precheck',
    meaning: 'The device could not reach a domain controller.',
    fix: [
      'Put the device on the corporate network, or on a VPN with line of sight to a domain controller, and let the join run again.',
    ],
  },
  {
    key: 'AD Configuration Test',
    phase: 'discover',
    meaning:
      'The service connection point (SCP) could not be read from Active Directory, or it names no valid tenant.',
    fix: [
      'Check the SCP in the configuration partition of the forest (keywords azureADId and azureADName), or the CDJ\\AAD registry values where the SCP is deployed by policy.',
    ],
  },
  {
    key: 'DRS Discovery Test',
    phase: 'discover',
    meaning:
      'The device could not fetch the discovery metadata of the registration service, or could not do realm discovery.',
    fix: [],
  },
  {
    key: 'DRS Connectivity Test',
    phase: 'discover',
    meaning: 'The device could not connect to the device registration service.',
    fix: [
      'From the device, as SYSTEM, confirm that https://enterpriseregistration.windows.net answers; configure the proxy for the computer account if one is needed.',
    ],
  },
  {
    key: 'Token acquisition Test',
    phase: 'auth',
    meaning:
      'The device could not get a token for the registration service from the federation service (federated domains only).',
    fix: [
      'Check that the federation service publishes WS-Trust windowstransport endpoints and issues the claims that hybrid join needs for computers.',
    ],
  },
  {
    key: 'Kerberos Ticket Test',
    phase: null,
    meaning: 'The device could not get the Kerberos ticket that the newest Windows builds test for.',
    fix: ['Check that the device can reach a domain controller and that its computer account is healthy.'],
  },
];

interface Failure {
  phase: Phase | null;
  codes: number[];
  fields: DsregField[];
  meanings: string[];
  fixes: string[];
}

const PREVIOUS_KEYS = [
  'Previous Registration',
  'Registration Type',
  'Error Phase',
  'Client ErrorCode',
  'Server ErrorCode',
  'Server ErrorSubCode',
  'Server Operation',
  'Server Message',
  'Https Status',
  'Request Id',
];

export const joinFailure: Rule = {
  id: 'join-failure',
  description:
    'Finds the failed pre-join tests and the last failed registration (phase, client code, server code and message) and explains them with the guide tables.',
  step: 'Troubleshoot join failures, steps 3 and 4',
  phase: null,
  check({ r, facts }) {
    if (facts.joinType === 'hybrid' || facts.joinType === 'entra-joined') return [];
    const byPhase = new Map<Phase | null, Failure>();
    const failureFor = (phase: Phase | null): Failure => {
      const existing = byPhase.get(phase);
      if (existing) return existing;
      const f: Failure = { phase, codes: [], fields: [], meanings: [], fixes: [] };
      byPhase.set(phase, f);
      return f;
    };

    // The last failed registration: its phase and codes come first.
    const errorPhaseField = r.field('Error Phase');
    const clientCode = r.field('Client ErrorCode');
    const prevPhase = phaseOf(errorPhaseField?.value);
    if (errorPhaseField || clientCode) {
      const f = failureFor(prevPhase ?? null);
      f.codes.push(...findHexCodes(clientCode?.value ?? ''));
      for (const k of PREVIOUS_KEYS) {
        const field = r.field(k);
        if (field) f.fields.push(field);
      }
    }

    // Each failed test, grouped with the registration failure of the same phase.
    for (const test of TESTS) {
      const field = r.field(test.key);
      if (!field || !/^FAIL/i.test(field.value)) continue;
      const f = failureFor(test.phase);
      f.codes.push(...findHexCodes(field.value));
      f.fields.push(field);
      f.meanings.push(`${test.key} failed: ${test.meaning.charAt(0).toLowerCase()}${test.meaning.slice(1)}`);
      f.fixes.push(...test.fix);
    }

    const out: Finding[] = [];
    for (const f of byPhase.values()) out.push(toFinding(f, r));
    out.sort((a, b) => PHASE_ORDER.indexOf(a.phase as Phase) - PHASE_ORDER.indexOf(b.phase as Phase));
    return out;
  },
};

function toFinding(f: Failure, r: Reader): Finding {
  const { refs, entries } = codeSet(f.codes);
  const serverCode = r.field('Server ErrorCode')?.value;
  const serverMessage = r.field('Server Message')?.value;
  const isRegistration = f.fields.some((x) => x.normKey === 'errorphase' || x.normKey === 'clienterrorcode');
  const server = isRegistration && serverCode ? matchServerError(serverCode, serverMessage) : [];
  const specific = server.find((s) => s.messagePattern);
  const phaseName = f.phase ? PHASE_NAMES[f.phase] : 'pre-join';

  const [main, ...subs] = refs;
  const title = specific
    ? specific.title
    : main
      ? `${capitalize(phaseName)} phase failed: ${main.name ?? main.hex}${subs.length ? ` (sub-error ${subs.map((s) => s.name ?? s.hex).join(', ')})` : ''}`
      : `${capitalize(phaseName)} phase failed`;

  const cause: string[] = [];
  if (specific) cause.push(specific.meaning);
  for (const [i, ref] of refs.entries()) {
    const entry = entries.find((e) => e.name === ref.name);
    if (entry?.generic && specific) continue;
    if (entry) cause.push(i === 0 ? entry.meaning : `Sub-error ${codeLabel(ref)}: ${entry.meaning}`);
    else if (i > 0) cause.push(`Sub-error ${ref.hex}.`);
  }
  cause.push(...f.meanings);
  if (!specific) for (const s of server) cause.push(`Server error ${s.code}: ${s.meaning}`);
  if (serverMessage && isRegistration) cause.push(`The server said: "${serverMessage}"`);
  if (f.phase === 'precheck' && entries.length === 0) {
    cause.unshift('The device had no line of sight to a domain controller when it tried to join.');
  }

  // Fixes: the most specific first (server message, then sub-errors, then the main code, then the test).
  const fixes: string[] = [];
  if (specific) fixes.push(...specific.fix);
  const moreSpecific = Boolean(specific) || entries.length > 1;
  for (const e of [...entries].reverse()) if (!(e.generic && moreSpecific)) fixes.push(...e.fix);
  fixes.push(...f.fixes);
  if (!specific) for (const s of server) fixes.push(...s.fix);
  if (f.phase === 'precheck') {
    fixes.push(
      'Put the device on the corporate network, or on a VPN with line of sight to a domain controller, and let the join run again.',
    );
  }

  // Keep the guide's section for this phase; drop the other phase sections a shared code links to.
  const otherPhases = new Set<string>(
    (['precheck', 'discover', 'auth', 'join'] as const).filter((p) => p !== f.phase).map((p) => DOCS[p]),
  );
  const docs = unique([
    ...(f.phase && f.phase !== 'post-join' ? [DOCS[f.phase]] : []),
    ...(specific?.docs ?? []),
    ...entries.flatMap((e) => e.docs),
    DOCS.findPhase,
  ]).filter((u) => !otherPhases.has(u));
  const id = specific ? specific.id : f.phase ? `${f.phase}-phase-failed` : 'pre-join-test-failed';
  const finding: Finding = {
    id,
    severity: 'error',
    phase: f.phase,
    title,
    codes: refs,
    evidence: cite(r, ...sortByLine(f.fields)),
    cause: cause.join(' '),
    fix: unique(fixes),
    docs,
  };
  if (serverCode && isRegistration) finding.serverErrorCode = serverCode;
  return finding;
}

function sortByLine(fields: DsregField[]): DsregField[] {
  return unique(fields).sort((a, b) => a.line - b.line);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
