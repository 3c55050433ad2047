// Links to the official documentation, one per section of the troubleshooting guide that the
// findings rest on. Anchors are the slugs learn.microsoft.com gives the guide's headings.

export const GUIDE =
  'https://learn.microsoft.com/entra/identity/devices/troubleshoot-hybrid-join-windows-current';

export const DOCS = {
  guide: GUIDE,
  retrieveStatus: `${GUIDE}#step-1-retrieve-the-join-status`,
  evaluateStatus: `${GUIDE}#step-2-evaluate-the-join-status`,
  findPhase: `${GUIDE}#step-3-find-the-phase-in-which-the-join-failed-and-the-error-code`,
  precheck: `${GUIDE}#precheck-phase`,
  discover: `${GUIDE}#discover-phase`,
  auth: `${GUIDE}#authentication-phase`,
  join: `${GUIDE}#join-phase`,
  collectJoinLogs: `${GUIDE}#step-5-collect-logs-and-contact-microsoft-support`,
  prtStatus: `${GUIDE}#step-1-retrieve-the-prt-status-by-using-dsregcmd-status`,
  prtErrorCode: `${GUIDE}#step-2-find-the-error-code`,
  prtCodes: `${GUIDE}#step-3-troubleshoot-further-based-on-the-found-error-code`,
  serverCodes: `${GUIDE}#common-server-error-codes`,
  networkCodes: `${GUIDE}#common-network-error-codes`,
  collectPrtLogs: `${GUIDE}#step-4-collect-logs`,
  dsregcmd: 'https://learn.microsoft.com/entra/identity/devices/troubleshoot-device-dsregcmd',
  dsregcmdDeviceDetails:
    'https://learn.microsoft.com/entra/identity/devices/troubleshoot-device-dsregcmd#device-details',
  dsregcmdDiagnostics:
    'https://learn.microsoft.com/entra/identity/devices/troubleshoot-device-dsregcmd#diagnostic-data',
  dsregcmdSso: 'https://learn.microsoft.com/entra/identity/devices/troubleshoot-device-dsregcmd#sso-state',
  scp: 'https://learn.microsoft.com/entra/identity/devices/hybrid-join-manual#configure-a-service-connection-point',
  prerequisites: 'https://learn.microsoft.com/entra/identity/devices/how-to-hybrid-join#prerequisites',
  faqDeleted:
    'https://learn.microsoft.com/entra/identity/devices/faq#i-disabled-or-deleted-my-device--but-the-local-state-on-the-device-says-it-s-registered--what-should-i-do',
  dualState:
    'https://learn.microsoft.com/entra/identity/devices/hybrid-join-plan#handling-devices-with-microsoft-entra-registered-state',
  prtConcept: 'https://learn.microsoft.com/entra/identity/devices/concept-primary-refresh-token',
  altLoginId:
    'https://learn.microsoft.com/windows-server/identity/ad-fs/operations/configuring-alternate-login-id',
  tpmAntiHammering:
    'https://learn.microsoft.com/windows/security/hardware-security/tpm/tpm-fundamentals#anti-hammering',
  winhttpErrors: 'https://learn.microsoft.com/windows/win32/winhttp/error-messages',
  deviceWriteback: 'https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-device-options',
  adfsDeviceAuthentication:
    'https://learn.microsoft.com/windows-server/identity/ad-fs/operations/configure-device-based-conditional-access-on-premises',
  federationClaims:
    'https://learn.microsoft.com/entra/identity/devices/hybrid-join-manual#set-up-issuance-of-claims',
} as const;
