// Step 2 of the guide: DomainJoined, WorkplaceJoined and AzureAdJoined, and what the mix means.
import { DOCS } from '../kb/docs.js';
import { cite as citeEvent } from '../story/attempts.js';
import { defineRule } from './rule.js';
import { cite } from './util.js';

export const joinState = defineRule({
  id: 'join-state',
  description:
    'Reads the join flags and names the join type; explains not joined, registered only, dual state (WorkplaceJoined YES on a hybrid device) and EnterpriseJoined with AzureAdJoined.',
  step: 'Troubleshoot join failures, step 2',
  phase: null,
  docs: [DOCS.evaluateStatus],
  findings: {
    'join-type-inferred': {
      severity: 'info',
      title: 'Join state inferred: the capture has no Device State section',
    },
    'not-domain-joined': {
      severity: 'info',
      title: 'Not joined: the device is in no Active Directory domain and no Microsoft Entra tenant',
    },
    'entra-registered': {
      severity: 'info',
      title: 'Microsoft Entra registered (a work or school account on a personal device)',
    },
    'dual-state': {
      severity: 'warning',
      title: 'Dual state: hybrid joined and also Microsoft Entra registered',
    },
    'enterprise-and-entra-joined': {
      severity: 'warning',
      title: 'EnterpriseJoined and AzureAdJoined are both YES',
    },
  },
  check({ r, facts }, report) {
    const flags = cite(r, 'AzureAdJoined', 'DomainJoined', 'WorkplaceJoined', 'EnterpriseJoined');

    if (facts.joinTypeInferred) {
      const lastAttempt = facts.joinAttempts[facts.joinAttempts.length - 1];
      const partial = r.field('AzureAdJoined') !== undefined || r.field('DomainJoined') !== undefined;
      report('join-type-inferred', {
        title: partial
          ? 'Join state inferred: the Device State section is incomplete'
          : 'Join state inferred: the capture has no Device State section',
        evidence: facts.joinTypeInferred.fields
          .flatMap((f) => r.cite(f))
          .concat(
            facts.joinTypeInferred.fields.length === 0 && lastAttempt
              ? [citeEvent(lastAttempt.records[0]!)]
              : [],
          ),
        cause: `The input does not print both DomainJoined and AzureAdJoined, so the join state was worked out from other fields: ${facts.joinTypeInferred.reason}.`,
        fix: ['Capture the full `dsregcmd /status` output to confirm the join state.'],
        docs: [DOCS.evaluateStatus],
      });
    }

    if (facts.joinType === 'not-joined') {
      report('not-domain-joined', {
        evidence: flags,
        cause:
          'DomainJoined is NO, so Microsoft Entra hybrid join cannot happen on this device; it is not Microsoft Entra joined or registered either.',
        fix: [
          'For hybrid join, join the device to the on-premises Active Directory domain first; the join to Microsoft Entra ID follows automatically when the SCP is configured.',
        ],
        docs: [DOCS.evaluateStatus],
      });
    }

    if (facts.joinType === 'entra-registered') {
      report('entra-registered', {
        evidence: flags,
        cause:
          'Only WorkplaceJoined is YES: a work or school account was added to this device, which registers it with Microsoft Entra ID. It is not domain joined, so hybrid join does not apply, and AzureAdPrt stays NO on a registered device (the work account gets its tokens through the account itself).',
        fix: ['Nothing to fix for registration. For hybrid join the device must be joined to the domain.'],
        docs: [DOCS.evaluateStatus, DOCS.dsregcmd],
      });
    }

    if (facts.joinType === 'hybrid' && facts.workplaceJoined === true) {
      report('dual-state', {
        evidence: cite(r, 'WorkplaceJoined', 'AzureAdJoined', 'DomainJoined'),
        cause:
          'A work or school account was added before hybrid join finished, so the device holds both states. Windows 10 1607 and later ignore the registered account for sign-in; from 1803 (with KB4489894) Windows removes the registered state when a domain user signs in after hybrid join, but local accounts keep it.',
        fix: [
          'Let a domain user sign in so Windows 10 1803 and later clean up the registered state, or disconnect the work account in Settings > Accounts > Access work or school.',
          'Prevent it on domain-joined devices with the policy value HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WorkplaceJoin BlockAADWorkplaceJoin = 1.',
        ],
        docs: [DOCS.evaluateStatus, DOCS.dualState],
      });
    }

    if (facts.enterpriseJoined === true && facts.azureAdJoined === true) {
      report('enterprise-and-entra-joined', {
        evidence: cite(r, 'EnterpriseJoined', 'AzureAdJoined'),
        cause:
          'EnterpriseJoined means a join to an on-premises device registration service (AD FS); the documentation says it should not be YES together with AzureAdJoined. Leftovers of an old on-premises registration can cause it.',
        fix: [
          'Check whether an on-premises device registration service is still in use, and plan to remove the old registration.',
        ],
        docs: [DOCS.dsregcmd],
      });
    }
  },
});
