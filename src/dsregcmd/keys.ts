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

/** Marks a key whose value is YES or NO (sometimes with a note after it). */
export const FLAG = 1;

/**
 * The known keys as printed and as normalizeKey makes them (written out, so that start-up does not
 * normalize them; test/dsregcmd-keys.test.ts checks each), a flag's marked FLAG.
 */
export const KEY_SPELLINGS: readonly (readonly [printed: string, key: string, flag?: typeof FLAG])[] = [
  // Device State (and the old single-section layout)
  ['AzureAdJoined', 'azureadjoined', FLAG],
  ['EnterpriseJoined', 'enterprisejoined', FLAG],
  ['DomainJoined', 'domainjoined', FLAG],
  ['DomainName', 'domainname'],
  ['Virtual Desktop', 'virtualdesktop'],
  ['Device Name', 'devicename'],
  // Device Details
  ['DeviceId', 'deviceid'],
  ['Thumbprint', 'thumbprint'],
  ['DeviceCertificateValidity', 'devicecertificatevalidity'],
  ['KeyContainerId', 'keycontainerid'],
  ['KeyProvider', 'keyprovider'],
  ['TpmProtected', 'tpmprotected', FLAG],
  ['DeviceAuthStatus', 'deviceauthstatus'],
  ['KeySignTest', 'keysigntest'],
  // Tenant Details
  ['TenantName', 'tenantname'],
  ['TenantId', 'tenantid'],
  ['Idp', 'idp'],
  ['AuthCodeUrl', 'authcodeurl'],
  ['AccessTokenUrl', 'accesstokenurl'],
  ['MdmUrl', 'mdmurl'],
  ['MdmTouUrl', 'mdmtouurl'],
  ['MdmComplianceUrl', 'mdmcomplianceurl'],
  ['SettingsUrl', 'settingsurl'],
  ['JoinSrvVersion', 'joinsrvversion'],
  ['JoinSrvUrl', 'joinsrvurl'],
  ['JoinSrvId', 'joinsrvid'],
  ['KeySrvVersion', 'keysrvversion'],
  ['KeySrvUrl', 'keysrvurl'],
  ['KeySrvId', 'keysrvid'],
  ['WebAuthNSrvVersion', 'webauthnsrvversion'],
  ['WebAuthNSrvUrl', 'webauthnsrvurl'],
  ['WebAuthNSrvId', 'webauthnsrvid'],
  ['DeviceManagementSrvVer', 'devicemanagementsrvver'],
  ['DeviceManagementSrvUrl', 'devicemanagementsrvurl'],
  ['DeviceManagementSrvId', 'devicemanagementsrvid'],
  // User State
  ['NgcSet', 'ngcset', FLAG],
  ['NgcKeyId', 'ngckeyid'],
  ['CanReset', 'canreset'],
  ['WorkplaceJoined', 'workplacejoined', FLAG],
  ['WorkAccountCount', 'workaccountcount'],
  ['WamDefaultSet', 'wamdefaultset', FLAG],
  ['WamDefaultAuthority', 'wamdefaultauthority'],
  ['WamDefaultId', 'wamdefaultid'],
  ['WamDefaultGUID', 'wamdefaultguid'],
  // SSO State
  ['AzureAdPrt', 'azureadprt', FLAG],
  ['AzureAdPrtUpdateTime', 'azureadprtupdatetime'],
  ['AzureAdPrtExpiryTime', 'azureadprtexpirytime'],
  ['AzureAdPrtAuthority', 'azureadprtauthority'],
  ['AcquirePrtDiagnostics', 'acquireprtdiagnostics'],
  ['RefreshPrtDiagnostics', 'refreshprtdiagnostics'],
  ['Previous Prt Attempt', 'previousprtattempt'],
  ['Attempt Status', 'attemptstatus'],
  ['User Identity', 'useridentity'],
  ['Credential Type', 'credentialtype'],
  ['Correlation ID', 'correlationid'],
  ['Endpoint URI', 'endpointuri'],
  ['HTTP Method', 'httpmethod'],
  ['HTTP Error', 'httperror'],
  ['HTTP status', 'httpstatus'],
  ['Server Error Code', 'servererrorcode'],
  ['Server Error Description', 'servererrordescription'],
  ['EnterprisePrt', 'enterpriseprt', FLAG],
  ['EnterprisePrtUpdateTime', 'enterpriseprtupdatetime'],
  ['EnterprisePrtExpiryTime', 'enterpriseprtexpirytime'],
  ['EnterprisePrtAuthority', 'enterpriseprtauthority'],
  ['OnPremTgt', 'onpremtgt', FLAG],
  ['CloudTgt', 'cloudtgt', FLAG],
  ['KerbTopLevelNames', 'kerbtoplevelnames'],
  // Work Account N
  ['WorkplaceDeviceId', 'workplacedeviceid'],
  ['WorkplaceThumbprint', 'workplacethumbprint'],
  ['WorkplaceTenantId', 'workplacetenantid'],
  ['WorkplaceTenantName', 'workplacetenantname'],
  ['WorkplaceMdmUrl', 'workplacemdmurl'],
  ['WorkplaceSettingsUrl', 'workplacesettingsurl'],
  // Diagnostic Data
  ['Diagnostics Reference', 'diagnosticsreference'],
  ['User Context', 'usercontext'],
  ['Client Time', 'clienttime'],
  ['AD Connectivity Test', 'adconnectivitytest'],
  ['AD Configuration Test', 'adconfigurationtest'],
  ['DRS Discovery Test', 'drsdiscoverytest'],
  ['DRS Connectivity Test', 'drsconnectivitytest'],
  ['Kerberos Ticket Test', 'kerberostickettest'],
  ['Token acquisition Test', 'tokenacquisitiontest'],
  ['Fallback to Sync-Join', 'fallbacktosyncjoin'],
  ['Fallback to Fed-Join', 'fallbacktofedjoin'],
  ['Previous Registration', 'previousregistration'],
  ['Registration Type', 'registrationtype'],
  ['Error Phase', 'errorphase'],
  ['Client ErrorCode', 'clienterrorcode'],
  ['Server ErrorCode', 'servererrorcode'],
  ['Server ErrorSubCode', 'servererrorsubcode'],
  ['Server Operation', 'serveroperation'],
  ['Server Message', 'servermessage'],
  ['Https Status', 'httpsstatus'],
  ['Request Id', 'requestid'],
  ['Executing Account Name', 'executingaccountname'],
  ['AadRecoveryEnabled', 'aadrecoveryenabled', FLAG],
  ['DisplayNameUpdated', 'displaynameupdated'],
  ['OsVersionUpdated', 'osversionupdated'],
  ['HostNameUpdated', 'hostnameupdated'],
  ['Last HostName Update', 'lasthostnameupdate'],
  // Proxy boxes
  ['Auto Detect Settings', 'autodetectsettings', FLAG],
  ['Auto-Configuration URL', 'autoconfigurationurl'],
  ['Proxy Server List', 'proxyserverlist'],
  ['Proxy Bypass List', 'proxybypasslist'],
  ['Auto Detect PAC Status', 'autodetectpacstatus'],
  ['Access Type', 'accesstype'],
  // Ngc Prerequisite Check
  ['NgcPreReq', 'ngcprereq'],
  ['IsDeviceJoined', 'isdevicejoined', FLAG],
  ['IsUserAzureAD', 'isuserazuread', FLAG],
  ['PolicyEnabled', 'policyenabled', FLAG],
  ['PostLogonEnabled', 'postlogonenabled', FLAG],
  ['DeviceEligible', 'deviceeligible', FLAG],
  ['SessionIsNotRemote', 'sessionisnotremote', FLAG],
  ['CertEnrollment', 'certenrollment'],
  ['AdfsRefreshToken', 'adfsrefreshtoken', FLAG],
  ['AdfsRaIsReady', 'adfsraisready', FLAG],
  ['LogonCertTemplateReady', 'logoncerttemplateready', FLAG],
  ['X509CertRequired', 'x509certrequired', FLAG],
  ['PreReqResult', 'prereqresult'],
];

export const KNOWN_KEYS: ReadonlySet<string> = new Set(KEY_SPELLINGS.map((k) => k[1]));

/** The known keys, normalized, in the order the modern layout prints them. */
export const KEY_ORDER: readonly string[] = KEY_SPELLINGS.map((k) => k[1]);

/** The known keys as printed, by normalized key. */
export const KEY_NAMES: ReadonlyMap<string, string> = new Map(KEY_SPELLINGS.map((k) => [k[1], k[0]]));

/** Keys whose value is YES or NO (sometimes with a note after it). */
export const FLAG_KEYS: ReadonlySet<string> = new Set(
  KEY_SPELLINGS.filter((k) => k[2] === FLAG).map((k) => k[1]),
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

/** The sections dsregcmd prints, as printed and as normalizeSection makes their names (written out: test/dsregcmd-keys.test.ts checks each). */
export const SECTION_SPELLINGS: readonly (readonly [printed: string, key: string])[] = [
  ['Device State', 'devicestate'],
  ['Device Details', 'devicedetails'],
  ['Tenant Details', 'tenantdetails'],
  ['User State', 'userstate'],
  ['SSO State', 'ssostate'],
  ['Work Account', 'workaccount'],
  ['Diagnostic Data', 'diagnosticdata'],
  ['IE Proxy Config for Current User', 'ieproxyconfigforcurrentuser'],
  ['IE Proxy Config for System Account', 'ieproxyconfigforsystemaccount'],
  ['URL Specific Proxy Config', 'urlspecificproxyconfig'],
  ['WinHttp Default Proxy Config', 'winhttpdefaultproxyconfig'],
  ['Ngc Prerequisite Check', 'ngcprerequisitecheck'],
];

export const KNOWN_SECTIONS: ReadonlySet<string> = new Set(SECTION_SPELLINGS.map((s) => s[1]));
