// AadRecoveryEnabled: Windows found the device keys unusable and marked the device for recovery.
import { DOCS } from '../kb/docs.js';
import { defineRule } from './rule.js';
import { cite } from './util.js';

export const aadRecovery = defineRule({
  id: 'aad-recovery-enabled',
  description: 'AadRecoveryEnabled YES: the device keys are unusable and the device is marked for recovery.',
  step: 'dsregcmd Diagnostic Data (post-join)',
  phase: 'post-join',
  docs: [DOCS.dsregcmdDiagnostics],
  findings: {
    'aad-recovery-enabled': {
      severity: 'error',
      title: 'The device is marked for recovery: its keys are unusable',
    },
  },
  check({ r, facts }, report) {
    const f = r.field('AadRecoveryEnabled');
    if (!f || r.flag('AadRecoveryEnabled') !== true) return;
    report('aad-recovery-enabled', {
      evidence: cite(r, f, 'KeySignTest'),
      cause:
        'Windows found the device keys unusable and scheduled a recovery of the registration at the next sign-in.',
      fix: [
        facts.joinType === 'hybrid'
          ? 'Sign out and in: a hybrid joined device recovers silently.'
          : 'Sign out and in: the user is asked to authenticate so that the device registers again.',
      ],
      docs: [DOCS.dsregcmdDiagnostics],
    });
  },
});
