// AzureAdPrt NO with the diagnostics of the last attempt (Windows 10 21H1 and later): Attempt
// Status, the WinHTTP error and the server's error, explained with the guide's tables.
import { DOCS } from '../kb/docs.js';
import { findHexCodes } from '../kb/format.js';
import { PRT_FAILURE_FINDINGS, reportPrtFailure } from './findings.js';
import { defineRule } from './rule.js';
import { cite } from './util.js';

const ATTEMPT_KEYS = [
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

export const prtAttemptFailed = defineRule({
  id: 'prt-attempt-failed',
  description:
    'AzureAdPrt NO with the diagnostics of the last attempt: decodes Attempt Status, the WinHTTP error and the server error (AADSTS).',
  step: 'Troubleshoot post-join authentication issues, steps 2 and 3',
  phase: 'post-join',
  docs: [DOCS.prtErrorCode, DOCS.serverCodes, DOCS.networkCodes],
  findings: PRT_FAILURE_FINDINGS,
  check({ r, names }, report) {
    if (r.flag('AzureAdPrt') !== false) return;
    const status = r.field('Attempt Status');
    const description = r.field('Server Error Description');
    if (!status && !description) return;
    const httpError = findHexCodes(r.value('HTTP Error') ?? '').filter((c) => c !== 0);
    reportPrtFailure(report, {
      names,
      codes: [...findHexCodes(status?.value ?? ''), ...httpError],
      serverCode: r.value('Server Error Code'),
      serverDescription: description?.value,
      upn: r.value('User Identity'),
      evidence: cite(r, ...ATTEMPT_KEYS),
    });
  },
});
