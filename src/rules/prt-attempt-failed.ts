// The PRT diagnostics of the last failed attempt (Windows 10 21H1 and later): Attempt Status, the
// WinHTTP error and the server's error, explained with the guide's tables. A fragment may carry the
// diagnostics without the AzureAdPrt line; they are read all the same.
import { DOCS } from '../kb/docs.js';
import { PRT_FAILURE_FINDINGS, prtAttemptBlock, reportPrtFailure } from './findings.js';
import { defineRule } from './rule.js';

export const prtAttemptFailed = defineRule({
  id: 'prt-attempt-failed',
  description:
    'AzureAdPrt NO (or no AzureAdPrt line) with the diagnostics of the last attempt: decodes Attempt Status, the WinHTTP error (HTTP Error) and the server error (AADSTS, or MSIS from AD FS), and names the HTTP status and the server error code.',
  step: 'Troubleshoot post-join authentication issues, steps 2 and 3',
  phase: 'post-join',
  docs: [DOCS.prtErrorCode, DOCS.serverCodes, DOCS.networkCodes],
  findings: PRT_FAILURE_FINDINGS,
  check({ r, names }, report) {
    const azureAdPrt = r.flag('AzureAdPrt');
    if (azureAdPrt === true) return;
    const block = prtAttemptBlock(r);
    if (!block) return;
    // Without the AzureAdPrt line, an attempt that went to AD FS is the enterprise PRT's (its own rule).
    if (azureAdPrt === undefined && block.toAdfs) return;
    reportPrtFailure(report, {
      names,
      codes: block.codes,
      serverCode: block.serverCode,
      serverDescription: block.description?.value,
      upn: block.upn,
      httpStatus: block.httpStatus,
      evidence: block.evidence,
      meanings:
        azureAdPrt === undefined
          ? [
              'The input has no AzureAdPrt line, but its PRT diagnostics record a failed attempt, which Windows prints only when the attempt failed after the last PRT it got.',
            ]
          : [],
    });
  },
});
