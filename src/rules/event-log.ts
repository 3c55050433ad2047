// The event logs' account of the join (User Device Registration/Admin) and of the PRT
// (Microsoft-Windows-AAD): the last failed attempt, unless a later one succeeded, explained with the
// same tables as the `dsregcmd` findings, so that both inputs merge into one finding.
import { parseDsregTime } from '../facts.js';
import { DOCS } from '../kb/docs.js';
import { cite } from '../story/attempts.js';
import { field } from '../story/values.js';
import type { Finding } from '../types.js';
import { joinFailureFinding, prtFailureFinding } from './findings.js';
import type { Rule } from './rule.js';

export const eventJoinFailure: Rule = {
  id: 'event-join-failure',
  description:
    'User Device Registration events 304, 305, 307 (with 201, 204 and 220 beside them): the phase, codes and server error of the last failed join, unless a later join succeeded.',
  step: 'Troubleshoot join failures, step 3 (earlier Windows 10 versions) and step 4',
  phase: null,
  check({ ev, facts, names }) {
    const attempts = facts.joinAttempts;
    const last = attempts[attempts.length - 1];
    if (last?.outcome !== 'failure') return [];
    // A capture that shows the device joined is newer news than a failure in the log.
    if (ev.captures.length > 0 && facts.azureAdJoined === true) return [];
    const failures = attempts.filter((a) => a.outcome === 'failure').length;
    const finding = joinFailureFinding({
      names,
      phase: last.phase,
      codes: last.codes,
      serverCode: last.serverCode,
      serverMessage: last.serverMessage,
      evidence: last.records.map((r) => cite(r)),
      meanings: [
        failures > 1
          ? `The event log records ${failures} failed join attempts, the last at ${last.time}.`
          : `The event log records a failed join attempt at ${last.time}.`,
      ],
    });
    if (last.records.some((r) => r.eventId === 220)) {
      finding.cause = `${finding.cause} Event 220: Windows could not read the computer object in Active Directory; errors 1312 and 1317 point at Active Directory replication.`;
    }
    return [finding];
  },
};

export const eventJoinRecovered: Rule = {
  id: 'event-join-recovered',
  description: 'Failed join attempts followed by a successful one (event 306): a note, not an error.',
  step: 'Troubleshoot join failures, step 3',
  phase: null,
  check({ facts }) {
    const attempts = facts.joinAttempts;
    const last = attempts[attempts.length - 1];
    const failures = attempts.filter((a) => a.outcome === 'failure');
    if (last?.outcome !== 'success' || failures.length === 0) return [];
    return [
      {
        id: 'event-join-recovered',
        severity: 'info',
        phase: null,
        title: `The join succeeded after ${failures.length} failed attempt${failures.length === 1 ? '' : 's'}`,
        codes: [],
        evidence: [cite(failures[failures.length - 1]!.records[0]!), cite(last.records[0]!)],
        cause: `The event log shows failures (the last at ${failures[failures.length - 1]!.time}) and then a successful registration at ${last.time}; the earlier failures no longer matter unless they come back.`,
        fix: ['Nothing to fix now.'],
        docs: [DOCS.findPhase],
      },
    ];
  },
};

export const eventPrtFailure: Rule = {
  id: 'event-prt-failure',
  description:
    'Microsoft-Windows-AAD: the last PRT attempt (events 1006 to 1007) that failed, with 1081 (server error), 1088 (WS-Trust), 1084 (network), 1022 (endpoint) and 1144 (UPN).',
  step: 'Troubleshoot post-join authentication issues, steps 2 and 3',
  phase: 'post-join',
  check({ r, facts, names }) {
    const attempts = facts.prtAttempts;
    const last = attempts[attempts.length - 1];
    if (last?.outcome !== 'failure') return [];
    // A capture with a PRT updated after the failure shows it recovered.
    const updated = parseDsregTime(r.value('AzureAdPrtUpdateTime'));
    if (r.flag('AzureAdPrt') === true && (updated === undefined || updated >= Date.parse(last.time)))
      return [];
    const failures = attempts.filter((a) => a.outcome === 'failure').length;
    const meanings = [
      failures > 1
        ? `The AAD log records ${failures} failed PRT attempts, the last at ${last.time}.`
        : `The AAD log records a failed PRT attempt at ${last.time}.`,
    ];
    if (last.endpoint) meanings.push(`It called ${last.endpoint}.`);
    if (last.upn) meanings.push(`Realm discovery ran for ${last.upn}.`);
    // 1097 is the token broker's informational chatter: never cite it.
    const records = last.records.filter((r) => r.eventId !== 1097);
    return [
      prtFailureFinding({
        names,
        codes: last.codes,
        serverCode: last.serverCode,
        serverDescription: last.serverDescription,
        upn: last.upn,
        evidence: records.map((r) => cite(r)),
        meanings,
      }),
    ];
  },
};

export const eventWhfbPrerequisites: Rule = {
  id: 'whfb-prerequisites',
  description: 'Events 358, 360 and 362: the Windows Hello for Business prerequisites that were not met.',
  step: 'User Device Registration events',
  phase: null,
  check({ ev }) {
    const last = ev.events
      .filter((e) => (e.eventId === 360 || e.eventId === 362) && /user device registration/i.test(e.provider))
      .sort((a, b) => (a.time < b.time ? -1 : 1))
      .pop();
    if (!last) return [];
    const unmet = [
      'DeviceIsJoined',
      'AADPrt',
      'NgcPolicyEnabled',
      'NgcHardwarePolicyMet',
      'LogonCertRequired',
    ]
      .map((k) => [k, field(last, k)] as const)
      .filter(([, v]) => v !== undefined && /^no$/i.test(v.trim()));
    const remote = field(last, 'UserIsRemote');
    const reasons = unmet.map(([k]) => k);
    if (remote && /^yes$/i.test(remote.trim())) reasons.push('UserIsRemote');
    const finding: Finding = {
      id: 'whfb-prerequisites',
      severity: 'info',
      phase: null,
      title: 'Windows Hello for Business provisioning will not start',
      codes: [],
      evidence: [cite(last)],
      cause: reasons.length
        ? `Event ${last.eventId} lists the prerequisites that failed: ${reasons.join(', ')}. Provisioning needs a joined device, a PRT for the user, the policy, suitable hardware and a local (not remote) session.`
        : `Event ${last.eventId} reports that provisioning will not be launched.`,
      fix: [
        'Fix the join or PRT problem first if there is one; Windows Hello for Business provisioning depends on both.',
      ],
      docs: [DOCS.prtStatus],
    };
    return [finding];
  },
};
