// User Device Registration events 358, 360 and 362: the Windows Hello for Business prerequisites.
import { DOCS } from '../kb/docs.js';
import { cite } from '../story/attempts.js';
import { field } from '../story/values.js';
import { defineRule } from './rule.js';

export const whfbPrerequisites = defineRule({
  id: 'whfb-prerequisites',
  description: 'Events 358, 360 and 362: the Windows Hello for Business prerequisites that were not met.',
  step: 'User Device Registration events',
  phase: null,
  docs: [DOCS.prtStatus],
  findings: {
    'whfb-prerequisites': {
      severity: 'info',
      title: 'Windows Hello for Business provisioning will not start',
    },
  },
  check({ ev }, report) {
    const last = ev.events
      .filter((e) => (e.eventId === 360 || e.eventId === 362) && /user device registration/i.test(e.provider))
      .sort((a, b) => (a.time < b.time ? -1 : 1))
      .pop();
    if (!last) return;
    const unmet = [
      'DeviceIsJoined',
      'AADPrt',
      'NgcPolicyEnabled',
      'NgcHardwarePolicyMet',
      'LogonCertRequired',
    ]
      .map((k) => [k, field(last, k)] as const)
      .filter(([, v]) => v !== undefined && /^no$/i.test(v.trim()));
    const remote = field(last, 'UserIsRemote');
    const reasons = unmet.map(([k]) => k);
    if (remote && /^yes$/i.test(remote.trim())) reasons.push('UserIsRemote');
    report('whfb-prerequisites', {
      evidence: [cite(last)],
      cause: reasons.length
        ? `Event ${last.eventId} lists the prerequisites that failed: ${reasons.join(', ')}. Provisioning needs a joined device, a PRT for the user, the policy, suitable hardware and a local (not remote) session.`
        : `Event ${last.eventId} reports that provisioning will not be launched.`,
      fix: [
        'Fix the join or PRT problem first if there is one; Windows Hello for Business provisioning depends on both.',
      ],
      docs: [DOCS.prtStatus],
    });
  },
});
