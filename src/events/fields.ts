// The two providers that tell the join and PRT story, and the EventData field names of their events
// in order. Exports that keep only the values (Get-WinEvent | ConvertTo-Json keeps Properties[].Value)
// get their names back from this table; the event rules read fields by these names.
//
// Source: ../shared/reference/event-logs.md §2.1 and §2.2 (ETW manifest bindings of Windows builds of
// about 2019-2022; newer builds append fields, so values past the end of a list keep '#n' keys).

export const UDR_PROVIDER = 'Microsoft-Windows-User Device Registration';
export const AAD_PROVIDER = 'Microsoft-Windows-AAD';

export interface KnownProvider {
  name: string;
  guid: string;
  /** The name without "Microsoft-Windows-", as Event Viewer shows it in its Source column. */
  short: string;
  /** A label of at most 16 characters for the events table. */
  label: string;
  channels: string[];
}

export const KNOWN_PROVIDERS: readonly KnownProvider[] = [
  {
    name: UDR_PROVIDER,
    guid: '{23B8D46B-67DD-40A3-B636-D43E50552C6D}',
    short: 'User Device Registration',
    label: 'UserDeviceReg',
    channels: [
      'Microsoft-Windows-User Device Registration/Admin',
      'Microsoft-Windows-User Device Registration/Debug',
    ],
  },
  {
    name: AAD_PROVIDER,
    guid: '{4DE9BC9C-B27A-43C9-8994-0915F1A5E24F}',
    short: 'AAD',
    label: 'AAD',
    channels: ['Microsoft-Windows-AAD/Operational', 'Microsoft-Windows-AAD/Analytic'],
  },
];

/**
 * The full provider name for a name as an export may spell it: Event Viewer's CSV and some
 * scripts drop the "Microsoft-Windows-" prefix, case may differ. Unknown names come back as given.
 */
export function canonicalProvider(name: string): string {
  const lower = name.trim().toLowerCase();
  for (const p of KNOWN_PROVIDERS) {
    if (lower === p.name.toLowerCase() || lower === p.short.toLowerCase() || lower === p.guid.toLowerCase()) {
      return p.name;
    }
  }
  return name.trim();
}

const EXIT = ['ExitCode'];
const ERROR_CODE = ['ErrorCode'];
const WHFB_CHECKS = [
  'Message',
  'DeviceIsJoined',
  'AADPrt',
  'NgcPolicyEnabled',
  'NgcPostLogonProvisioningEnabled',
  'NgcHardwarePolicyMet',
  'UserIsRemote',
  'LogonCertRequired',
];
const WHFB_PREREQS = [
  ...WHFB_CHECKS,
  'MachinePolicySource',
  // Appended by Windows 11 builds of 2024 (seen in a real event 360).
  'UseCloudTrust',
  'CloudTgt',
];
const WINHTTP_CALLBACK = ['dwInternetStatus', 'dwResult', 'dwError', 'InternetStatus', 'Result'];
const WAM_REQUEST = ['AccountProvider', 'Scope', 'Client', 'Authority', 'Resource', 'CorrelationId'];
const JOIN_FAILURE = ['ExitCode', 'ServerErrorMessage', 'TenantType', 'JoinType', 'DebugOutput'];

/** Microsoft-Windows-User Device Registration (Admin; 500-504 are Debug). */
const UDR_FIELDS: Record<number, readonly string[]> = {
  101: ['ServerMessage'],
  102: ['JoinRequestType', 'JoinRequestTypeSymbolicName', 'Domain'],
  103: ['AuthToken'],
  104: ['ServerResponse', 'ActivityId'],
  110: ['JoinType', 'JoinTypeSymbolicName', 'TenantId', 'UPN'],
  111: ['JoinRequestType', 'JoinRequestTypeSymbolicName'],
  200: ['ExitCode', 'Domain'],
  201: ['ExitCode', 'HttpStatus', 'ServerMessage'],
  202: ['ExitCode', 'JoinRequestType', 'JoinRequestTypeSymbolicName', 'Domain'],
  203: ['ExitCode', 'ActivityId'],
  204: ['ExitCode', 'ActivityId', 'HttpStatus', 'ServerResponse'],
  205: EXIT,
  206: EXIT,
  212: ['ErrorCode', 'Operation', 'Path'],
  213: ['NtStatus'],
  214: ['PackageName', 'NtStatus'],
  215: ['PackageId', 'PackageName', 'NtStatus'],
  219: ERROR_CODE,
  220: ['Format', 'ErrorCode'],
  221: ['Server', 'Port', 'AuthMethod', 'ErrorCode'],
  223: ERROR_CODE,
  224: ERROR_CODE,
  225: ['UserAgent', 'AccessType', 'ProxyName', 'ProxyBypassList', 'Flags', 'ErrorCode'],
  226: ['Server', 'Port', 'ErrorCode'],
  227: ERROR_CODE,
  228: ERROR_CODE,
  229: ERROR_CODE,
  230: ERROR_CODE,
  231: ['ErrorCode', 'WinHttpStatus', 'WinHttpStatusFlag'],
  232: ERROR_CODE,
  233: ['StatusCode', 'ErrorCode', 'StatusName'],
  234: ERROR_CODE,
  235: ERROR_CODE,
  236: ERROR_CODE,
  244: EXIT,
  245: EXIT,
  300: ['KeyId', 'UPN', 'Attestation', 'ClientRequestId', 'ServerRequestId', 'ServerResponse'],
  301: [
    'ExitCode',
    'ClientRequestId',
    'ServerRequestId',
    'ErrorCode',
    'ServerErrorMessage',
    'RecommendedClientResponse',
    'ServerResponse',
  ],
  304: JOIN_FAILURE,
  305: ['ExitCode', 'ServerErrorMessage', 'TenantType', 'TenantName'],
  307: EXIT,
  308: ['UserSID'],
  309: EXIT,
  323: WAM_REQUEST,
  324: [
    'RequestStatus',
    'RequestStatusSymbolicName',
    'ProviderErrorCode',
    'ProviderErrorMessage',
    'ErrorCode',
    'CorrelationId',
  ],
  329: WAM_REQUEST,
  330: ['AzureADTenantName', 'EnterpriseDrsName'],
  331: ['DebugOutput'],
  336: WINHTTP_CALLBACK,
  337: WINHTTP_CALLBACK,
  338: ['ProxyCount'],
  339: ['fProxy', 'fBypass', 'INTERNET_SCHEME', 'pwszProxy', 'ProxyPort'],
  340: WINHTTP_CALLBACK,
  341: ERROR_CODE,
  344: EXIT,
  345: EXIT,
  354: ['ExitCode', 'HttpStatus', 'ServerMessage'],
  358: WHFB_PREREQS,
  360: WHFB_PREREQS,
  // 361 and 362 insert their own lines before the machine policy source that 358/360 end with.
  361: [...WHFB_CHECKS, 'MDMCertEnrollmentReady', 'MachinePolicySource'],
  362: [...WHFB_CHECKS, 'ADFSRaReady', 'RATemplateReady', 'ADFSPrtPresent', 'MachinePolicySource'],
  369: ['Message'],
  370: JOIN_FAILURE,
  500: ['Message'],
  501: ['Message'],
  502: ['Message'],
  503: ['Message'],
  504: ['Message'],
};

const STATUS = ['Status'];
const STATUS_CORRELATION = ['Status', 'CorrelationID'];
const OAUTH_ERROR = ['Error', 'ErrorDescription', 'CorrelationID'];
const PLUGIN_ERROR = ['Error', 'ErrorMessage', 'AdditionalInformation'];
const PLUGIN_CODE = ['OperationCode', 'OperationMessage', 'AdditionalInformation'];
const API_RESULT = ['API', 'Result'];
const VALUE = ['value'];
// 1025's HTTP template; 1144 reuses it, so there the names do not match the message's labels.
const HTTP_REQUEST = ['value', 'Method', 'EndpointUri', 'CorrelationID'];

/** Microsoft-Windows-AAD (Operational and Analytic). */
const AAD_FIELDS: Record<number, readonly string[]> = {
  1002: STATUS,
  1005: STATUS,
  1007: STATUS,
  1009: STATUS,
  1011: STATUS,
  1013: STATUS,
  1015: ['Response', 'Status'],
  1018: VALUE,
  1022: VALUE,
  1025: HTTP_REQUEST,
  1026: ['value', 'CorrelationID'],
  1029: STATUS,
  1035: STATUS,
  1081: OAUTH_ERROR,
  1082: OAUTH_ERROR,
  1083: OAUTH_ERROR,
  // Shared template: Result is the status, Target the correlation ID.
  1084: ['Result', 'Target'],
  1085: STATUS_CORRELATION,
  1086: STATUS_CORRELATION,
  1087: STATUS_CORRELATION,
  1088: ['Error', 'ErrorDescription'],
  1089: STATUS,
  1090: OAUTH_ERROR,
  1092: ['CorrelationID', 'RetryNumber'],
  1093: API_RESULT,
  1094: STATUS_CORRELATION,
  1095: VALUE,
  1096: VALUE,
  1097: PLUGIN_ERROR,
  1098: PLUGIN_ERROR,
  1099: PLUGIN_CODE,
  1100: PLUGIN_ERROR,
  1101: PLUGIN_ERROR,
  1102: PLUGIN_CODE,
  1103: ['Result'],
  1104: API_RESULT,
  1105: API_RESULT,
  1107: PLUGIN_ERROR,
  1108: PLUGIN_ERROR,
  1109: PLUGIN_ERROR,
  1110: PLUGIN_ERROR,
  1111: PLUGIN_ERROR,
  1112: PLUGIN_ERROR,
  1113: PLUGIN_CODE,
  1114: PLUGIN_ERROR,
  1115: PLUGIN_ERROR,
  1116: STATUS_CORRELATION,
  1117: STATUS_CORRELATION,
  1118: STATUS_CORRELATION,
  1120: STATUS_CORRELATION,
  1134: API_RESULT,
  1144: HTTP_REQUEST,
  1145: VALUE,
  1146: ['NoOfTargets', 'RequestType'],
  1155: STATUS_CORRELATION,
  1158: STATUS,
  1160: STATUS_CORRELATION,
  1161: STATUS_CORRELATION,
  1162: STATUS_CORRELATION,
  1163: STATUS_CORRELATION,
  1164: STATUS_CORRELATION,
  1165: STATUS_CORRELATION,
  1202: ['Result'],
  1203: ['Result', 'FunctionName'],
  1215: ['Result'],
  1216: ['Result', 'Target'],
};

/** EventData field names in order for an event of a known provider, or undefined. */
export function fieldNames(provider: string, eventId: number): readonly string[] | undefined {
  const p = canonicalProvider(provider);
  if (p === UDR_PROVIDER) return UDR_FIELDS[eventId];
  if (p === AAD_PROVIDER) return AAD_FIELDS[eventId];
  return undefined;
}

/**
 * Names values given only by position: known names first, then '#n' (n = position) for values a
 * newer build appended or for events whose fields are not known.
 */
export function nameValues(
  provider: string,
  eventId: number,
  values: readonly string[],
): Record<string, string> {
  const names = fieldNames(provider, eventId) ?? [];
  const data: Record<string, string> = {};
  values.forEach((v, i) => {
    data[names[i] ?? `#${i}`] = v;
  });
  return data;
}
