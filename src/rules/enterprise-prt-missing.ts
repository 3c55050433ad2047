// EnterprisePrt NO on a hybrid device that knows its federation service.
import { DOCS } from '../kb/docs.js';
import { defineRule } from './rule.js';
import { cite } from './util.js';

export const enterprisePrt = defineRule({
  id: 'enterprise-prt-missing',
  description:
    'EnterprisePrt NO on a hybrid device whose federation service (EnterprisePrtAuthority) is known.',
  step: 'Troubleshoot post-join authentication issues, step 1',
  phase: 'post-join',
  docs: [DOCS.prtStatus],
  findings: {
    'enterprise-prt-missing': { severity: 'warning', title: 'No enterprise PRT from the federation service' },
  },
  check({ r, facts }, report) {
    if (facts.joinType !== 'hybrid' || r.flag('EnterprisePrt') !== false) return;
    const authority = r.field('EnterprisePrtAuthority');
    if (!authority || !/^https?:\/\//i.test(authority.value)) return;
    report('enterprise-prt-missing', {
      evidence: cite(r, 'EnterprisePrt', authority),
      cause:
        'The device knows a federation service (EnterprisePrtAuthority) but holds no enterprise PRT from it, so single sign-on to resources that trust the on-premises federation service may prompt.',
      fix: [
        'Check that the device reaches the federation service from the corporate network and that its WS-Trust endpoints answer; then lock and unlock.',
      ],
      docs: [DOCS.prtStatus],
    });
  },
});
