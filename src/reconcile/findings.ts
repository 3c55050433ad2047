// What reconcile says about a device, in the project's own words: one entry per finding id, with
// the state it explains, its severity, cause and fix. The facts come from the hybrid join guide and
// Microsoft's device management pages; the links go to them.
import { DOCS } from '../kb/docs.js';
import type { Evidence, Severity } from '../types.js';
import type { ReconcileFinding, State } from './types.js';

const DEVICES = 'https://learn.microsoft.com/entra/identity/devices';
export const RECONCILE_DOCS = {
  verify: `${DEVICES}/how-to-hybrid-join-verify`,
  howItWorks: `${DEVICES}/device-registration-how-it-works`,
  stale: `${DEVICES}/manage-stale-devices`,
  faq: `${DEVICES}/faq`,
  deleted: DOCS.faqDeleted,
  dualState: DOCS.dualState,
  joinPhase: `${DOCS.guide}#join-phase`,
  syncFiltering:
    'https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-sync-configure-filtering',
  prerequisites: DOCS.prerequisites,
} as const;

interface FindingText {
  state: State;
  severity: Severity;
  title: string;
  cause: string;
  fix: string[];
  docs: string[];
}

/** The hours after creation within which a computer is not expected to have synced yet. */
export const RECENT_HOURS = 2;
/** The shortest staleness threshold allowed: the last sign-in is only updated about every 14 days. */
export const MIN_STALE_DAYS = 21;

const STALE_FIX = [
  'Confirm with the owner that the device is out of use, then disable it first and delete it only after a waiting period in which nobody missed it.',
  'For a hybrid joined device, disable (and later delete) the computer in Active Directory: the next sync disables (and deletes) the device object; changed only in Microsoft Entra ID, the next sync would bring it back.',
  `For a Microsoft Entra joined or registered device, disable the object in Microsoft Entra ID. Never use a threshold under ${MIN_STALE_DAYS} days: the last sign-in is updated only about every 14 days.`,
];

export const FINDINGS = {
  'pending-registration': {
    state: 'pending',
    severity: 'warning',
    title: 'Registration pending: the device has not completed hybrid join',
    cause:
      'Microsoft Entra Connect synchronized the computer and created its hybrid device object, but the device has not yet registered against it (the registration time shows Pending, or the object carries no device key).',
    fix: [
      'Nothing to change when the computer synced recently: the device completes the registration by itself at the next user sign-in after the sync.',
      'If it stays pending, run `dsregcmd /status` on the device (elevated) and read it with `dsreg-doctor diagnose`: the failing phase and code say why the join does not finish.',
    ],
    docs: [RECONCILE_DOCS.verify, RECONCILE_DOCS.howItWorks],
  },
  'not-synced-recently-created': {
    state: 'not-synced',
    severity: 'info',
    title: 'No device object yet: the computer was created too recently to have synced',
    cause: `The computer was created less than ${RECENT_HOURS} hours before the reference time. The device first writes its certificate to userCertificate, then Microsoft Entra Connect has to run a sync cycle (every 30 minutes by default) before the device object exists.`,
    fix: ['Wait for the next sync cycles and reconcile again.'],
    docs: [RECONCILE_DOCS.howItWorks],
  },
  'not-synced-not-windows': {
    state: 'not-synced',
    severity: 'info',
    title: 'No device object: the computer is not a Windows computer',
    cause:
      'Only Windows computers do hybrid join; other computers in Active Directory never get a hybrid device object.',
    fix: ['Nothing to do for hybrid join; leave it out of the sync scope if it should not sync at all.'],
    docs: [RECONCILE_DOCS.prerequisites],
  },
  'not-synced-no-certificate': {
    state: 'not-synced',
    severity: 'error',
    title: 'No device object: the computer has no userCertificate',
    cause:
      'Microsoft Entra Connect creates the hybrid device object only for a computer whose userCertificate holds the certificate the device wrote when it started the join. This computer has none: the device has not run the join (it has not restarted or been signed in to since joining the domain, the join is not configured for it, or it cannot reach a domain controller).',
    fix: [
      'On the device, run `dsregcmd /status` elevated and read it with `dsreg-doctor diagnose`: the Diagnostic Data shows the phase (precheck, discover) that stops the join.',
      'Check that the service connection point (or the client-side registry setting) names the tenant, and that hybrid join is not turned off for the device by policy.',
    ],
    docs: [DOCS.guide, RECONCILE_DOCS.howItWorks],
  },
  'not-synced-no-hybrid-certificate': {
    state: 'not-synced',
    severity: 'error',
    title: 'No device object: no userCertificate is the hybrid join certificate',
    cause:
      'The computer has certificates in userCertificate, but none is the self-signed one with subject CN={objectGUID} that the device writes for hybrid join; Microsoft Entra Connect has nothing to create the device object from.',
    fix: [
      'Run `dsregcmd /status` elevated on the device and read it with `dsreg-doctor diagnose` to see why the join does not write its certificate.',
      'Leave the other certificates in place; they belong to other uses.',
    ],
    docs: [RECONCILE_DOCS.howItWorks, DOCS.guide],
  },
  'not-synced-certificate-expired': {
    state: 'not-synced',
    severity: 'error',
    title: 'No device object: every hybrid join certificate has expired',
    cause:
      'The self-signed CN={objectGUID} certificates in userCertificate are all past their end date, so the sync does not use them to create the device object.',
    fix: [
      'Start the join again on the device: sign in (or run the Automatic-Device-Join task under Task Scheduler > Microsoft > Windows > Workplace Join); the device writes a new certificate, and the next sync creates the object.',
    ],
    docs: [RECONCILE_DOCS.howItWorks],
  },
  'not-synced-out-of-scope': {
    state: 'not-synced',
    severity: 'error',
    title: 'No device object although the computer has a valid hybrid join certificate',
    cause:
      'The computer carries a valid self-signed CN={objectGUID} certificate, so the device did its part; the device object is missing because Microsoft Entra Connect does not sync this computer: its OU is outside the sync scope, device sync was turned off, or the object was deleted in Microsoft Entra ID after it left the scope.',
    fix: [
      "Check that the computer's OU is in the sync scope of Microsoft Entra Connect and that device objects are synchronized, then wait for a sync cycle.",
      'Until the device object exists, the device fails the join with DirectoryError "device object ... is not found" (0x801c03f2).',
    ],
    docs: [RECONCILE_DOCS.syncFiltering, RECONCILE_DOCS.joinPhase],
  },
  'device-not-in-exports': {
    state: 'not-synced',
    severity: 'warning',
    title: 'The device is in neither export',
    cause:
      "Neither the AD export nor the Microsoft Entra export has a computer or object with the device's DeviceId or name: the exports may leave out its domain or OU, or the device was renamed or re-created since.",
    fix: [
      'Check that the exports cover the domain and OU of the device, and compare its DeviceId and name (`dsregcmd /status`) with the directories.',
    ],
    docs: [RECONCILE_DOCS.verify],
  },
  'orphaned-device-object': {
    state: 'orphaned',
    severity: 'warning',
    title: 'Hybrid device object without its computer in the AD export',
    cause:
      'The object is a hybrid (ServerAd) device, but no computer in the Active Directory export has its objectGUID, SID or certificate. Either the export left out the domain or OU of that computer, or the computer was deleted or re-created and the object is a leftover.',
    fix: [
      'First check that the AD export covers every synced domain and OU; a computer found there is not orphaned.',
      'A computer that no longer exists: its object goes away with the next sync when sync still manages it; a leftover that stays is cleaned up as a stale device (disable, wait, delete).',
    ],
    docs: [RECONCILE_DOCS.stale, RECONCILE_DOCS.faq],
  },
  'dual-state-registered-object': {
    state: 'dual-state',
    severity: 'warning',
    title: 'Hybrid joined and Microsoft Entra registered at once (dual state)',
    cause:
      'Besides the hybrid device object there is a Microsoft Entra registered (Workplace) object of the same name: a work account was added on the device before hybrid join completed. Which of the two a sign-in uses is not certain.',
    fix: [
      'Windows 10 1803 with KB4489894 and later remove the registered state when a domain user signs in after hybrid join; set BlockAADWorkplaceJoin = 1 (HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WorkplaceJoin) to keep it from coming back.',
      'Then delete the registered object once it is no longer used.',
    ],
    docs: [RECONCILE_DOCS.dualState, RECONCILE_DOCS.faq],
  },
  'disabled-in-entra': {
    state: 'disabled',
    severity: 'warning',
    title: 'The device object is disabled in Microsoft Entra ID',
    cause:
      'A disabled device cannot authenticate: its users get no PRT, and Conditional Access that requires a hybrid joined device blocks them.',
    fix: [
      'If the device is in use, enable it again; for a hybrid device, make sure its computer is enabled in Active Directory, since the sync brings the state over from there.',
    ],
    docs: [RECONCILE_DOCS.deleted],
  },
  'disabled-in-ad': {
    state: 'disabled',
    severity: 'warning',
    title: 'The computer is disabled in Active Directory',
    cause: 'A disabled computer account disables its hybrid device object at the next sync.',
    fix: [
      'If the device is still in use, enable the computer in Active Directory; otherwise this is the first step of its cleanup.',
    ],
    docs: [RECONCILE_DOCS.stale],
  },
  'stale-device': {
    state: 'stale',
    severity: 'warning',
    title: 'Stale: no sign-in and no logon within the threshold',
    cause:
      'Neither Microsoft Entra ID (approximate last sign-in) nor Active Directory (lastLogonTimestamp) saw the device within the staleness threshold.',
    fix: STALE_FIX,
    docs: [RECONCILE_DOCS.stale],
  },
  'duplicate-device-objects': {
    state: 'duplicate',
    severity: 'warning',
    title: 'More than one hybrid device object for one computer',
    cause:
      'Several hybrid device objects belong to the same computer; repeated unjoins and rejoins, or a reimage, leave the older ones behind.',
    fix: [
      'Keep the object the device uses (its DeviceId in `dsregcmd /status`, usually the one with the latest sign-in) and clean up the others as stale devices: disable, wait, delete.',
    ],
    docs: [RECONCILE_DOCS.faq, RECONCILE_DOCS.stale],
  },
  'entra-joined-device': {
    state: 'entra-joined',
    severity: 'info',
    title: 'Microsoft Entra joined (not a hybrid device)',
    cause:
      'The object is a Microsoft Entra joined (AzureAd) device: it has no computer in Active Directory to reconcile with.',
    fix: ['Nothing to do for hybrid join.'],
    docs: [RECONCILE_DOCS.verify],
  },
  'registered-only-device': {
    state: 'registered-only',
    severity: 'info',
    title: 'Only Microsoft Entra registered',
    cause:
      'The only object is a Microsoft Entra registered (Workplace) device, such as a personal device with a work account.',
    fix: [
      'Nothing to do for hybrid join; a domain-joined computer in this state has not completed hybrid join.',
    ],
    docs: [RECONCILE_DOCS.faq],
  },
  'matched-by-name': {
    state: 'registered',
    severity: 'warning',
    title: 'Computer and device object paired by name only',
    cause:
      'The hybrid device object has neither the objectGUID, nor the SID, nor a certificate of the computer; only the name is the same, which two different machines can share.',
    fix: [
      'Compare the DeviceId that `dsregcmd /status` prints on the device with the objectGUID of the computer: for a hybrid device they are equal.',
    ],
    docs: [RECONCILE_DOCS.verify],
  },
  'contradiction-deleted-while-joined': {
    state: 'contradiction',
    severity: 'error',
    title: 'The device says it is joined, but its device object does not exist',
    cause:
      'The device reports a DeviceId that no object in the Microsoft Entra export has: the object was deleted (by an administrator, or because the computer left the sync scope) while the device kept its join. Its local state stays joined by design, and it gets no PRT.',
    fix: [
      'On a hybrid device, run `dsregcmd /leave` from an elevated prompt (as the FAQ says: `dsregcmd.exe /debug /leave`), then sign out and in again: the device joins again and the next sync completes it.',
      'On a Microsoft Entra joined device, run `dsregcmd /forcerecovery` as an administrator and sign in.',
    ],
    docs: [RECONCILE_DOCS.deleted],
  },
  'contradiction-pending-while-joined': {
    state: 'contradiction',
    severity: 'error',
    title: 'The device says it is joined, but its device object is still pending',
    cause:
      'The device reports AzureAdJoined YES while its object in the export has not completed registration: the device joined against an object that was deleted and synced again as a new, pending one, or the export is older than the registration.',
    fix: [
      'Export the devices again; if the object is still pending, run `dsregcmd /leave` elevated on the device and sign in again so that it registers against the current object.',
    ],
    docs: [RECONCILE_DOCS.deleted, RECONCILE_DOCS.verify],
  },
  'contradiction-disabled-while-joined': {
    state: 'contradiction',
    severity: 'error',
    title: 'The device says it is joined, but its object or computer is disabled',
    cause:
      'The device keeps its join while its device object (or its computer in AD) is disabled: it cannot authenticate or get a PRT.',
    fix: [
      'If the device is in use, enable it again (for a hybrid device, in Active Directory: the sync brings the state to Microsoft Entra ID).',
    ],
    docs: [RECONCILE_DOCS.deleted],
  },
  'contradiction-auth-failed-while-registered': {
    state: 'contradiction',
    severity: 'error',
    title: 'The device says its object is disabled or deleted, the export shows it active',
    cause:
      "The device's DeviceAuthStatus failed, yet the exported object with its DeviceId is enabled and registered: the export is older than a change to the object, or the device cannot reach Microsoft Entra ID to authenticate.",
    fix: [
      'Export the devices again; if the object is really active, diagnose the device-side failure from its capture.',
    ],
    docs: [RECONCILE_DOCS.deleted],
  },
  'contradiction-not-joined-while-registered': {
    state: 'contradiction',
    severity: 'warning',
    title: 'The device says it is not joined, but its device object is registered',
    cause:
      'The capture shows a domain-joined device without hybrid join, while the export holds a completed hybrid object for it: the device left the join (or lost its keys) after registering.',
    fix: [
      'Sign in on the device (or run the Automatic-Device-Join task); if the join fails, read its `dsregcmd /status` with `dsreg-doctor diagnose` for the phase and code.',
    ],
    docs: [DOCS.guide],
  },
} satisfies Record<string, FindingText>;

for (const t of Object.values(FINDINGS) as FindingText[]) {
  Object.freeze(t.fix);
  Object.freeze(t.docs);
}

export type FindingId = keyof typeof FINDINGS;

/** The codes of every reconcile finding: none (one frozen list shared by all of them). */
const NO_CODES: readonly ReconcileFinding['codes'][number][] = Object.freeze([]);

export function makeFinding(id: FindingId, evidence: Evidence[], extraCause?: string): ReconcileFinding {
  const t: FindingText = FINDINGS[id];
  return {
    id,
    rule: `reconcile-${t.state}`,
    severity: t.severity,
    phase: null,
    title: t.title,
    codes: NO_CODES as ReconcileFinding['codes'],
    evidence,
    cause: extraCause ? `${t.cause} ${extraCause}` : t.cause,
    // Shared by every finding of the id (frozen): 200,000 stale devices need not copy them.
    fix: t.fix as string[],
    docs: t.docs as string[],
  };
}

export function stateOf(id: FindingId): State {
  return FINDINGS[id].state;
}
