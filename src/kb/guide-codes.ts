// The codes that Microsoft's hybrid join troubleshooting guide covers, with what they mean and what
// to do, in this project's own words. Values are unsigned 32-bit numbers taken from the guide's hex
// column (its decimal column has typos); test/kb-guide-codes.test.ts checks every form agrees.
import type { Phase } from '../types.js';
import { DOCS } from './docs.js';
import type { CodeEntry, Family, ServerErrorEntry } from './types.js';

function code(
  value: number,
  name: string,
  family: Family,
  phases: Phase[],
  meaning: string,
  fix: string[],
  docs: string[],
): CodeEntry {
  return { value, name, family, phases, meaning, fix, docs };
}

/** Codes whose only advice is to read the sub-error or the server error. */
const GENERIC = new Set([
  'DSREG_AUTOJOIN_DISC_FAILED',
  'DSREG_AUTOJOIN_USERREALM_DISCOVERY_FAILED',
  'DSREG_E_DIRECTORY_FAILURE',
  'DSREG_E_DEVICE_AUTHENTICATION_ERROR',
  'DSREG_E_DEVICE_INTERNALSERVICE_ERROR',
  'ERROR_ADAL_OPERATION_PENDING',
]);

const SYSTEM_REACH =
  'From the device, as SYSTEM (for example with PsExec -s), confirm that https://enterpriseregistration.windows.net answers; the join runs as the computer, not as the signed-in user.';
const PROXY_MACHINE =
  'If traffic must go through an outbound proxy, make sure the computer account can find it (WPAD or a WinHTTP proxy set by policy) and authenticate to it without a prompt.';
const PROXY_TAMPER =
  'Check that no proxy or TLS inspection device rewrites or replaces the response; exempt the Microsoft Entra endpoints from inspection.';
const READ_1081_1088 =
  'Read the Microsoft-Windows-AAD Operational log: event 1081 holds the Entra server error, event 1088 the WS-Trust error; the nearest earlier event 1022 (Analytic log) names the URL that was called.';

const PRT_LOGON_MEANING =
  'The PRT request failed: either the device could not reach the Microsoft Entra authentication service, or the service or the WS-Trust endpoint answered HTTP 400 (WS-Trust is needed for federated users).';
const PRT_NETWORK_MEANING =
  'The PRT request failed on the network, or the server answered with an HTTP status above 400.';
const PRT_NETWORK_FIX = [
  'For a server error, read events 1081 and 1088 in the Microsoft-Windows-AAD Operational log.',
  'For a connectivity problem, event 1022 (Analytic log) names the URL and event 1084 (Operational log) the network sub-error.',
];
const WINHTTP_FIX = [
  'Events 1022 (Analytic) and 1084 (Operational) of the Microsoft-Windows-AAD log name the URL.',
  PROXY_MACHINE,
];
const TPM_FIX = [
  'Disable the TPM on the affected device; Windows 10 1809 and later notice TPM failures and join without the TPM.',
];
const AD_REPLICATION_MEANING =
  'Reported in event 220 when the computer object cannot be read: usually Active Directory replication has not brought the object to the domain controller yet.';
const AD_REPLICATION_FIX = ['Check Active Directory replication; it may resolve itself after a while.'];

export const GUIDE_CODES: CodeEntry[] = [
  // --- Discover phase -------------------------------------------------------------------------
  code(
    0x801c001d,
    'DSREG_AUTOJOIN_ADCONFIG_READ_FAILED',
    'dsreg',
    ['discover', 'join'],
    'The device could not read the service connection point (SCP) in Active Directory, so it does not know which Microsoft Entra tenant to join. On older builds the same code comes with event 220 when the computer object itself cannot be read.',
    [
      'Check that the SCP exists in the configuration partition of the forest the computer belongs to, and that its keywords name the tenant ID (azureADId) and a verified domain (azureADName).',
      'Where the SCP is deployed by registry instead (HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\CDJ\\AAD), check TenantId and TenantName there.',
      'If event 220 reports Windows error 1312 or 1317, the computer object is not yet replicated to the domain controller the device asked: fix or wait for Active Directory replication.',
    ],
    [DOCS.discover, DOCS.scp],
  ),
  code(
    0x801c0021,
    'DSREG_AUTOJOIN_DISC_FAILED',
    'dsreg',
    ['discover'],
    'Discovery failed: the device could not get the discovery metadata of the device registration service. The sub-error tells why.',
    [
      'Look at the sub-error (the second code in "FAIL [code/sub-code]" or in event 201) and follow its advice.',
    ],
    [DOCS.discover],
  ),
  code(
    0x801c001f,
    'DSREG_AUTOJOIN_DISC_WAIT_TIMEOUT',
    'dsreg',
    ['discover'],
    'Discovery did not finish in time.',
    [SYSTEM_REACH, PROXY_MACHINE],
    [DOCS.discover, DOCS.prerequisites],
  ),
  code(
    0x801c003d,
    'DSREG_AUTOJOIN_USERREALM_DISCOVERY_FAILED',
    'dsreg',
    ['discover'],
    'Realm discovery failed: the device could not learn from Microsoft Entra ID whether the domain is managed or federated (Windows 10 1809 and later do this step).',
    [
      'Look at the sub-error for the reason.',
      'From the device, as SYSTEM, confirm that https://login.microsoftonline.com answers.',
      PROXY_MACHINE,
    ],
    [DOCS.discover],
  ),
  code(
    0x80072efd,
    'WININET_E_CANNOT_CONNECT',
    'wininet',
    ['discover'],
    'No connection to the server could be opened.',
    [SYSTEM_REACH, PROXY_MACHINE],
    [DOCS.discover, DOCS.prerequisites],
  ),
  code(
    0x80072ee2,
    'WININET_E_TIMEOUT',
    'wininet',
    ['discover', 'join'],
    'A network request timed out: the registration service did not answer in time, or something on the way dropped the traffic.',
    [SYSTEM_REACH, PROXY_MACHINE],
    [DOCS.discover, DOCS.join, DOCS.prerequisites],
  ),
  code(
    0x80072f8f,
    'WININET_E_DECODING_FAILED',
    'wininet',
    ['discover'],
    'The network stack could not decode what the server sent back, which usually means something between the device and the service changed the response.',
    [PROXY_TAMPER],
    [DOCS.discover],
  ),
  code(
    0x801c003a,
    'DSREG_DISCOVERY_TENANT_NOT_FOUND',
    'dsreg',
    ['discover'],
    'The registration service does not know the tenant: the SCP names a wrong tenant ID, or the tenant has no active subscription.',
    [
      'Compare the tenant ID in the SCP (or the CDJ\\AAD registry value) with the tenant ID in the Microsoft Entra admin center and correct it.',
      'Make sure the tenant has an active subscription.',
    ],
    [DOCS.discover, DOCS.scp],
  ),
  code(
    0x801c0025,
    'DSREG_SERVER_BUSY',
    'dsreg',
    ['discover'],
    'The registration service answered HTTP 503: it is temporarily unavailable.',
    [
      'Nothing to change on the device: the next join attempt (at sign-in, or hourly by the scheduled task) should succeed once the service is back.',
    ],
    [DOCS.discover],
  ),
  code(
    0x8007000d,
    'E_INVALIDDATA',
    'hresult',
    ['discover'],
    'The discovery response could not be parsed as JSON. Typically a proxy answered HTTP 200 with its own HTML sign-in or block page instead of passing the request on.',
    [
      PROXY_MACHINE,
      'Run the discovery request as SYSTEM and look at what comes back: an HTML page points at the proxy.',
    ],
    [DOCS.discover],
  ),
  // --- Authentication phase (federated domains) -----------------------------------------------
  code(
    0xcaa90017,
    'ERROR_ADAL_PROTOCOL_NOT_SUPPORTED',
    'adal',
    ['auth'],
    'The federation service does not speak WS-Trust, which the device needs to get a token silently.',
    [
      'Enable WS-Trust on the on-premises identity provider (for AD FS, the windowstransport and usernamemixed endpoints).',
    ],
    [DOCS.auth, DOCS.federationClaims],
  ),
  code(
    0xcaa9002c,
    'ERROR_ADAL_FAILED_TO_PARSE_XML',
    'adal',
    ['auth'],
    'The federation service answered with something that is not XML.',
    [
      'Check that the federation service metadata exchange (MEX) endpoint returns valid XML.',
      'Check that no proxy returns its own page instead of the federation service response.',
    ],
    [DOCS.auth],
  ),
  code(
    0xcaa90023,
    'ERROR_ADAL_COULDNOT_DISCOVER_USERNAME_PASSWORD_ENDPOINT',
    'adal',
    ['auth'],
    'The metadata exchange (MEX) document of the federation service lists no endpoint the device can use for username/password or Windows authentication.',
    ['Enable the WS-Trust endpoints on the identity provider and check that its MEX document lists them.'],
    [DOCS.auth],
  ),
  code(
    0xcaa82ee2,
    'ERROR_ADAL_INTERNET_TIMEOUT',
    'adal',
    ['auth'],
    'A request to the sign-in service or the federation service timed out (the low 16 bits, 0x2ee2 = 12002, are the WinINet timeout).',
    [
      'From the device, as SYSTEM, confirm that https://login.microsoftonline.com and the federation service both answer.',
      PROXY_MACHINE,
    ],
    [DOCS.auth, DOCS.prerequisites],
  ),
  code(
    0xcaa82efe,
    'ERROR_ADAL_INTERNET_CONNECTION_ABORTED',
    'adal',
    ['auth'],
    'The connection to the authorization endpoint was cut off.',
    ['Try again later or from a more stable network; the scheduled task retries on its own.'],
    [DOCS.auth],
  ),
  code(
    0xcaa82f8f,
    'ERROR_ADAL_INTERNET_SECURE_FAILURE',
    'adal',
    ['auth'],
    "The server's TLS certificate could not be validated.",
    [
      "Check the device's clock: a large time skew makes valid certificates look invalid.",
      'Check that no TLS inspection device replaces the certificate of the Microsoft endpoints.',
      'Try again later or from another network.',
    ],
    [DOCS.auth],
  ),
  code(
    0xcaa82efd,
    'ERROR_ADAL_INTERNET_CANNOT_CONNECT',
    'adal',
    ['auth'],
    'The device could not connect to https://login.microsoftonline.com.',
    [
      'Check the network path from the device to https://login.microsoftonline.com, as SYSTEM.',
      PROXY_MACHINE,
    ],
    [DOCS.auth],
  ),
  code(
    0xcaa20003,
    'ERROR_ADAL_SERVER_ERROR_INVALID_GRANT',
    'adal',
    ['auth'],
    'Microsoft Entra ID refused the SAML token that the on-premises federation service issued.',
    [
      'Check the federation server configuration and its claim rules for computers.',
      'Find the server error code in the authentication logs (event 305).',
    ],
    [DOCS.auth, DOCS.federationClaims],
  ),
  code(
    0xcaa90014,
    'ERROR_ADAL_WSTRUST_REQUEST_SECURITYTOKEN_FAILED',
    'adal',
    ['auth'],
    'The WS-Trust request returned a fault: the federation service did not issue an assertion.',
    [
      'Check the federation server configuration.',
      'Find the server error code in the authentication logs (event 305).',
    ],
    [DOCS.auth],
  ),
  code(
    0xcaa90006,
    'ERROR_ADAL_WSTRUST_TOKEN_REQUEST_FAIL',
    'adal',
    ['auth'],
    'The token endpoint returned an error when the device asked for an access token.',
    ['Look for the underlying error in the ADAL messages of event 305.'],
    [DOCS.auth],
  ),
  code(
    0xcaa1002d,
    'ERROR_ADAL_OPERATION_PENDING',
    'adal',
    ['auth'],
    'A generic authentication library failure; the real reason is in a sub-error or server error.',
    ['Find the sub-error or server error code in the authentication logs (event 305).'],
    [DOCS.auth],
  ),
  // --- Join phase -----------------------------------------------------------------------------
  code(
    0x801c03f2,
    'DSREG_E_DIRECTORY_FAILURE',
    'dsreg',
    ['join'],
    'The registration service answered with the server error "DirectoryError".',
    ['The server error message says what went wrong; see the finding for that message.'],
    [DOCS.join],
  ),
  code(
    0x801c0002,
    'DSREG_E_DEVICE_AUTHENTICATION_ERROR',
    'dsreg',
    ['join'],
    'The registration service answered with the server error "AuthenticationError" (with a sub-code other than DeviceNotFound).',
    ['The server error message says what went wrong; see the finding for that message.'],
    [DOCS.join],
  ),
  code(
    0x801c0006,
    'DSREG_E_DEVICE_INTERNALSERVICE_ERROR',
    'dsreg',
    ['join'],
    'The registration service reported an internal error (the guide lists it with the server error "DirectoryError").',
    ['The server error message says what went wrong; if there is none, retry later.'],
    [DOCS.join],
  ),
  code(
    0x80090016,
    'NTE_BAD_KEYSET',
    'crypto',
    ['join'],
    'The key set does not exist: the TPM was cleared, or the device was built from a sysprep image of a machine that was already registered.',
    [
      'Do not clear the TPM in the firmware or in Windows; if it was cleared, users may have to remove and add their work accounts again.',
      'Build sysprep images only from machines that are not Microsoft Entra joined, hybrid joined or registered.',
    ],
    [DOCS.join],
  ),
  code(
    0x80290407,
    'TPM_E_PCP_INTERNAL_ERROR',
    'tpm',
    ['join'],
    'The TPM reported a generic failure.',
    TPM_FIX,
    [DOCS.join],
  ),
  code(
    0x80280036,
    'TPM_E_NOTFIPS',
    'tpm',
    ['join'],
    'The TPM runs in FIPS mode, which the join does not support on this device.',
    TPM_FIX,
    [DOCS.join],
  ),
  code(
    0x80090031,
    'NTE_AUTHENTICATION_IGNORED',
    'crypto',
    ['join'],
    'The TPM is locked out after too many failed authorizations (anti-hammering).',
    ['Wait for the lockout to expire; a later join attempt should then succeed.'],
    [DOCS.join, DOCS.tpmAntiHammering],
  ),
  code(
    0x80072ee7,
    'WININET_E_NAME_NOT_RESOLVED',
    'wininet',
    ['join'],
    'The server name could not be resolved.',
    [
      'Check DNS resolution and the network path from the device to https://enterpriseregistration.windows.net.',
    ],
    [DOCS.join],
  ),
  code(
    0x80072efe,
    'WININET_E_CONNECTION_ABORTED',
    'wininet',
    ['join'],
    'The connection to the server ended abnormally.',
    ['Try again later or from a more stable network.'],
    [DOCS.join],
  ),
  code(1312, 'ERROR_NO_SUCH_LOGON_SESSION', 'win32', ['join'], AD_REPLICATION_MEANING, AD_REPLICATION_FIX, [
    DOCS.join,
  ]),
  code(1317, 'ERROR_NO_SUCH_USER', 'win32', ['join'], AD_REPLICATION_MEANING, AD_REPLICATION_FIX, [
    DOCS.join,
  ]),
  // --- Post-join: Primary Refresh Token ---------------------------------------------------------
  code(
    0xc000006d,
    'STATUS_LOGON_FAILURE',
    'ntstatus',
    ['post-join'],
    PRT_LOGON_MEANING,
    [PROXY_MACHINE, READ_1081_1088],
    [DOCS.prtCodes],
  ),
  code(
    0xc000006a,
    'STATUS_WRONG_PASSWORD',
    'ntstatus',
    ['post-join'],
    PRT_LOGON_MEANING,
    [PROXY_MACHINE, READ_1081_1088],
    [DOCS.prtCodes],
  ),
  code(
    0xc00000d0,
    'STATUS_REQUEST_NOT_ACCEPTED',
    'ntstatus',
    ['post-join'],
    'The Microsoft Entra authentication service or the WS-Trust endpoint answered HTTP 400 to the PRT request.',
    ['The server error code and description say why; see the finding for them.', READ_1081_1088],
    [DOCS.prtCodes],
  ),
  code(
    0xc000023c,
    'STATUS_NETWORK_UNREACHABLE',
    'ntstatus',
    ['post-join'],
    PRT_NETWORK_MEANING,
    PRT_NETWORK_FIX,
    [DOCS.prtCodes],
  ),
  code(
    0xc00000be,
    'STATUS_BAD_NETWORK_PATH',
    'ntstatus',
    ['post-join'],
    PRT_NETWORK_MEANING,
    PRT_NETWORK_FIX,
    [DOCS.prtCodes],
  ),
  code(
    0xc00000c4,
    'STATUS_UNEXPECTED_NETWORK_ERROR',
    'ntstatus',
    ['post-join'],
    PRT_NETWORK_MEANING,
    PRT_NETWORK_FIX,
    [DOCS.prtCodes],
  ),
  code(
    0xc000005f,
    'STATUS_NO_SUCH_LOGON_SESSION',
    'ntstatus',
    ['post-join'],
    "Realm discovery failed: Microsoft Entra ID does not know the domain of the user's UPN.",
    [
      "Add the UPN's domain as a verified custom domain in Microsoft Entra ID (event 1144 in the Analytic log shows the UPN that was sent).",
      'If the on-premises UPN suffix is not routable (for example user@contoso.local), configure Alternate Login ID or give users a routable UPN.',
    ],
    [DOCS.prtCodes, DOCS.altLoginId],
  ),
  code(
    0xc004844c,
    'AAD_CLOUDAP_E_OAUTH_USERNAME_IS_MALFORMED',
    'cloudap',
    ['post-join'],
    "The user's UPN is not in the expected user@domain form. On hybrid devices the UPN comes from the domain controller at sign-in; on Entra joined devices it is what the user typed.",
    [
      'Make sure the UPN is an internet-style name (RFC 822); `whoami /upn` shows what the domain controller returns.',
      'If the on-premises UPN suffix is not routable, configure Alternate Login ID.',
    ],
    [DOCS.prtCodes, DOCS.altLoginId],
  ),
  code(
    0xc0048442,
    'AAD_CLOUDAP_E_OAUTH_USER_SID_IS_EMPTY',
    'cloudap',
    ['post-join'],
    'The ID token from Microsoft Entra ID came back without the user SID.',
    [PROXY_TAMPER],
    [DOCS.prtCodes],
  ),
  code(
    0xc00484c1,
    'AAD_CLOUDAP_E_WSTRUST_SAML_TOKENS_ARE_EMPTY',
    'cloudap',
    ['post-join'],
    'The WS-Trust endpoint of the federation service returned an error instead of SAML tokens.',
    [
      PROXY_TAMPER,
      'Event 1088 in the Microsoft-Windows-AAD Operational log holds the WS-Trust error code and text.',
    ],
    [DOCS.prtCodes],
  ),
  code(
    0xc004848b,
    'AAD_CLOUDAP_E_HTTP_PASSWORD_URI_IS_EMPTY',
    'cloudap',
    ['post-join'],
    'The metadata exchange (MEX) document of the federation service lists no password endpoint.',
    [
      PROXY_TAMPER,
      'Fix the MEX configuration of the identity provider so that it publishes the password (usernamemixed) URLs.',
    ],
    [DOCS.prtCodes],
  ),
  code(
    0xc004848c,
    'AAD_CLOUDAP_E_HTTP_CERTIFICATE_URI_IS_EMPTY',
    'cloudap',
    ['post-join'],
    'The metadata exchange (MEX) document of the federation service lists no certificate endpoint.',
    [
      PROXY_TAMPER,
      'Fix the MEX configuration of the identity provider so that it publishes the certificate URLs.',
    ],
    [DOCS.prtCodes],
  ),
  code(
    0xc00cee4f,
    'WC_E_DTDPROHIBITED',
    'xmllite',
    ['post-join'],
    'The XML that the WS-Trust endpoint returned contains a document type definition (DTD), which Windows refuses to parse.',
    [
      'Configure the identity provider not to send a DTD in its XML responses.',
      'Event 1022 in the Analytic log names the URL that returned it.',
    ],
    [DOCS.prtCodes],
  ),
  code(
    12002,
    'ERROR_WINHTTP_TIMEOUT',
    'winhttp',
    ['post-join'],
    'A request timed out in WinHTTP.',
    WINHTTP_FIX,
    [DOCS.networkCodes, DOCS.winhttpErrors],
  ),
  code(
    12007,
    'ERROR_WINHTTP_NAME_NOT_RESOLVED',
    'winhttp',
    ['post-join'],
    'WinHTTP could not resolve the server name.',
    WINHTTP_FIX,
    [DOCS.networkCodes, DOCS.winhttpErrors],
  ),
  code(
    12029,
    'ERROR_WINHTTP_CANNOT_CONNECT',
    'winhttp',
    ['post-join'],
    'WinHTTP could not connect to the server.',
    WINHTTP_FIX,
    [DOCS.networkCodes, DOCS.winhttpErrors],
  ),
  code(
    12030,
    'ERROR_WINHTTP_CONNECTION_ERROR',
    'winhttp',
    ['post-join'],
    'The WinHTTP connection to the server was reset or ended.',
    WINHTTP_FIX,
    [DOCS.networkCodes, DOCS.winhttpErrors],
  ),
];

const REREGISTER =
  'Re-register the device the way its join type needs: hybrid joined, run `dsregcmd /debug /leave` elevated and sign out and in (the scheduled task joins again); Entra joined, run `dsregcmd /forcerecovery` as an administrator and sign in; registered, disconnect and reconnect the work account.';

export const SERVER_ERRORS: ServerErrorEntry[] = [
  {
    id: 'drs-throttled',
    code: 'DirectoryError',
    family: 'drs-server',
    phases: ['join'],
    messagePattern: /throttled/i,
    title: 'Registration requests are throttled',
    meaning:
      'The registration service is throttling this device because it sent several registration requests in quick succession (seen with federated join).',
    fix: ['Wait for the cool-down the message names (usually 300 seconds); the next attempt should succeed.'],
    docs: [DOCS.join],
  },
  {
    id: 'drs-tenant-not-found',
    code: 'DirectoryError',
    family: 'drs-server',
    phases: ['join'],
    messagePattern: /AADSTS90002|tenant .* not found/i,
    title: 'The tenant in the SCP is not found',
    meaning:
      'The registration service does not know the tenant the device asked for: the tenant ID in the service connection point is wrong, or the tenant has no active subscription (sync join).',
    fix: [
      'Correct the tenant ID in the SCP (or in the CDJ\\AAD registry values) to the one shown in the Microsoft Entra admin center.',
      'Make sure the tenant has an active subscription.',
    ],
    docs: [DOCS.join, DOCS.scp],
  },
  {
    id: 'drs-device-not-found',
    code: 'DirectoryError',
    family: 'drs-server',
    phases: ['join'],
    messagePattern: /device object .*(?:is not|isn't|not) found/i,
    title: 'The computer is not yet synchronized to Microsoft Entra ID',
    meaning:
      'In a sync join the device can only complete registration after Microsoft Entra Connect has synchronized its computer object; until then the service does not find the device object. This is expected right after the device joins the domain.',
    fix: [
      'Wait for the next Microsoft Entra Connect sync cycle (check that the computer is in an OU that is in sync scope); the next join attempt after that sync completes the registration.',
    ],
    docs: [DOCS.join],
  },
  {
    id: 'drs-public-key-not-found',
    code: 'DirectoryError',
    family: 'drs-server',
    phases: ['join'],
    messagePattern: /public key user certificate is not found/i,
    title: "The computer's certificate has not reached Microsoft Entra ID",
    meaning:
      'In a sync join (managed domains) the device writes a self-signed certificate to the userCertificate attribute of its computer object, and Microsoft Entra Connect carries it to the device object. The service found the device object without that certificate: the attribute has not been synchronized yet.',
    fix: [
      'Wait for the next Microsoft Entra Connect sync cycle, then let the join run again (sign out and in).',
      "If it persists, check that Microsoft Entra Connect synchronizes the computer's OU and the userCertificate attribute of computer objects.",
    ],
    docs: [DOCS.join],
  },
  {
    id: 'drs-sid-verification',
    code: 'AuthenticationError',
    family: 'drs-server',
    phases: ['join'],
    messagePattern: /verification of the target computer'?s SID/i,
    title: "The computer's certificate does not match the synchronized one",
    meaning:
      'The certificate the device used to sign its sync-join request is not the one that Microsoft Entra ID holds for this computer. Usually the synchronization has not finished yet.',
    fix: [
      'Wait for the Microsoft Entra Connect sync to finish; the next join attempt after it should succeed.',
    ],
    docs: [DOCS.join],
  },
  {
    id: 'drs-directory-error',
    code: 'DirectoryError',
    family: 'drs-server',
    phases: ['join'],
    title: 'The registration service reported a directory error',
    meaning:
      'The device registration service could not complete the request in the directory; the server message gives the reason.',
    fix: [
      'Read the server message; if it is not one of the known cases, collect the logs the guide asks for.',
    ],
    docs: [DOCS.join],
  },
  {
    id: 'drs-authentication-error',
    code: 'AuthenticationError',
    family: 'drs-server',
    phases: ['join'],
    title: 'The registration service could not authenticate the device',
    meaning:
      'The device registration service refused the credentials the device presented; the server message gives the reason.',
    fix: [
      'Read the server message; if it is not one of the known cases, collect the logs the guide asks for.',
    ],
    docs: [DOCS.join],
  },
  {
    id: 'aadsts50155',
    code: 'AADSTS50155',
    family: 'aadsts',
    phases: ['post-join'],
    title: 'Device authentication failed',
    meaning:
      'Microsoft Entra ID could not authenticate the device, so it issues no PRT. The device object has most likely been deleted or disabled in Microsoft Entra ID.',
    fix: [
      'Check in the Microsoft Entra admin center whether the device exists and is enabled; a disabled hybrid device is enabled again on-premises (the next sync carries it over).',
      REREGISTER,
    ],
    docs: [DOCS.serverCodes, DOCS.faqDeleted],
  },
  {
    id: 'aadsts50034',
    code: 'AADSTS50034',
    family: 'aadsts',
    phases: ['post-join'],
    title: 'The user account does not exist in the tenant',
    meaning: 'Microsoft Entra ID did not find the user account in the tenant.',
    fix: [
      'Check that the user signs in with the right UPN (event 1144 in the Analytic log shows the UPN sent).',
      'Check that the on-premises user account is synchronized to Microsoft Entra ID.',
    ],
    docs: [DOCS.serverCodes],
  },
  {
    id: 'aadsts50126',
    code: 'AADSTS50126',
    family: 'aadsts',
    phases: ['post-join'],
    title: 'Invalid username or password',
    meaning:
      'Microsoft Entra ID rejected the credentials: either the user typed a wrong username or password, or (on a hybrid device with password hash sync) the user changed the password recently and the new hash has not reached Microsoft Entra ID yet.',
    fix: [
      'If the password was changed recently, wait for password hash sync to carry it over, then lock and unlock (or sign in again) to get a new PRT.',
      'Otherwise check the username and password the user signs in with.',
    ],
    docs: [DOCS.serverCodes],
  },
  {
    id: 'aadsts90002',
    code: 'AADSTS90002',
    family: 'aadsts',
    phases: ['post-join', 'join'],
    title: 'Tenant not found',
    meaning:
      "Microsoft Entra ID does not know the tenant or domain it was asked for. In a PRT request this usually means the domain of the user's UPN is not a verified domain of the tenant (a non-routable suffix such as .local never can be). In a sync join the same code comes inside a DirectoryError and means the SCP names a wrong tenant.",
    fix: [
      'Give the user a UPN whose suffix is a verified custom domain in Microsoft Entra ID (or configure Alternate Login ID), and sign in with that account; on-premises-only accounts such as a local-domain Administrator never get a PRT.',
      'If the request named a tenant ID rather than a domain, check that the tenant exists and has an active subscription.',
    ],
    docs: [DOCS.serverCodes, DOCS.altLoginId],
  },
];

/** The guide's entry for a value (signed or unsigned), if the guide covers it. */
export function guideCode(value: number): CodeEntry | undefined {
  return GUIDE_BY_VALUE.get(value >>> 0);
}

for (const c of GUIDE_CODES) if (GENERIC.has(c.name)) c.generic = true;

const GUIDE_BY_VALUE = new Map(GUIDE_CODES.map((c) => [c.value >>> 0, c]));

// Each AADSTS code as a whole word, compiled once (every failed attempt asks).
const AADSTS_CODES = new Map(
  SERVER_ERRORS.filter((e) => e.family === 'aadsts').map((e) => [
    e,
    { lower: e.code.toLowerCase(), word: new RegExp(`\\b${e.code}\\b`, 'i') },
  ]),
);

const LOWER_CODES = new Map(SERVER_ERRORS.map((e) => [e, e.code.toLowerCase()]));

/** The most specific server error entry for what the server said: a message match beats the bare code. */
export function matchServerError(
  serverCode: string | undefined,
  message: string | undefined,
): ServerErrorEntry[] {
  // Nothing said: no entry (the text below would be one space, which no code matches).
  if (!serverCode && !message) return [];
  const text = `${serverCode ?? ''} ${message ?? ''}`;
  const lower = text.toLowerCase();
  const lowerCode = serverCode?.toLowerCase();
  const out: ServerErrorEntry[] = [];
  for (const e of SERVER_ERRORS) {
    if (e.family === 'aadsts') {
      const code = AADSTS_CODES.get(e);
      if (code && lower.includes(code.lower) && code.word.test(text)) out.push(e);
      continue;
    }
    if (!lowerCode || lowerCode !== LOWER_CODES.get(e)) continue;
    if (e.messagePattern) {
      if (message && e.messagePattern.test(message)) out.push(e);
    }
  }
  if (out.length === 0 && serverCode) {
    const generic = SERVER_ERRORS.find(
      (e) => !e.messagePattern && e.family === 'drs-server' && LOWER_CODES.get(e) === lowerCode,
    );
    if (generic) out.push(generic);
  }
  return out;
}
