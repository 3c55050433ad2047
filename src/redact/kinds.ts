// Which fields hold identifiers, and of what kind: the dsregcmd keys (normalized as the parser
// normalizes them, src/dsregcmd/keys.ts), the names of event data (EventRecord.data), and the
// "Name: value" lines that event messages and debug output carry. The learner reads values by these
// tables; the redactor replaces a learned value as a whole wherever one of these fields holds it.
import type { IdentifierKind } from './pseudonyms.js';

/** How a field's value is learned: an identifier of a kind, or a value to take apart first. */
export type FieldKind = IdentifierKind | 'computer-name' | 'account' | 'url' | 'hosts';

/** dsregcmd keys (normalized) whose values are identifiers. */
export const FIELD_KINDS: Readonly<Record<string, FieldKind>> = {
  tenantid: 'tenant',
  workplacetenantid: 'tenant',
  tenantname: 'tenant-name',
  workplacetenantname: 'tenant-name',
  deviceid: 'device',
  workplacedeviceid: 'device',
  devicename: 'computer-name',
  domainname: 'domain',
  thumbprint: 'thumbprint',
  workplacethumbprint: 'thumbprint',
  keycontainerid: 'key',
  ngckeyid: 'key',
  correlationid: 'correlation',
  requestid: 'request',
  useridentity: 'account',
  executingaccountname: 'account',
  settingsurl: 'url',
  workplacesettingsurl: 'url',
  authcodeurl: 'url',
  accesstokenurl: 'url',
  azureadprtauthority: 'url',
  enterpriseprtauthority: 'url',
  endpointuri: 'url',
  mdmurl: 'url',
  mdmtouurl: 'url',
  mdmcomplianceurl: 'url',
  workplacemdmurl: 'url',
  autoconfigurationurl: 'url',
  proxyserverlist: 'hosts',
  proxybypasslist: 'hosts',
};

/**
 * dsregcmd keys (normalized) whose values are free text that may quote identifiers (a server's
 * message names the device it did not find): their words are not ordinary vocabulary.
 */
export const FREE_TEXT_KEYS: ReadonlySet<string> = new Set([
  'servermessage',
  'servererrordescription',
  'clienterrordescription',
  'diagnosticsreference',
]);

/** Event data names (lower case, the last segment of a dotted UserData path) whose values are identifiers. */
export const EVENT_FIELD_KINDS: Readonly<Record<string, FieldKind>> = {
  tenantid: 'tenant',
  tenantname: 'tenant-name',
  azureadtenantname: 'tenant-name',
  enterprisedrsname: 'host',
  deviceid: 'device',
  domain: 'domain',
  upn: 'account',
  user: 'account',
  username: 'account',
  useridentity: 'account',
  userprincipalname: 'account',
  principalsamname: 'account',
  usersid: 'sid',
  keyid: 'key',
  activityid: 'correlation',
  correlationid: 'correlation',
  adalcorrelationid: 'correlation',
  clientrequestid: 'request',
  serverrequestid: 'request',
  requestid: 'request',
  traceid: 'request',
  server: 'computer-name',
  workstation: 'computer-name',
  workstationname: 'computer-name',
  targetusername: 'account',
  subjectusername: 'account',
  targetdomainname: 'domain',
  subjectdomainname: 'domain',
  targetusersid: 'sid',
  subjectusersid: 'sid',
  endpointuri: 'url',
  authority: 'url',
  ipaddress: 'ip',
  sourceaddress: 'ip',
  destaddress: 'ip',
  clientaddress: 'ip',
  serialnumber: 'serial',
  certificateserialnumber: 'serial',
  thumbprint: 'thumbprint',
  certthumbprint: 'thumbprint',
};

/** "Name: value" lines inside event messages and debug output (DebugOutput of event 304, for one). */
export const TEXT_FIELD_KINDS: Readonly<Record<string, FieldKind>> = {
  tenantid: 'tenant',
  tenantname: 'tenant-name',
  domain: 'domain',
  deviceid: 'device',
  upn: 'account',
  useridentity: 'account',
  activityid: 'correlation',
  correlationid: 'correlation',
  adalcorrelationid: 'correlation',
  requestid: 'request',
  traceid: 'request',
  serialnumber: 'serial',
};

/** The kind of an event data value, by its name: `X509Objects.Certificate.SerialNumber#1` is a serial. */
export function eventFieldKind(name: string): FieldKind | undefined {
  const last = name.slice(name.lastIndexOf('.') + 1).replace(/#\d+$/, '');
  if (last.includes('@')) return undefined;
  return EVENT_FIELD_KINDS[last.toLowerCase()];
}
