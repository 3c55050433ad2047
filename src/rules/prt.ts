// Post-join: the Primary Refresh Token. AzureAdPrt NO with the last attempt's diagnostics (Windows 10
// 21H1 and later), a PRT that was not refreshed within four hours, and the enterprise PRT.

import { parseDsregTime } from '../facts.js';
import { DOCS } from '../kb/docs.js';
import { findHexCodes } from '../kb/format.js';
import type { Finding } from '../types.js';
import { prtFailureFinding, READ_AAD_LOGS } from './findings.js';
import type { Rule } from './rule.js';
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

export const prtAttemptFailed: Rule = {
  id: 'prt-attempt-failed',
  description:
    'AzureAdPrt NO with the diagnostics of the last attempt: decodes Attempt Status, the WinHTTP error and the server error (AADSTS).',
  step: 'Troubleshoot post-join authentication issues, steps 2 and 3',
  phase: 'post-join',
  check({ r, names }) {
    if (r.flag('AzureAdPrt') !== false) return [];
    const status = r.field('Attempt Status');
    const description = r.field('Server Error Description');
    if (!status && !description) return [];
    const httpError = findHexCodes(r.value('HTTP Error') ?? '').filter((c) => c !== 0);
    return [
      prtFailureFinding({
        names,
        codes: [...findHexCodes(status?.value ?? ''), ...httpError],
        serverCode: r.value('Server Error Code'),
        serverDescription: description?.value,
        upn: r.value('User Identity'),
        evidence: cite(r, ...ATTEMPT_KEYS),
      }),
    ];
  },
};

export const prtMissing: Rule = {
  id: 'prt-missing',
  description:
    'AzureAdPrt NO without diagnostics: tells an expected absence (registered device, local account, SYSTEM context) from a real one.',
  step: 'Troubleshoot post-join authentication issues, step 1',
  phase: 'post-join',
  check({ r, facts }) {
    const prt = r.field('AzureAdPrt');
    if (!prt || r.flag('AzureAdPrt') !== false) return [];
    if (r.field('Attempt Status') || r.field('Server Error Description')) return [];
    // Not joined, registered only, or the join itself failed: no PRT is expected, other rules speak.
    if (facts.joinType !== 'hybrid' && facts.joinType !== 'entra-joined') return [];
    const account = r.field('Executing Account Name');
    const accountValue = account?.value ?? '';
    if (account && accountValue.split(',')[0]!.trim().endsWith('$')) {
      return [
        {
          id: 'prt-not-user-context',
          severity: 'info',
          phase: 'post-join',
          title: 'SSO State shows the computer account, not a user',
          codes: [],
          evidence: cite(r, prt, account),
          cause:
            'The capture ran as SYSTEM (the executing account is the computer account), which never holds a Primary Refresh Token, so AzureAdPrt NO says nothing about the users.',
          fix: [
            'Run `dsregcmd /status` in the session of the signed-in user (not elevated) to see their PRT.',
          ],
          docs: [DOCS.prtStatus],
        },
      ];
    }
    if (
      account &&
      !accountValue.includes(',') &&
      !accountValue.includes('@') &&
      !/^AzureAD\\/i.test(accountValue)
    ) {
      return [
        {
          id: 'prt-local-account',
          severity: 'info',
          phase: 'post-join',
          title: 'No PRT because the user signed in with a local account',
          codes: [],
          evidence: cite(r, prt, account),
          cause: `The capture ran as ${accountValue}, a local account with no Microsoft Entra identity. A PRT is only issued to a Microsoft Entra (or synchronized domain) account that signs in to Windows, so AzureAdPrt NO is expected here.`,
          fix: [
            'Sign in with a Microsoft Entra or synchronized domain account and capture `dsregcmd /status` as that user.',
          ],
          docs: [DOCS.prtStatus, DOCS.prtConcept],
        },
      ];
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
    return [
      {
        id: 'prt-missing',
        severity: 'warning',
        phase: 'post-join',
        title: 'No Primary Refresh Token for this user, and no failed attempt recorded',
        codes: [],
        evidence: cite(r, prt, account),
        cause:
          'The device is joined, but the user in this session has no PRT and `dsregcmd` records no failed attempt. Usually the session began before the join or has not been unlocked since; if it persists, the AAD event logs hold the reason.',
        fix,
        docs: [DOCS.prtStatus, DOCS.prtErrorCode],
      },
    ];
  },
};

const FOUR_HOURS = 4 * 3600 * 1000;

export const prtFreshness: Rule = {
  id: 'prt-not-refreshed',
  description:
    'AzureAdPrt YES whose update time is more than four hours before the capture time (Client Time or --now), or whose expiry has passed.',
  step: 'Troubleshoot post-join authentication issues, step 1',
  phase: 'post-join',
  check({ r, facts }) {
    if (r.flag('AzureAdPrt') !== true || !facts.referenceTime) return [];
    const update = r.field('AzureAdPrtUpdateTime');
    const expiry = r.field('AzureAdPrtExpiryTime');
    const ref = facts.referenceTime;
    const refLabel =
      ref.from === 'now'
        ? `the time given with --now (${new Date(ref.ms).toISOString()})`
        : 'the Client Time of the capture';
    const out: Finding[] = [];
    const expiryMs = parseDsregTime(expiry?.value);
    const updateMs = parseDsregTime(update?.value);
    if (expiryMs !== undefined && expiryMs < ref.ms && (updateMs === undefined || expiryMs > updateMs)) {
      out.push({
        id: 'prt-expired',
        severity: 'error',
        phase: 'post-join',
        title: 'The Primary Refresh Token has expired',
        codes: [],
        evidence: cite(r, 'AzureAdPrt', update, expiry, ref.field),
        cause: `AzureAdPrtExpiryTime lies before ${refLabel}: the PRT was not renewed for its whole 14-day life, so single sign-on to Microsoft Entra resources no longer works.`,
        fix: [
          'Sign in to Windows again (or lock and unlock) while the device can reach Microsoft Entra ID, then check that the update time moves.',
          READ_AAD_LOGS,
        ],
        docs: [DOCS.prtStatus, DOCS.prtConcept],
      });
      return out;
    }
    if (updateMs !== undefined && ref.ms - updateMs > FOUR_HOURS) {
      const hours = Math.floor((ref.ms - updateMs) / 3600000);
      out.push({
        id: 'prt-not-refreshed',
        severity: 'warning',
        phase: 'post-join',
        title: `The PRT was last refreshed ${hours} hours before the capture`,
        codes: [],
        evidence: cite(r, 'AzureAdPrt', update, ref.field),
        cause: `Windows refreshes the PRT every four hours at sign-in or unlock; AzureAdPrtUpdateTime is ${hours} hours before ${refLabel}, so refreshing is probably failing.`,
        fix: [
          'Lock and unlock the device to force a refresh, then check whether AzureAdPrtUpdateTime moves.',
          'If it does not, the refresh is failing: ' +
            READ_AAD_LOGS.charAt(0).toLowerCase() +
            READ_AAD_LOGS.slice(1),
        ],
        docs: [DOCS.prtStatus],
      });
    }
    return out;
  },
};

export const enterprisePrt: Rule = {
  id: 'enterprise-prt-missing',
  description:
    'EnterprisePrt NO on a hybrid device whose federation service (EnterprisePrtAuthority) is known.',
  step: 'Troubleshoot post-join authentication issues, step 1',
  phase: 'post-join',
  check({ r, facts }) {
    if (facts.joinType !== 'hybrid' || r.flag('EnterprisePrt') !== false) return [];
    const authority = r.field('EnterprisePrtAuthority');
    if (!authority || !/^https?:\/\//i.test(authority.value)) return [];
    return [
      {
        id: 'enterprise-prt-missing',
        severity: 'warning',
        phase: 'post-join',
        title: 'No enterprise PRT from the federation service',
        codes: [],
        evidence: cite(r, 'EnterprisePrt', authority),
        cause:
          'The device knows a federation service (EnterprisePrtAuthority) but holds no enterprise PRT from it, so single sign-on to resources that trust the on-premises federation service may prompt.',
        fix: [
          'Check that the device reaches the federation service from the corporate network and that its WS-Trust endpoints answer; then lock and unlock.',
        ],
        docs: [DOCS.prtStatus],
      },
    ];
  },
};
