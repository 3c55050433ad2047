// Fallback to Sync-Join: whether a failed federated join may be finished by sync join.
import { DOCS } from '../kb/docs.js';
import { defineRule } from './rule.js';
import { cite } from './util.js';

export const syncJoinFallback = defineRule({
  id: 'sync-join-fallback-disabled',
  description: 'Fallback to Sync-Join DISABLED: a failed federated join is not completed by sync join.',
  step: 'dsregcmd Diagnostic Data (pre-join)',
  phase: null,
  docs: [DOCS.dsregcmdDiagnostics],
  findings: {
    'sync-join-fallback-disabled': { severity: 'info', title: 'Fallback to sync join is disabled' },
  },
  check({ r }, report) {
    const f = r.field('Fallback to Sync-Join');
    if (!f || !/DISABLED/i.test(f.value)) return;
    report('sync-join-fallback-disabled', {
      evidence: cite(r, f),
      cause:
        'When a federated join fails, Windows 10 1803 and later normally finish the join through Microsoft Entra Connect sync; the FallbackToSyncJoin registry value turns that off on this device.',
      fix: [
        'Unless it was turned off on purpose, remove HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\CDJ FallbackToSyncJoin (or set it to 1).',
      ],
      docs: [DOCS.dsregcmdDiagnostics],
    });
  },
});
