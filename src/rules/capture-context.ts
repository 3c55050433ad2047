// The User Context the pre-join diagnostics ran in: the join runs as SYSTEM.
import { DOCS } from '../kb/docs.js';
import { defineRule } from './rule.js';
import { cite } from './util.js';

export const captureContext = defineRule({
  id: 'capture-context',
  description:
    'The User Context of the pre-join diagnostics: a capture not run elevated, or not as SYSTEM, is less reliable.',
  step: 'Troubleshoot join failures, step 1',
  phase: null,
  docs: [DOCS.retrieveStatus, DOCS.dsregcmdDiagnostics],
  findings: {
    'capture-not-elevated': {
      severity: 'warning',
      title: 'The diagnostics ran un-elevated, not as the device would join',
    },
    'capture-not-system': {
      severity: 'info',
      title: 'The diagnostics ran as an elevated user, not as SYSTEM',
    },
  },
  check({ r, facts }, report) {
    const f = r.field('User Context');
    if (!f || !facts.userContext) return;
    const v = facts.userContext.toUpperCase();
    if (v.includes('UN-ELEVATED') || v.includes('UNELEVATED')) {
      report('capture-not-elevated', {
        evidence: cite(r, f),
        cause:
          'The join runs as SYSTEM, but these tests ran as an ordinary user: network access through a proxy, and the tests themselves, can differ from what the device sees, so the result may be misleading.',
        fix: [
          'Run `dsregcmd /status` again from an elevated prompt, or better as SYSTEM (for example `psexec -s -i cmd` then `dsregcmd /status`).',
        ],
        docs: [DOCS.retrieveStatus, DOCS.dsregcmdDiagnostics],
      });
      return;
    }
    if (v.includes('ELEVATED')) {
      report('capture-not-system', {
        evidence: cite(r, f),
        cause:
          'The join runs as SYSTEM; an elevated user has the same rights but may use a different proxy configuration.',
        fix: ['If network tests fail, repeat them as SYSTEM (for example `psexec -s -i cmd`).'],
        docs: [DOCS.dsregcmdDiagnostics],
      });
      return;
    }
  },
});
