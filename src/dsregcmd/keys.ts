// The keys `dsregcmd /status` prints, across Windows builds (see ../shared/reference/dsregcmd-fields.md).
// Outside a boxed section only these are taken as fields, so shell noise such as
// "Starting external process: C:\..." is never mistaken for one.

/** Lower case, without spaces, hyphens, dots, underscores or a trailing colon: "HTTP status" -> "httpstatus". */
export function normalizeKey(key: string): string {
  let k = normalized.get(key);
  if (k !== undefined) return k;
  k = key.toLowerCase().replace(/[\s\-_.:]/g, '');
  k = KEY_ALIASES[k] ?? k;
  if (normalized.size < MAX_REMEMBERED) normalized.set(key, k);
  return k;
}

// The rules look fields up by the keys as printed ("Attempt Status"), hundreds of times a
// diagnosis: each spelling is normalized once. Bounded, as spellings read from inputs land here too.
const MAX_REMEMBERED = 4096;
const normalized = new Map<string, string>();

/** Misspellings that real outputs and documentation copies carry. */
export const KEY_ALIASES: Readonly<Record<string, string>> = {
  dmcomplianceurl: 'mdmcomplianceurl',
  httpsstatus: 'httpsstatus',
};

const KNOWN = [
  // Device State (and the old single-section layout)
  'AzureAdJoined',
  'EnterpriseJoined',
  'DomainJoined',
  'DomainName',
  'Virtual Desktop',
  'Device Name',
  // Device Details
  'DeviceId',
  'Thumbprint',
  'DeviceCertificateValidity',
  'KeyContainerId',
  'KeyProvider',
  'TpmProtected',
  'DeviceAuthStatus',
  'KeySignTest',
  // Tenant Details
  'TenantName',
  'TenantId',
  'Idp',
  'AuthCodeUrl',
  'AccessTokenUrl',
  'MdmUrl',
  'MdmTouUrl',
  'MdmComplianceUrl',
  'SettingsUrl',
  'JoinSrvVersion',
  'JoinSrvUrl',
  'JoinSrvId',
  'KeySrvVersion',
  'KeySrvUrl',
  'KeySrvId',
  'WebAuthNSrvVersion',
  'WebAuthNSrvUrl',
  'WebAuthNSrvId',
  'DeviceManagementSrvVer',
  'DeviceManagementSrvUrl',
  'DeviceManagementSrvId',
  // User State
  'NgcSet',
  'NgcKeyId',
  'CanReset',
  'WorkplaceJoined',
  'WorkAccountCount',
  'WamDefaultSet',
  'WamDefaultAuthority',
  'WamDefaultId',
  'WamDefaultGUID',
  // SSO State
  'AzureAdPrt',
  'AzureAdPrtUpdateTime',
  'AzureAdPrtExpiryTime',
  'AzureAdPrtAuthority',
  'AcquirePrtDiagnostics',
  'RefreshPrtDiagnostics',
  'Previous Prt Attempt',
  'Attempt Status',
  'User Identity',
  'Credential Type',
  'Correlation ID',
  'Endpoint URI',
  'HTTP Method',
  'HTTP Error',
  'HTTP status',
  'Server Error Code',
  'Server Error Description',
  'EnterprisePrt',
  'EnterprisePrtUpdateTime',
  'EnterprisePrtExpiryTime',
  'EnterprisePrtAuthority',
  'OnPremTgt',
  'CloudTgt',
  'KerbTopLevelNames',
  // Work Account N
  'WorkplaceDeviceId',
  'WorkplaceThumbprint',
  'WorkplaceTenantId',
  'WorkplaceTenantName',
  'WorkplaceMdmUrl',
  'WorkplaceSettingsUrl',
  // Diagnostic Data
  'Diagnostics Reference',
  'User Context',
  'Client Time',
  'AD Connectivity Test',
  'AD Configuration Test',
  'DRS Discovery Test',
  'DRS Connectivity Test',
  'Kerberos Ticket Test',
  'Token acquisition Test',
  'Fallback to Sync-Join',
  'Fallback to Fed-Join',
  'Previous Registration',
  'Registration Type',
  'Error Phase',
  'Client ErrorCode',
  'Server ErrorCode',
  'Server ErrorSubCode',
  'Server Operation',
  'Server Message',
  'Https Status',
  'Request Id',
  'Executing Account Name',
  'AadRecoveryEnabled',
  'DisplayNameUpdated',
  'OsVersionUpdated',
  'HostNameUpdated',
  'Last HostName Update',
  // Proxy boxes
  'Auto Detect Settings',
  'Auto-Configuration URL',
  'Proxy Server List',
  'Proxy Bypass List',
  'Auto Detect PAC Status',
  'Access Type',
  // Ngc Prerequisite Check
  'NgcPreReq',
  'IsDeviceJoined',
  'IsUserAzureAD',
  'PolicyEnabled',
  'PostLogonEnabled',
  'DeviceEligible',
  'SessionIsNotRemote',
  'CertEnrollment',
  'AdfsRefreshToken',
  'AdfsRaIsReady',
  'LogonCertTemplateReady',
  'X509CertRequired',
  'PreReqResult',
];

export const KNOWN_KEYS: ReadonlySet<string> = new Set(KNOWN.map(normalizeKey));

/** The known keys, normalized, in the order the modern layout prints them. */
export const KEY_ORDER: readonly string[] = KNOWN.map(normalizeKey);

/** The known keys as printed, by normalized key. */
export const KEY_NAMES: ReadonlyMap<string, string> = new Map(KNOWN.map((k) => [normalizeKey(k), k]));

/** Keys whose value is YES or NO (sometimes with a note after it). */
export const FLAG_KEYS: ReadonlySet<string> = new Set(
  [
    'AzureAdJoined',
    'EnterpriseJoined',
    'DomainJoined',
    'TpmProtected',
    'NgcSet',
    'WorkplaceJoined',
    'WamDefaultSet',
    'AzureAdPrt',
    'EnterprisePrt',
    'OnPremTgt',
    'CloudTgt',
    'AadRecoveryEnabled',
    'Auto Detect Settings',
    'IsDeviceJoined',
    'IsUserAzureAD',
    'PolicyEnabled',
    'PostLogonEnabled',
    'DeviceEligible',
    'SessionIsNotRemote',
    'AdfsRefreshToken',
    'AdfsRaIsReady',
    'LogonCertTemplateReady',
    'X509CertRequired',
  ].map(normalizeKey),
);

/** Section names as printed, normalized the same way as keys ("Work Account 2" -> "workaccount"). */
export function normalizeSection(name: string): string {
  // The trailing number is cut by hand: `/\s+\d+$/` backtracks on a long run of spaces.
  let end = name.length;
  while (end > 0 && isDigit(name.charCodeAt(end - 1))) end--;
  let start = end;
  while (start > 0 && /\s/.test(name[start - 1]!)) start--;
  const base = end < name.length && start < end ? name.slice(0, start) : name;
  return base.toLowerCase().replace(/[\s\-_.:]/g, '');
}

const isDigit = (c: number) => c >= 48 && c <= 57;

export const KNOWN_SECTIONS: ReadonlySet<string> = new Set(
  [
    'Device State',
    'Device Details',
    'Tenant Details',
    'User State',
    'SSO State',
    'Work Account',
    'Diagnostic Data',
    'IE Proxy Config for Current User',
    'IE Proxy Config for System Account',
    'URL Specific Proxy Config',
    'WinHttp Default Proxy Config',
    'Ngc Prerequisite Check',
  ].map(normalizeSection),
);
