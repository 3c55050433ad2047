// AzureAdPrt YES, but old: Windows refreshes the PRT every four hours, and it lives 14 days.
import { parseDsregTime } from '../facts.js';
import { DOCS } from '../kb/docs.js';
import { READ_AAD_LOGS } from '../kb/next-steps.js';
import { defineRule } from './rule.js';
import { cite } from './util.js';

const FOUR_HOURS = 4 * 3600 * 1000;

export const prtNotRefreshed = defineRule({
  id: 'prt-not-refreshed',
  description:
    'AzureAdPrt YES whose update time is more than four hours before the capture time (Client Time or --now), or whose expiry has passed.',
  step: 'Troubleshoot post-join authentication issues, step 1',
  phase: 'post-join',
  docs: [DOCS.prtStatus, DOCS.prtConcept],
  findings: {
    'prt-expired': { severity: 'error', title: 'The Primary Refresh Token has expired' },
    'prt-not-refreshed': {
      severity: 'warning',
      title: 'The PRT was last refreshed more than four hours before the capture',
    },
  },
  check({ r, facts }, report) {
    if (r.flag('AzureAdPrt') !== true || !facts.referenceTime) return;
    const update = r.field('AzureAdPrtUpdateTime');
    const expiry = r.field('AzureAdPrtExpiryTime');
    const ref = facts.referenceTime;
    const refLabel =
      ref.from === 'now'
        ? `the time given with --now (${new Date(ref.ms).toISOString()})`
        : 'the Client Time of the capture';
    const expiryMs = parseDsregTime(expiry?.value);
    const updateMs = parseDsregTime(update?.value);
    if (expiryMs !== undefined && expiryMs < ref.ms && (updateMs === undefined || expiryMs > updateMs)) {
      report('prt-expired', {
        evidence: cite(r, 'AzureAdPrt', update, expiry, ref.field),
        cause: `AzureAdPrtExpiryTime lies before ${refLabel}: the PRT was not renewed for its whole 14-day life, so single sign-on to Microsoft Entra resources no longer works.`,
        fix: [
          'Sign in to Windows again (or lock and unlock) while the device can reach Microsoft Entra ID, then check that the update time moves.',
          READ_AAD_LOGS,
        ],
        docs: [DOCS.prtStatus, DOCS.prtConcept],
      });
      return;
    }
    if (updateMs !== undefined && ref.ms - updateMs > FOUR_HOURS) {
      const hours = Math.floor((ref.ms - updateMs) / 3600000);
      report('prt-not-refreshed', {
        title: `The PRT was last refreshed ${hours} hours before the capture`,
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
  },
});
