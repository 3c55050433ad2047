// A domain-joined device that is not hybrid joined, with nothing in the capture that says why.
import { DOCS } from '../kb/docs.js';
import { defineRule } from './rule.js';
import { cite } from './util.js';

const TESTS = [
  'AD Connectivity Test',
  'AD Configuration Test',
  'DRS Discovery Test',
  'DRS Connectivity Test',
  'Token acquisition Test',
  'Kerberos Ticket Test',
];

export const hybridJoinIncomplete = defineRule({
  id: 'hybrid-join-incomplete',
  description:
    'Flags a domain-joined device that is not hybrid joined when the capture records no failed test or registration.',
  step: 'Troubleshoot join failures, steps 2 and 3',
  phase: null,
  docs: [DOCS.evaluateStatus, DOCS.findPhase],
  findings: {
    'hybrid-join-incomplete': {
      severity: 'error',
      title: 'Hybrid join not complete, and the capture does not say why',
    },
  },
  check({ ev, r, facts }, report) {
    if (facts.joinType !== 'domain-joined' || ev.captures.length === 0) return;
    // The event log tells of a failed attempt: the event rules explain it.
    if (facts.joinAttempts.some((a) => a.outcome === 'failure')) return;
    const failed =
      r.field('Error Phase') ||
      r.field('Client ErrorCode') ||
      TESTS.some((k) => /^FAIL/i.test(r.value(k) ?? ''));
    if (failed) return;
    const hasDiagnostics = facts.preJoinDiagnostics;
    report('hybrid-join-incomplete', {
      title: hasDiagnostics
        ? 'Hybrid join not complete, and no failure recorded yet'
        : 'Hybrid join not complete, and the capture does not say why',
      evidence: cite(r, 'DomainJoined', 'AzureAdJoined', 'AD Connectivity Test', 'Token acquisition Test'),
      cause: hasDiagnostics
        ? 'The device is domain joined but not joined to Microsoft Entra ID, and every pre-join test passed. Either the join task has not run since the last change, or (with sync join) the computer object is waiting for Microsoft Entra Connect to synchronize it.'
        : 'The device is domain joined but not joined to Microsoft Entra ID, and the capture carries no Diagnostic Data. Windows 10 1803 and later print it only when `dsregcmd /status` runs elevated on a device whose join failed; older builds never print it.',
      fix: hasDiagnostics
        ? [
            'Sign out and in (or restart) to trigger the Automatic-Device-Join task, then capture `dsregcmd /status` again.',
            'Check that the computer is in an OU that Microsoft Entra Connect synchronizes, and wait for a sync cycle.',
          ]
        : [
            'Run `dsregcmd /status` again from an elevated prompt (best as SYSTEM) to get the Diagnostic Data.',
            'On builds before Windows 10 1803, read the User Device Registration Admin log: events 304 and 305 give the phase and code, 307 the discovery failure.',
          ],
      docs: [DOCS.evaluateStatus, DOCS.findPhase],
    });
  },
});
