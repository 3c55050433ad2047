// The Microsoft-Windows-AAD log's account of the PRT: the last failed attempt (events 1006 to
// 1007), unless a capture shows a PRT updated since, explained like the `dsregcmd` PRT diagnostics.
import { parseDsregTime } from '../facts.js';
import { DOCS } from '../kb/docs.js';
import { cite } from '../story/attempts.js';
import { PRT_FAILURE_FINDINGS, reportPrtFailure } from './findings.js';
import { defineRule } from './rule.js';

export const eventPrtFailure = defineRule({
  id: 'event-prt-failure',
  description:
    'Microsoft-Windows-AAD: the last PRT attempt (events 1006 to 1007) that failed, with 1081 (server error), 1088 (WS-Trust), 1084 (network), 1022 (endpoint), 1144 (UPN), 1098 and 1104, unless a capture shows a PRT updated since.',
  step: 'Troubleshoot post-join authentication issues, steps 2 and 3',
  phase: 'post-join',
  docs: [DOCS.prtErrorCode, DOCS.serverCodes, DOCS.networkCodes],
  findings: PRT_FAILURE_FINDINGS,
  check({ r, facts, names }, report) {
    const attempts = facts.prtAttempts;
    const last = attempts[attempts.length - 1];
    if (last?.outcome !== 'failure') return;
    // A capture with a PRT updated after the failure shows it recovered.
    const updated = parseDsregTime(r.value('AzureAdPrtUpdateTime'));
    if (r.flag('AzureAdPrt') === true && (updated === undefined || updated >= Date.parse(last.time))) return;
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
    reportPrtFailure(report, {
      names,
      codes: last.codes,
      serverCode: last.serverCode,
      serverDescription: last.serverDescription,
      upn: last.upn,
      evidence: records.map((r) => cite(r)),
      meanings,
    });
  },
});
