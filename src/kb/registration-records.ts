// What the newer fields of a failed registration in the Diagnostic Data mean (Windows builds of
// 2025 and later print them): Server ErrorSubCode, Server Operation and Registration Type, alone
// and in combination. Written in this project's own words.
import { DOCS } from './docs.js';
import type { ServerErrorEntry } from './types.js';

/**
 * A renewal of a registration whose device object is gone: the device keeps asking to renew a
 * registration that Microsoft Entra ID deleted, and no retry can repair it.
 */
export const RENEW_DEVICE_MISSING: ServerErrorEntry = {
  id: 'drs-renew-device-missing',
  code: 'error_missing_device',
  family: 'drs-server',
  phases: ['join'],
  title: 'The device renews a registration whose object no longer exists in Microsoft Entra ID',
  meaning:
    'The device still holds a registration and asked the registration service to renew it (Server Operation DeviceRenew), but the service has no device object for it any more (Server ErrorSubCode error_missing_device). The object was deleted in Microsoft Entra ID: by an administrator, by a cleanup of stale devices, or because the computer left the sync scope of Microsoft Entra Connect. Retrying cannot repair this: the device keeps renewing a registration that is gone, so the join must be done again.',
  fix: [
    'Check in the Microsoft Entra admin center whether a device object with this device ID still exists, and, for a hybrid device, that the OU of the computer is in the sync scope of Microsoft Entra Connect (after the next sync the computer comes back as a pending device).',
    'Then clear the stale registration on the device: run `dsregcmd /debug /leave` from an elevated prompt and sign out and in (or restart); the Automatic-Device-Join task joins the device again.',
  ],
  docs: [DOCS.join, DOCS.faqDeleted, DOCS.dsregcmdDiagnostics],
};

/** The registration was a renewal whose device object is missing. */
export function isRenewOfMissingDevice(subCode: string | undefined, operation: string | undefined): boolean {
  return /missing_?device|device_?not_?found/i.test(subCode ?? '') && /renew/i.test(operation ?? '');
}

/** Sentences about the record's newer fields, for the cause of a registration failure. */
export function registrationRecordMeanings(record: {
  subCode?: string | undefined;
  operation?: string | undefined;
  registrationType?: string | undefined;
}): string[] {
  const out: string[] = [];
  const { subCode, operation, registrationType } = record;
  if (/fallback/i.test(registrationType ?? '')) {
    out.push(
      `Registration Type ${registrationType}: the federated join did not succeed and Windows fell back to a sync join (through Microsoft Entra Connect), so this error is the fallback's; the federated path failed before it (see the Token acquisition Test).`,
    );
  }
  if (isRenewOfMissingDevice(subCode, operation)) return out;
  if (operation) {
    out.push(
      /renew/i.test(operation)
        ? `Server Operation ${operation}: the device asked to renew an existing registration, so it was registered before.`
        : `Server Operation ${operation}: the request the registration service refused.`,
    );
  }
  if (subCode) {
    out.push(
      /missing_?device|device_?not_?found/i.test(subCode)
        ? `Server ErrorSubCode ${subCode}: the registration service has no device object for this device.`
        : `Server ErrorSubCode ${subCode}: the registration service's detail for the error.`,
    );
  }
  return out;
}
