// AzureAdPrt NO with no failed attempt recorded: an expected absence, or a real one.
import { DOCS } from '../kb/docs.js';
import { READ_AAD_LOGS } from '../kb/next-steps.js';
import { prtAttemptBlock } from './findings.js';
import { defineRule } from './rule.js';
import { cite } from './util.js';

export const prtMissing = defineRule({
  id: 'prt-missing',
  description:
    'AzureAdPrt NO without diagnostics: tells an expected absence (registered device, local account, SYSTEM context) from a real one.',
  step: 'Troubleshoot post-join authentication issues, step 1',
  phase: 'post-join',
  docs: [DOCS.prtStatus, DOCS.prtConcept, DOCS.prtErrorCode],
  findings: {
    'prt-not-user-context': { severity: 'info', title: 'SSO State shows the computer account, not a user' },
    'prt-local-account': {
      severity: 'info',
      title: 'No PRT because the user signed in with a local account',
    },
    'prt-missing': {
      severity: 'warning',
      title: 'No Primary Refresh Token for this user, and no failed attempt recorded',
    },
  },
  check({ r, facts }, report) {
    const prt = r.field('AzureAdPrt');
    if (!prt || r.flag('AzureAdPrt') !== false) return;
    if (prtAttemptBlock(r)) return;
    // Not joined, registered only, or the join itself failed: no PRT is expected, other rules speak.
    if (facts.joinType !== 'hybrid' && facts.joinType !== 'entra-joined') return;
    const account = r.field('Executing Account Name');
    const accountValue = account?.value ?? '';
    if (account && accountValue.split(',')[0]!.trim().endsWith('$')) {
      report('prt-not-user-context', {
        evidence: cite(r, prt, account),
        cause:
          'The capture ran as SYSTEM (the executing account is the computer account), which never holds a Primary Refresh Token, so AzureAdPrt NO says nothing about the users.',
        fix: ['Run `dsregcmd /status` in the session of the signed-in user (not elevated) to see their PRT.'],
        docs: [DOCS.prtStatus],
      });
      return;
    }
    if (
      account &&
      !accountValue.includes(',') &&
      !accountValue.includes('@') &&
      !/^AzureAD\\/i.test(accountValue)
    ) {
      report('prt-local-account', {
        evidence: cite(r, prt, account),
        cause: `The capture ran as ${accountValue}, a local account with no Microsoft Entra identity. A PRT is only issued to a Microsoft Entra (or synchronized domain) account that signs in to Windows, so AzureAdPrt NO is expected here.`,
        fix: [
          'Sign in with a Microsoft Entra or synchronized domain account and capture `dsregcmd /status` as that user.',
        ],
        docs: [DOCS.prtStatus, DOCS.prtConcept],
      });
      return;
    }
    const fix = [
      'Lock and unlock the device, or sign out and in: a session that started before the device joined (an RDP session kept open across the join, for instance) gets no PRT until the next sign-in.',
      'Then run `dsregcmd /status` again as the signed-in user (not elevated).',
    ];
    fix.push(
      facts.legacyLayout
        ? 'This Windows build predates the PRT diagnostics in `dsregcmd` (added in Windows 10 21H1): if AzureAdPrt stays NO, read the Microsoft-Windows-AAD Operational and Analytic logs (events 1006 to 1007, 1081, 1088, 1084).'
        : READ_AAD_LOGS,
    );
    report('prt-missing', {
      evidence: cite(r, prt, account),
      cause:
        'The device is joined, but the user in this session has no PRT and `dsregcmd` records no failed attempt. Usually the session began before the join or has not been unlocked since; if it persists, the AAD event logs hold the reason.',
      fix,
      docs: [DOCS.prtStatus, DOCS.prtErrorCode],
    });
  },
});
