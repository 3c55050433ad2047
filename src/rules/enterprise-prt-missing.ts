// The enterprise PRT, the one AD FS issues: missing on a hybrid device that knows its federation
// service, or refused by AD FS (an MSIS error in the PRT diagnostics) while the Entra PRT is fine.
import { DOCS } from '../kb/docs.js';
import { PRT_ATTEMPT_KEYS, prtAttemptBlock } from './findings.js';
import { defineRule } from './rule.js';
import { cite, codeLabel, codeSet, lowerFirst, serverSaid, unique } from './util.js';

export const enterprisePrt = defineRule({
  id: 'enterprise-prt-missing',
  description:
    'EnterprisePrt NO: the last attempt refused by AD FS (an MSIS error, such as MSIS9682 for a device AD FS does not know) while AzureAdPrt is YES or not printed, or no enterprise PRT on a hybrid device whose federation service (EnterprisePrtAuthority) is known.',
  step: 'Troubleshoot post-join authentication issues, step 1',
  phase: 'post-join',
  docs: [DOCS.prtStatus, DOCS.prtConcept],
  findings: {
    'enterprise-prt-failed': { severity: 'error', title: 'No enterprise PRT: AD FS refused the request' },
    'enterprise-prt-missing': { severity: 'warning', title: 'No enterprise PRT from the federation service' },
  },
  check({ r, facts, names }, report) {
    const enterprise = r.flag('EnterprisePrt');
    if (enterprise === true) return;
    const azureAdPrt = r.flag('AzureAdPrt');
    const block = prtAttemptBlock(r);
    if (block?.toAdfs && azureAdPrt !== false && facts.joinType !== 'entra-registered') {
      const { refs, entries } = codeSet(block.codes, names);
      const entry = block.adfs?.entry;
      const cause = [
        azureAdPrt === true
          ? 'AzureAdPrt is YES, so single sign-on to Microsoft Entra ID works; the PRT diagnostics belong to the request for the enterprise PRT, which the federation service (AD FS) refused.'
          : 'The input has no AzureAdPrt line; its PRT diagnostics record a request to the federation service (AD FS) for the enterprise PRT, which AD FS refused.',
      ];
      if (entry) cause.push(`${block.adfs!.code}: ${entry.meaning}`);
      const main = refs[0];
      const mainEntry = entries.find((e) => e.name === main?.name);
      if (main && mainEntry) cause.push(`${codeLabel(main)}: ${mainEntry.meaning}`);
      if (block.description) cause.push(serverSaid(block.description.value));
      cause.push(
        'Without an enterprise PRT, sign-ins to resources that trust AD FS prompt, and features that rely on AD FS for the device (such as Windows Hello for Business certificate trust) fail.',
      );
      report('enterprise-prt-failed', {
        title: entry
          ? `No enterprise PRT: ${lowerFirst(entry.title)} (${block.adfs!.code})`
          : `No enterprise PRT: AD FS refused the request${block.adfs ? ` (${block.adfs.code})` : ''}`,
        codes: refs,
        serverErrorCode: block.adfs?.code ?? block.serverCode,
        evidence: cite(r, ...PRT_ATTEMPT_KEYS, 'EnterprisePrt', 'EnterprisePrtAuthority'),
        cause: cause.join(' '),
        fix: unique([
          ...(entry?.fix ?? []),
          'On the AD FS servers, read the AD FS/Admin event log for the request (search for the Correlation ID of the capture): it names the reason AD FS gave.',
          'Then lock and unlock the device and run `dsregcmd /status` again as the user: EnterprisePrt should be YES.',
        ]),
        docs: unique([DOCS.prtStatus, ...(entry?.docs ?? []), DOCS.prtConcept]),
      });
      return;
    }
    if (facts.joinType !== 'hybrid' || enterprise !== false) return;
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
