// Steps 3 and 4 of the guide: the phase and codes of the last failed join, from the Diagnostic Data
// (Windows 10 1803 and later), matched against the cause and resolution tables of each phase.

import { normalizeKey } from '../dsregcmd/keys.js';
import type { DsregField } from '../dsregcmd/parse.js';
import type { Reader } from '../evidence.js';
import { DOCS } from '../kb/docs.js';
import { findHexCodes } from '../kb/format.js';
import type { CodeNames } from '../kb/names.js';
import { PRE_JOIN_TESTS } from '../kb/pre-join-tests.js';
import { isRenewOfMissingDevice } from '../kb/registration-records.js';
import { PHASES, type Phase } from '../types.js';
import { JOIN_FAILURE_FINDINGS, type JoinFailureId, reportJoinFailure } from './findings.js';
import { defineRule, type Report } from './rule.js';
import { cite, phaseOf, unique } from './util.js';

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

export const joinFailure = defineRule({
  id: 'join-failure',
  description:
    'Finds the failed pre-join tests (`FAIL [code/sub-code]`) and the last failed registration (Error Phase, Client ErrorCode, Server ErrorCode, Server Message) and explains them with the cause tables of each phase, including the registration service messages (throttled, tenant not found, device object or certificate not synchronized yet, SID verification); reads the newer Server ErrorSubCode, Server Operation, Registration Type (fallback_sync) and Kerberos Ticket Test, so that a renewal (DeviceRenew) refused for a deleted device object (error_missing_device) is a join-phase failure with its own fix.',
  step: 'Troubleshoot join failures, steps 3 and 4',
  phase: null,
  docs: [DOCS.findPhase, DOCS.precheck, DOCS.discover, DOCS.auth, DOCS.join],
  findings: JOIN_FAILURE_FINDINGS,
  check({ r, facts, names }, report) {
    // A renewal against a deleted device object fails on a device that still believes it is joined.
    const renewOfMissing = isRenewOfMissingDevice(
      r.value('Server ErrorSubCode'),
      r.value('Server Operation'),
    );
    if ((facts.joinType === 'hybrid' || facts.joinType === 'entra-joined') && !renewOfMissing) return;
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
    const prevPhase = phaseOf(errorPhaseField?.value) ?? (renewOfMissing ? 'join' : undefined);
    if (errorPhaseField || clientCode || renewOfMissing) {
      const f = failureFor(prevPhase ?? null);
      f.codes.push(...findHexCodes(clientCode?.value ?? ''));
      for (const k of PREVIOUS_KEYS) {
        const field = r.field(k);
        if (field) f.fields.push(field);
      }
    }

    // Each failed test, grouped with the registration failure of the same phase.
    for (const test of PRE_JOIN_TESTS) {
      const field = r.field(test.key);
      if (!field || !/^FAIL/i.test(field.value)) continue;
      // Beside a renewal whose device object is gone, the Kerberos test is not the cause to chase first.
      const besideRenewal = renewOfMissing && test.phase === null;
      const f = failureFor(besideRenewal ? (prevPhase ?? 'join') : test.phase);
      f.codes.push(...findHexCodes(field.value));
      f.fields.push(field);
      f.meanings.push(
        besideRenewal
          ? `${test.key} failed too: repair the registration first, then capture again to see whether the ticket test still fails.`
          : `${test.key} failed: ${test.meaning.charAt(0).toLowerCase()}${test.meaning.slice(1)}`,
      );
      if (!besideRenewal) f.fixes.push(...test.fix);
    }

    const failures = [...byPhase.values()].sort(
      (a, b) => PHASES.indexOf(a.phase as Phase) - PHASES.indexOf(b.phase as Phase),
    );
    for (const f of failures) reportFailure(report, f, r, names);
  },
});

function reportFailure(report: Report<JoinFailureId>, f: Failure, r: Reader, names: CodeNames): void {
  const isRegistration = f.fields.some((x) => PREVIOUS_KEYS.some((k) => x.normKey === normalizeKey(k)));
  const record = (key: string) => (isRegistration ? r.field(key)?.value || undefined : undefined);
  reportJoinFailure(report, {
    names,
    phase: f.phase,
    codes: f.codes,
    serverCode: record('Server ErrorCode'),
    serverMessage: record('Server Message'),
    serverSubCode: record('Server ErrorSubCode'),
    serverOperation: record('Server Operation'),
    registrationType: record('Registration Type'),
    evidence: cite(r, ...sortByLine(f.fields)),
    meanings: f.meanings,
    fixes: f.fixes,
  });
}

function sortByLine(fields: DsregField[]): DsregField[] {
  return unique(fields).sort((a, b) => a.line - b.line);
}
