// What redaction keeps: Microsoft's public endpoints, well-known GUIDs and SIDs that are the same on
// every device, and the name suffixes that carry diagnostic meaning without naming anyone (a `.local`
// UPN suffix is why AADSTS90002 happens; `.onmicrosoft.com` marks a tenant's initial domain).

/** Host names that are Microsoft's public services: kept in URLs and in text. Suffix match. */
export const MICROSOFT_SUFFIXES: readonly string[] = [
  'microsoftonline.com',
  'microsoftonline-p.com',
  'microsoftonline.us',
  'microsoftonline.de',
  'partner.microsoftonline.cn',
  'chinacloudapi.cn',
  'microsoft.com',
  'microsoft.us',
  'windows.net',
  'windows.com',
  'windowsupdate.com',
  'live.com',
  'live.net',
  'microsoftazuread-sso.com',
  'msftauth.net',
  'msauth.net',
  'msftidentity.com',
  'msidentity.com',
  'msappproxy.net',
  'azure.com',
  'azure.net',
  'azure.us',
  'windowsazure.com',
  'office.com',
  'office.net',
  'office365.com',
  'microsoftstore.com',
  'msocsp.com',
  'aka.ms',
  'msft.net',
];

/**
 * Microsoft suffixes under which the first label names a tenant (contoso.onmicrosoft.com,
 * contoso.sharepoint.com): the label is redacted, the suffix kept.
 */
export const TENANT_PREFIXED_SUFFIXES: readonly string[] = [
  'mail.onmicrosoft.com',
  'onmicrosoft.com',
  'onmicrosoft.us',
  'sharepoint.com',
  'b2clogin.com',
];

/** Name suffixes kept after a pseudonym: they say how a name is built, not whose it is. */
export const KEPT_SUFFIXES: readonly string[] = [
  'mail.onmicrosoft.com',
  'onmicrosoft.com',
  'onmicrosoft.us',
  'sharepoint.com',
  'b2clogin.com',
  'local',
  'lan',
  'corp',
  'internal',
  'localdomain',
  'home',
  'intranet',
  'private',
  'example',
  'test',
  'invalid',
];

/** Last labels that make a dotted word a host or domain name (file names such as x.cpp are not). */
export const TLDS: ReadonlySet<string> = new Set(
  (
    'com net org edu gov mil int info biz name pro io co app dev cloud tech online site xyz ai me tv ' +
    'eu uk de fr it nl es be ch at se no dk fi pl cz sk hu ro bg gr pt ie lu li is ee lv lt si hr ' +
    'rs ua ru tr il ae sa qa in cn jp kr tw hk sg my id th vn ph au nz ca us mx br ar cl pe za ng ke ' +
    'eg ma local lan corp internal localdomain home intranet private example test invalid ms'
  ).split(' '),
);

/** GUIDs that are the same everywhere: providers, the Microsoft Entra WAM account provider. */
export const PUBLIC_GUIDS: ReadonlySet<string> = new Set([
  // Microsoft-Windows-User Device Registration
  '23b8d46b-67dd-40a3-b636-d43e50552c6d',
  // Microsoft-Windows-AAD
  '4de9bc9c-b27a-43c9-8994-0915f1a5e24f',
  // WamDefaultGUID: the Microsoft Entra ID (AzureAd) web account provider
  'b16898c6-a148-4967-9171-64d755da8520',
  // Null GUID
  '00000000-0000-0000-0000-000000000000',
]);

/** Path segments of Microsoft sign-in URLs that are not tenants. */
export const PUBLIC_TENANT_SEGMENTS: ReadonlySet<string> = new Set([
  'common',
  'organizations',
  'consumers',
  'oauth2',
  'adfs',
]);

/** Sign-in hosts whose first path segment is the tenant (a GUID or a domain). */
export const SIGN_IN_HOSTS: readonly string[] = [
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.partner.microsoftonline.cn',
  'login.windows.net',
  'login.microsoft.com',
  'sts.windows.net',
];

/** Host labels in front of a customer domain that name a role, not a machine. */
export const ROLE_LABELS: ReadonlySet<string> = new Set([
  'enterpriseregistration',
  'enterpriseenrollment',
  'autodiscover',
  'sts',
  'adfs',
  'fs',
  'login',
  'www',
  'wpad',
  'mail',
]);

/** `DOMAIN\name` prefixes that name Windows itself, not an organisation. */
export const SYSTEM_ACCOUNT_DOMAINS: ReadonlySet<string> = new Set([
  'authority', // NT AUTHORITY
  'service', // NT SERVICE
  'builtin',
  'apppool', // IIS APPPOOL
  'manager', // Window Manager
  'host', // Font Driver Host
]);

/** `DOMAIN\name` prefixes whose name part is a person (kept prefix, redacted name). */
export const KEPT_ACCOUNT_DOMAINS: ReadonlySet<string> = new Set(['azuread', 'microsoftaccount']);

/** Values that are states or words, never identifiers, even under an identifying key. */
export const NOT_IDENTIFIERS: ReadonlySet<string> = new Set([
  '',
  'yes',
  'no',
  'none',
  'n/a',
  'na',
  'null',
  'undefined',
  'unknown',
  'error',
  'not set',
  'true',
  'false',
  'system',
  'managed',
  'federated',
  'common',
  'organizations',
  'consumers',
  'workgroup',
  'microsoft',
  'windows',
  'azure',
  'azuread',
  'entra',
  'office',
  '-',
]);

/** Well-known SIDs (SYSTEM, LOCAL SERVICE, NETWORK SERVICE, Everyone, built-in groups): kept. */
export function isWellKnownSid(sid: string): boolean {
  return !/^S-1-(?:5-21|12|5-5)-/i.test(sid);
}

export function hasSuffix(host: string, suffix: string): boolean {
  const h = host.toLowerCase();
  return h === suffix || h.endsWith(`.${suffix}`);
}

export function isMicrosoftHost(host: string): boolean {
  return MICROSOFT_SUFFIXES.some((s) => hasSuffix(host, s));
}

/**
 * Ordinary words: the states, phases and words of the tool's own vocabulary that a capture or an
 * event message uses in its text. A learned value that is only such words (a DomainName of `SYNC`,
 * a tenant named `Test`) is replaced where it stands as an identifier, never in running text, where
 * the same word is a state or part of a message the diagnosis reads ("Failed to auto detect").
 */
export const ORDINARY_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all an and any are as at auth authentication auto available ' +
    'be because been before being below between both but by can cannot client cloud code codes ' +
    'complete completed config configuration connect connected connection could data default ' +
    'delete deleted denied detect detected detection device devices did disabled discover ' +
    'discovery do does domain done down drs during each elevated elevation empty enabled ' +
    'enterprise entry error errors event events expired expiry fail failed failing failure false ' +
    'federated few for found from further get given had has have hello here how http https id if ' +
    'in info information into invalid is it its join joined joining just key keys last local ' +
    'logon managed message missing more most must name names network new next ngc no none nor ' +
    'not now null object of off ok on once only or other our out over own pac passed pass pending ' +
    'phase phases policy post pre precheck previous primary protected provider proxy prt read ' +
    'ready refresh registered registration remote request required reset response result retry ' +
    'run running same script server service set should sign skipped so software some ssl sso ' +
    'state status storage success succeeded successful such sync system take tenant test tested ' +
    'tests than that the their them then there these they this those through time timeout to ' +
    'token tpm true type unknown until up update updated url use used user users using valid ' +
    'validity value was we were what when where which while who why will with without workplace ' +
    'wpad yes you'
  ).split(' '),
);
