// DeviceAuthStatus: whether Microsoft Entra ID still accepts the device (a disabled or deleted
// object fails it).
import { DOCS } from '../kb/docs.js';
import { findHexCodes } from '../kb/format.js';
import { reRegisterSteps } from '../kb/next-steps.js';
import { defineRule } from './rule.js';
import { cite, codeSet } from './util.js';

export const deviceAuthStatus = defineRule({
  id: 'device-auth-status',
  description:
    'DeviceAuthStatus FAILED: the device object is disabled or deleted (with the re-registration steps of its join type), or the check itself could not run.',
  step: 'Troubleshoot post-join authentication issues (AADSTS50155 and the device FAQ)',
  phase: 'post-join',
  docs: [DOCS.dsregcmdDeviceDetails, DOCS.faqDeleted, DOCS.serverCodes],
  findings: {
    'device-disabled-or-deleted': {
      severity: 'error',
      title: 'The device object is disabled or deleted in Microsoft Entra ID',
    },
    'device-auth-status-unknown': {
      severity: 'warning',
      title: 'The device authentication check could not run',
    },
  },
  check({ r, facts, names }, report) {
    const f = r.field('DeviceAuthStatus');
    if (!f || !/^FAILED/i.test(f.value)) return;
    if (/disabled|deleted/i.test(f.value)) {
      report('device-disabled-or-deleted', {
        evidence: cite(r, f, 'AzureAdJoined', 'DomainJoined'),
        cause:
          'The device still believes it is registered, but Microsoft Entra ID no longer accepts it: its object was disabled or deleted (by an administrator, by a user in My Apps, by a cleanup of stale devices, or, for a hybrid device, because its OU left the sync scope or its computer account was disabled on-premises). Sign-ins get no PRT (AADSTS50155) until this is fixed.',
        fix: [
          'Check the device in the Microsoft Entra admin center. If it is disabled, enable it (a hybrid device is enabled on-premises and the next sync carries it over).',
          'If it was deleted, register it again:',
          ...reRegisterSteps(facts.joinType),
        ],
        docs: [DOCS.dsregcmdDeviceDetails, DOCS.faqDeleted, DOCS.serverCodes],
      });
      return;
    }
    report('device-auth-status-unknown', {
      codes: codeSet(findHexCodes(f.value), names).refs,
      evidence: cite(r, f),
      cause:
        'DeviceAuthStatus reports an error rather than a result: the check needs the SYSTEM context to reach Microsoft Entra ID, so the device may be offline or behind a proxy the computer account cannot use.',
      fix: [
        'Run `dsregcmd /status` again elevated while the device is online, and check the proxy for the computer account.',
      ],
      docs: [DOCS.dsregcmdDeviceDetails],
    });
  },
});
