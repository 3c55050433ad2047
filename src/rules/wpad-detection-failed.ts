// Auto Detect PAC Status: whether WPAD found a proxy script.
import { DOCS } from '../kb/docs.js';
import { findHexCodes } from '../kb/format.js';
import { defineRule } from './rule.js';
import { cite, codeSet } from './util.js';

export const wpadFailure = defineRule({
  id: 'wpad-detection-failed',
  description:
    'Auto Detect PAC Status: WPAD could not find a proxy script (only matters where a proxy is required).',
  step: 'dsregcmd proxy sections',
  phase: null,
  docs: [DOCS.discover, DOCS.prerequisites],
  findings: {
    'wpad-detection-failed': {
      severity: 'info',
      title: 'No proxy auto-configuration script was found through WPAD',
    },
  },
  check({ r, names }, report) {
    const f = r.field('Auto Detect PAC Status');
    if (!f || !/fail/i.test(f.value)) return;
    report('wpad-detection-failed', {
      codes: codeSet(findHexCodes(f.value), names).refs,
      evidence: cite(r, f),
      cause:
        'Windows looked for a proxy script with WPAD and found none. That is normal on a network without a proxy; where outbound traffic must use a proxy, the computer account will not find it this way.',
      fix: [
        'If the network requires a proxy, publish it through WPAD or configure a WinHTTP proxy for the computer by policy.',
      ],
      docs: [DOCS.discover, DOCS.prerequisites],
    });
  },
});
