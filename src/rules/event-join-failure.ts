// The User Device Registration log's account of the join: the last failed attempt, unless a later
// one succeeded, explained with the same tables as the `dsregcmd` findings, so that a capture and
// a log of the same failure merge into one finding.
import { DOCS } from '../kb/docs.js';
import { cite } from '../story/attempts.js';
import { JOIN_PHASE_FINDINGS, reportJoinFailure } from './findings.js';
import { defineRule } from './rule.js';

export const eventJoinFailure = defineRule({
  id: 'event-join-failure',
  description:
    'User Device Registration events 304, 305, 307 (with 201, 204 and 220 beside them): the phase, codes and server error of the last failed join, unless a later join (306) succeeded or a capture shows the device joined.',
  step: 'Troubleshoot join failures, step 3 (earlier Windows 10 versions) and step 4',
  phase: null,
  docs: [DOCS.findPhase, DOCS.precheck, DOCS.discover, DOCS.auth, DOCS.join],
  findings: JOIN_PHASE_FINDINGS,
  check({ ev, facts, names }, report) {
    const attempts = facts.joinAttempts;
    const last = attempts[attempts.length - 1];
    if (last?.outcome !== 'failure') return;
    // A capture that shows the device joined is newer news than a failure in the log.
    if (ev.captures.length > 0 && facts.azureAdJoined === true) return;
    // Every failed attempt in the log names its phase (304, 305, 307, 334 or a detail event).
    const phase = last.phase;
    if (phase === null || phase === 'post-join') return;
    const failures = attempts.filter((a) => a.outcome === 'failure').length;
    reportJoinFailure(report, {
      names,
      phase,
      codes: last.codes,
      serverCode: last.serverCode,
      serverMessage: last.serverMessage,
      registrationType: last.registrationType,
      evidence: last.records.map((r) => cite(r)),
      meanings: [
        failures > 1
          ? `The event log records ${failures} failed join attempts, the last at ${last.time}.`
          : `The event log records a failed join attempt at ${last.time}.`,
      ],
      note: last.records.some((r) => r.eventId === 220)
        ? 'Event 220: Windows could not read the computer object in Active Directory; errors 1312 and 1317 point at Active Directory replication.'
        : undefined,
    });
  },
});
