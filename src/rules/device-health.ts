// Post-join device health as the client sees it: DeviceAuthStatus, the device keys (KeySignTest,
// AadRecoveryEnabled), the device certificate's validity, and where the keys are stored.

import { parseDsregTime } from '../facts.js';
import { DOCS } from '../kb/docs.js';
import { findHexCodes } from '../kb/format.js';
import type { JoinType } from '../types.js';
import type { Rule } from './rule.js';
import { cite, codeSet } from './util.js';

/** How to re-register a device whose object was deleted, per join type (from the device FAQ). */
export function reRegisterSteps(joinType: JoinType): string[] {
  const hybrid =
    'Hybrid joined: run `dsregcmd /debug /leave` from an elevated prompt, then sign out and in; the Automatic-Device-Join task registers the device again (a deleted hybrid device comes back through sync, so check the computer is in sync scope).';
  const joined =
    'Microsoft Entra joined: run `dsregcmd /forcerecovery` as a local administrator and sign in again with a Microsoft Entra account.';
  const registered = 'Microsoft Entra registered: disconnect the work or school account and add it again.';
  if (joinType === 'hybrid') return [hybrid];
  if (joinType === 'entra-joined') return [joined];
  if (joinType === 'entra-registered') return [registered];
  return [hybrid, joined, registered];
}

export const deviceAuthStatus: Rule = {
  id: 'device-auth-status',
  description:
    'DeviceAuthStatus FAILED: the device object is disabled or deleted, or the check itself could not run.',
  step: 'Troubleshoot post-join authentication issues (AADSTS50155 and the device FAQ)',
  phase: 'post-join',
  check({ r, facts, names }) {
    const f = r.field('DeviceAuthStatus');
    if (!f || !/^FAILED/i.test(f.value)) return [];
    if (/disabled|deleted/i.test(f.value)) {
      return [
        {
          id: 'device-disabled-or-deleted',
          severity: 'error',
          phase: 'post-join',
          title: 'The device object is disabled or deleted in Microsoft Entra ID',
          codes: [],
          evidence: cite(r, f, 'AzureAdJoined', 'DomainJoined'),
          cause:
            'The device still believes it is registered, but Microsoft Entra ID no longer accepts it: its object was disabled or deleted (by an administrator, by a user in My Apps, by a cleanup of stale devices, or, for a hybrid device, because its OU left the sync scope or its computer account was disabled on-premises). Sign-ins get no PRT (AADSTS50155) until this is fixed.',
          fix: [
            'Check the device in the Microsoft Entra admin center. If it is disabled, enable it (a hybrid device is enabled on-premises and the next sync carries it over).',
            'If it was deleted, register it again:',
            ...reRegisterSteps(facts.joinType),
          ],
          docs: [DOCS.dsregcmdDeviceDetails, DOCS.faqDeleted, DOCS.serverCodes],
        },
      ];
    }
    return [
      {
        id: 'device-auth-status-unknown',
        severity: 'warning',
        phase: 'post-join',
        title: 'The device authentication check could not run',
        codes: codeSet(findHexCodes(f.value), names).refs,
        evidence: cite(r, f),
        cause:
          'DeviceAuthStatus reports an error rather than a result: the check needs the SYSTEM context to reach Microsoft Entra ID, so the device may be offline or behind a proxy the computer account cannot use.',
        fix: [
          'Run `dsregcmd /status` again elevated while the device is online, and check the proxy for the computer account.',
        ],
        docs: [DOCS.dsregcmdDeviceDetails],
      },
    ];
  },
};

export const keySignTest: Rule = {
  id: 'key-sign-test',
  description:
    'KeySignTest: the device key could not sign (keys unusable), or the test was not run (needs elevation).',
  step: 'dsregcmd Diagnostic Data (post-join)',
  phase: 'post-join',
  check({ r, names }) {
    const f = r.field('KeySignTest');
    if (!f) return [];
    if (/elevat/i.test(f.value)) {
      return [
        {
          id: 'key-sign-test-not-run',
          severity: 'info',
          phase: 'post-join',
          title: 'The device key test was not run (the capture was not elevated)',
          codes: [],
          evidence: cite(r, f),
          cause:
            'KeySignTest only runs from an elevated prompt; this capture says nothing about the health of the device keys.',
          fix: ['To check the device keys, run `dsregcmd /status` from an elevated prompt.'],
          docs: [DOCS.dsregcmdDiagnostics],
        },
      ];
    }
    if (/^PASS/i.test(f.value)) return [];
    return [
      {
        id: 'key-sign-test-failed',
        severity: 'error',
        phase: 'post-join',
        title: 'The device key failed the signing test',
        codes: codeSet(findHexCodes(f.value), names).refs,
        evidence: cite(r, f, 'KeyProvider', 'TpmProtected'),
        cause:
          'The private key of the device could not sign a test message: the key is missing or unusable (the TPM may have been cleared or reset). Windows usually marks such a device for recovery.',
        fix: [
          'Let Windows recover the registration at the next sign-in (see AadRecoveryEnabled), or re-register the device as its join type requires.',
          'Avoid clearing the TPM on joined devices.',
        ],
        docs: [DOCS.dsregcmdDiagnostics, DOCS.join],
      },
    ];
  },
};

export const aadRecovery: Rule = {
  id: 'aad-recovery-enabled',
  description: 'AadRecoveryEnabled YES: the device keys are unusable and the device is marked for recovery.',
  step: 'dsregcmd Diagnostic Data (post-join)',
  phase: 'post-join',
  check({ r, facts }) {
    const f = r.field('AadRecoveryEnabled');
    if (!f || r.flag('AadRecoveryEnabled') !== true) return [];
    return [
      {
        id: 'aad-recovery-enabled',
        severity: 'error',
        phase: 'post-join',
        title: 'The device is marked for recovery: its keys are unusable',
        codes: [],
        evidence: cite(r, f, 'KeySignTest'),
        cause:
          'Windows found the device keys unusable and scheduled a recovery of the registration at the next sign-in.',
        fix: [
          facts.joinType === 'hybrid'
            ? 'Sign out and in: a hybrid joined device recovers silently.'
            : 'Sign out and in: the user is asked to authenticate so that the device registers again.',
        ],
        docs: [DOCS.dsregcmdDiagnostics],
      },
    ];
  },
};

export const deviceCertificate: Rule = {
  id: 'device-certificate-validity',
  description:
    'DeviceCertificateValidity: a device certificate that has expired or is not yet valid at the capture time.',
  step: 'dsregcmd Device Details',
  phase: 'post-join',
  check({ r, facts }) {
    const f = r.field('DeviceCertificateValidity');
    if (!f || !facts.referenceTime) return [];
    const m = /\[\s*(.+?)\s+--\s+(.+?)\s*\]/.exec(f.value);
    const from = parseDsregTime(m?.[1]);
    const to = parseDsregTime(m?.[2]);
    const now = facts.referenceTime.ms;
    if (to !== undefined && to < now) {
      return [
        {
          id: 'device-certificate-expired',
          severity: 'error',
          phase: 'post-join',
          title: 'The device certificate has expired',
          codes: [],
          evidence: cite(r, f, facts.referenceTime.field),
          cause:
            'The certificate that proves the device identity to Microsoft Entra ID is past its end date, so device authentication fails.',
          fix: ['Register the device again:', ...reRegisterSteps(facts.joinType)],
          docs: [DOCS.dsregcmdDeviceDetails],
        },
      ];
    }
    if (from !== undefined && from > now + 5 * 60000) {
      return [
        {
          id: 'device-certificate-not-yet-valid',
          severity: 'warning',
          phase: 'post-join',
          title: 'The device certificate is not valid yet at the capture time',
          codes: [],
          evidence: cite(r, f, facts.referenceTime.field),
          cause:
            "The certificate's start date lies after the capture time: the device clock (or the time given with --now) is behind.",
          fix: ['Check the device clock and its time source.'],
          docs: [DOCS.dsregcmdDeviceDetails],
        },
      ];
    }
    return [];
  },
};

export const softwareKeys: Rule = {
  id: 'software-key-storage',
  description: 'The device keys live in software rather than in a TPM.',
  step: 'dsregcmd Device Details',
  phase: null,
  check({ r, facts }) {
    if (facts.azureAdJoined !== true) return [];
    const provider = r.field('KeyProvider');
    const tpm = r.field('TpmProtected');
    if (!(provider && /software/i.test(provider.value)) && r.flag('TpmProtected') !== false) return [];
    return [
      {
        id: 'software-key-storage',
        severity: 'info',
        phase: null,
        title: 'Device keys are stored in software, not in a TPM',
        codes: [],
        evidence: cite(r, provider, tpm),
        cause:
          'The device key is not protected by a TPM (no usable TPM, a virtual machine without vTPM, or Windows fell back after TPM errors). Registration works, but the keys are easier to extract and some policies require a TPM-bound key.',
        fix: [
          'Nothing to fix for the join. Where a hardware-bound key matters, enable a TPM (or vTPM) and re-register.',
        ],
        docs: [DOCS.dsregcmdDeviceDetails],
      },
    ];
  },
};

export const captureContext: Rule = {
  id: 'capture-context',
  description:
    'The User Context of the pre-join diagnostics: a capture not run elevated, or not as SYSTEM, is less reliable.',
  step: 'Troubleshoot join failures, step 1',
  phase: null,
  check({ r, facts }) {
    const f = r.field('User Context');
    if (!f || !facts.userContext) return [];
    const v = facts.userContext.toUpperCase();
    if (v.includes('UN-ELEVATED') || v.includes('UNELEVATED')) {
      return [
        {
          id: 'capture-not-elevated',
          severity: 'warning',
          phase: null,
          title: 'The diagnostics ran un-elevated, not as the device would join',
          codes: [],
          evidence: cite(r, f),
          cause:
            'The join runs as SYSTEM, but these tests ran as an ordinary user: network access through a proxy, and the tests themselves, can differ from what the device sees, so the result may be misleading.',
          fix: [
            'Run `dsregcmd /status` again from an elevated prompt, or better as SYSTEM (for example `psexec -s -i cmd` then `dsregcmd /status`).',
          ],
          docs: [DOCS.retrieveStatus, DOCS.dsregcmdDiagnostics],
        },
      ];
    }
    if (v.includes('ELEVATED')) {
      return [
        {
          id: 'capture-not-system',
          severity: 'info',
          phase: null,
          title: 'The diagnostics ran as an elevated user, not as SYSTEM',
          codes: [],
          evidence: cite(r, f),
          cause:
            'The join runs as SYSTEM; an elevated user has the same rights but may use a different proxy configuration.',
          fix: ['If network tests fail, repeat them as SYSTEM (for example `psexec -s -i cmd`).'],
          docs: [DOCS.dsregcmdDiagnostics],
        },
      ];
    }
    return [];
  },
};

export const syncJoinFallback: Rule = {
  id: 'sync-join-fallback-disabled',
  description: 'Fallback to Sync-Join DISABLED: a failed federated join is not completed by sync join.',
  step: 'dsregcmd Diagnostic Data (pre-join)',
  phase: null,
  check({ r }) {
    const f = r.field('Fallback to Sync-Join');
    if (!f || !/DISABLED/i.test(f.value)) return [];
    return [
      {
        id: 'sync-join-fallback-disabled',
        severity: 'info',
        phase: null,
        title: 'Fallback to sync join is disabled',
        codes: [],
        evidence: cite(r, f),
        cause:
          'When a federated join fails, Windows 10 1803 and later normally finish the join through Microsoft Entra Connect sync; the FallbackToSyncJoin registry value turns that off on this device.',
        fix: [
          'Unless it was turned off on purpose, remove HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\CDJ FallbackToSyncJoin (or set it to 1).',
        ],
        docs: [DOCS.dsregcmdDiagnostics],
      },
    ];
  },
};

export const wpadFailure: Rule = {
  id: 'wpad-detection-failed',
  description:
    'Auto Detect PAC Status: WPAD could not find a proxy script (only matters where a proxy is required).',
  step: 'dsregcmd proxy sections',
  phase: null,
  check({ r, names }) {
    const f = r.field('Auto Detect PAC Status');
    if (!f || !/fail/i.test(f.value)) return [];
    return [
      {
        id: 'wpad-detection-failed',
        severity: 'info',
        phase: null,
        title: 'No proxy auto-configuration script was found through WPAD',
        codes: codeSet(findHexCodes(f.value), names).refs,
        evidence: cite(r, f),
        cause:
          'Windows looked for a proxy script with WPAD and found none. That is normal on a network without a proxy; where outbound traffic must use a proxy, the computer account will not find it this way.',
        fix: [
          'If the network requires a proxy, publish it through WPAD or configure a WinHTTP proxy for the computer by policy.',
        ],
        docs: [DOCS.discover, DOCS.prerequisites],
      },
    ];
  },
};
