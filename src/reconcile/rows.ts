// Export records (CSV rows with their header, JSON objects, LDIF entries) to typed rows. Field
// names are matched without case, spaces or punctuation, so "joinType (trustType)", "TrustType"
// and "trustType" are one field; the kind of export is told from the fields of its first record.
import type { JoinType, Phase, Verdict } from '../types.js';
import { readCertificate } from './cert.js';
import type {
  AdComputer,
  CertificateInfo,
  DeviceReport,
  EntraDevice,
  ExportKind,
  TrustType,
} from './types.js';
import { base64ToBytes, boolOf, guidFromBytes, guidOf, own, sidFromBytes, sidOf, timeOf } from './values.js';

/** A record's values by normalized field name (a Map, or a CSV row over its header). */
export interface Fields {
  get(key: string): unknown;
  has(key: string): boolean;
}

/** A CSV row read through the header's positions: no per-row map. */
export class CsvFields implements Fields {
  constructor(
    private readonly index: Map<string, number>,
    private readonly values: string[],
  ) {}
  get(key: string): unknown {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.values[i];
  }
  has(key: string): boolean {
    return this.index.has(key);
  }
}

export const normKey = (k: string) => k.toLowerCase().replace(/[^a-z0-9]/g, '');

export function fieldsOf(obj: Record<string, unknown>): Map<string, unknown> {
  const f = new Map<string, unknown>();
  for (const [k, v] of Object.entries(obj)) f.set(normKey(k), v);
  return f;
}

const ENTRA_MARKS = [
  'trusttype',
  'jointypetrusttype',
  'jointype',
  'profiletype',
  'approximatelastsignindatetime',
  'registrationtime',
  'registrationdatetime',
];

/** The kind of export a record belongs to, from its field names. */
export function kindOf(f: Fields): ExportKind | undefined {
  const d = f.get('diagnosis');
  if (f.has('verdict') || (d && typeof d === 'object' && 'verdict' in d)) return 'device-diagnosis';
  if (f.has('deviceid') && ENTRA_MARKS.some((k) => f.has(k))) return 'entra-devices';
  if (f.has('objectguid') || (f.has('distinguishedname') && (f.has('name') || f.has('cn'))))
    return 'ad-computers';
  return undefined;
}

/** A value as trimmed text, still a view of the text it was cut from (see own). */
const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v.trim() || undefined : typeof v === 'number' ? String(v) : undefined;
/** A value as trimmed text of its own, to keep. */
const str = (v: unknown): string | undefined => {
  const t = text(v);
  return t === undefined ? undefined : own(t);
};

const given = (v: unknown) => v !== undefined && v !== null && v !== '';

/** The first of up to three fields with a value (fixed arity: no array per call, per row). */
function pick(f: Fields, a: string, b?: string, c?: string): unknown {
  let v = f.get(a);
  if (given(v)) return v;
  if (b === undefined) return undefined;
  v = f.get(b);
  if (given(v)) return v;
  if (c === undefined) return undefined;
  v = f.get(c);
  return given(v) ? v : undefined;
}

/**
 * Values that repeat from row to row (operating systems, profile types) kept once: 200,000 rows
 * of "Windows 11 Enterprise" hold one string. Bounded, so a column of distinct values costs
 * nothing more than without it.
 */
const common = new Map<string, string>();
function intern(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const known = common.get(v);
  if (known !== undefined) return known;
  const kept = own(v);
  if (common.size < 256) common.set(kept, kept);
  return kept;
}

/** The join types of the display names met so far (a few), so each name is read once. */
const trustTypes = new Map<string, TrustType | null | undefined>();

/** Display names of the admin center (current and older) and Graph's values. */
export function trustTypeOf(value: unknown): TrustType | null | undefined {
  if (typeof value !== 'string') return readTrustType(value);
  const known = trustTypes.get(value);
  if (known !== undefined || trustTypes.has(value)) return known;
  const t = readTrustType(value);
  if (trustTypes.size < 64) trustTypes.set(own(value), t);
  return t;
}

function readTrustType(value: unknown): TrustType | null | undefined {
  const v = text(value)?.toLowerCase().replace(/\s+/g, ' ');
  if (v === undefined) return null;
  if (v === 'serverad' || v.includes('hybrid') || v === 'domain joined') return 'ServerAd';
  if (v === 'azuread' || v === 'microsoft entra joined' || v === 'azure ad joined') return 'AzureAd';
  if (v === 'workplace' || v === 'microsoft entra registered' || v === 'azure ad registered')
    return 'Workplace';
  return undefined;
}

export class RowError extends Error {}

function timeField(f: Fields, what: string, a: string, b?: string, c?: string): number | null {
  const raw = pick(f, a, b, c);
  const t = timeOf(raw);
  if (t === undefined) throw new RowError(`${what} "${String(raw).slice(0, 40)}" is not a date`);
  return t;
}

/** Thumbprints in alternativeSecurityIds keys: "X509:<SHA1-TP-PUBKEY>{thumbprint}..." in UTF-16 or UTF-8. */
/** The certificates of a computer with none read. */
const NO_CERTIFICATES: readonly CertificateInfo[] = Object.freeze([]);

/** The thumbprints of an object with none: one frozen list shared by every row. */
const NO_THUMBPRINTS: readonly string[] = Object.freeze([]);

function alternativeIds(value: unknown): { has?: boolean; thumbprints: readonly string[] } {
  if (!Array.isArray(value)) return { thumbprints: NO_THUMBPRINTS };
  const thumbprints: string[] = [];
  for (const item of value) {
    if (!item || typeof item !== 'object') continue;
    const key = fieldsOf(item as Record<string, unknown>).get('key');
    const bytes =
      typeof key === 'string'
        ? base64ToBytes(key)
        : Array.isArray(key)
          ? Uint8Array.from(key.filter((x): x is number => typeof x === 'number'))
          : undefined;
    if (!bytes) continue;
    for (const label of ['utf-16le', 'utf-8']) {
      const m = /<SHA1-TP-PUBKEY>([0-9a-f]{40})/i.exec(new TextDecoder(label).decode(bytes));
      if (m) {
        thumbprints.push(m[1]!.toLowerCase());
        break;
      }
    }
  }
  return { has: value.length > 0, thumbprints: thumbprints.length > 0 ? thumbprints : NO_THUMBPRINTS };
}

export function entraRow(f: Fields, ref: EntraDevice['ref']): EntraDevice {
  const rawTrust = pick(f, 'trusttype', 'jointypetrusttype', 'jointype');
  const trustType = trustTypeOf(rawTrust);
  if (trustType === undefined)
    throw new RowError(`join type "${String(rawTrust)}" is not one reconcile knows`);
  const rawReg = pick(f, 'registrationtime', 'registrationdatetime');
  const registrationTime =
    typeof rawReg === 'string' && /^pending$/i.test(rawReg.trim())
      ? null
      : timeField(f, 'registration time', 'registrationtime', 'registrationdatetime');
  const deviceId = guidOf(str(pick(f, 'deviceid')));
  const objectId = guidOf(str(pick(f, 'objectid', 'id')));
  const name = str(pick(f, 'displayname', 'name')) ?? '';
  if (!name && !deviceId && !objectId) throw new RowError('no displayName, deviceId or objectId');
  const alt = alternativeIds(f.get('alternativesecurityids'));
  // Every field in one literal, absent ones undefined: one shape for every row, and no second
  // object for properties added later (rows are kept by the hundred thousand).
  const row: EntraDevice = {
    ref,
    name,
    objectId,
    deviceId,
    enabled: boolOf(pick(f, 'accountenabled', 'enabled')),
    trustType,
    registrationTime,
    lastSignIn: timeField(
      f,
      'last sign-in',
      'approximatelastsignindatetime',
      'approximatelastlogontimestamp',
    ),
    sid: sidOf(pick(f, 'onpremisessecurityidentifier')),
    thumbprints: alt.thumbprints,
    hasAlternativeSecurityIds: alt.has,
    profileType: intern(text(pick(f, 'profiletype'))),
    operatingSystem: intern(text(pick(f, 'operatingsystem'))),
  };
  return row;
}

function bytesOf(v: unknown): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return base64ToBytes(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return Uint8Array.from(v as number[]);
  return undefined;
}

function certificatesOf(value: unknown): CertificateInfo[] {
  const values: unknown[] =
    value === undefined || value === null
      ? []
      : typeof value === 'string'
        ? /[;\s]/.test(value)
          ? value.split(/[;\s]+/).filter((s) => s !== '')
          : value === ''
            ? []
            : [value]
        : Array.isArray(value) && value.length > 0 && value.every((x) => typeof x === 'number')
          ? [value]
          : Array.isArray(value)
            ? value
            : [value];
  return values.map((v) => {
    const der = bytesOf(v);
    return der ? readCertificate(der) : { thumbprint: '', selfSigned: false, error: 'not base64 DER' };
  });
}

/** How many values a userCertificate field holds, without reading them. */
function certificateCount(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'string') {
    // Most fields hold one value: told by a search, without cutting the text into a list.
    if (!/[;\s]/.test(value)) return value === '' ? 0 : 1;
    return value.split(/[;\s]+/).filter((s) => s !== '').length;
  }
  if (Array.isArray(value))
    return value.length > 0 && value.every((x) => typeof x === 'number') ? 1 : value.length;
  return 1;
}

/**
 * `skipCertificates(objectGuid)` true: the computer's certificates are counted, not read (their
 * device object is already known, so no state needs them; see createExportReader).
 */
export function adRow(
  f: Fields,
  ref: AdComputer['ref'],
  skipCertificates?: (objectGuid: string) => boolean,
): AdComputer {
  const rawGuid = pick(f, 'objectguid');
  const objectGuid =
    rawGuid instanceof Uint8Array
      ? guidFromBytes(rawGuid)
      : guidOf(typeof rawGuid === 'object' && rawGuid ? (rawGuid as { Guid?: unknown }).Guid : rawGuid);
  if (rawGuid !== undefined && !objectGuid) throw new RowError('objectGUID is not a GUID');
  const rawSid = pick(f, 'objectsid', 'sid');
  const sid = rawSid instanceof Uint8Array ? sidFromBytes(rawSid) : sidOf(rawSid);
  const dn = str(pick(f, 'distinguishedname', 'dn'));
  const name =
    str(pick(f, 'name', 'cn'))?.replace(/\$$/, '') ??
    str(pick(f, 'samaccountname'))?.replace(/\$$/, '') ??
    (dn ? /^CN=([^,]+)/i.exec(dn)?.[1] : undefined) ??
    '';
  if (!name && !objectGuid) throw new RowError('no Name or objectGUID');
  const rawCerts = pick(f, 'usercertificate');
  const skip = objectGuid !== undefined && skipCertificates?.(objectGuid) === true;
  const unread = skip ? certificateCount(rawCerts) : 0;
  const enabled = boolOf(pick(f, 'enabled'));
  const uac = Number(str(pick(f, 'useraccountcontrol')));
  // Every field in one literal, absent ones undefined (see entraRow).
  const row: AdComputer = {
    ref,
    name,
    distinguishedName: dn,
    enabled: enabled !== undefined ? enabled : Number.isInteger(uac) ? (uac & 2) === 0 : undefined,
    objectGuid,
    sid,
    operatingSystem: intern(text(pick(f, 'operatingsystem'))),
    whenCreated: timeField(f, 'whenCreated', 'whencreated', 'created'),
    lastLogon: timeField(f, 'lastLogonTimestamp', 'lastlogontimestamp', 'lastlogondate'),
    certificates: skip ? NO_CERTIFICATES : certificatesOf(rawCerts),
    unreadCertificates: unread > 0 ? unread : undefined,
  };
  return row;
}

const VERDICTS = new Set(['healthy', 'warning', 'failed', 'unknown']);
const JOIN_TYPES = new Set([
  'hybrid',
  'entra-joined',
  'domain-joined',
  'entra-registered',
  'not-joined',
  'unknown',
]);

/** A diagnosis as `diagnose --format json` prints it, or wrapped ({ diagnosis, deviceId }) by the fleet server. */
export function diagnosisRow(obj: Record<string, unknown>, ref: DeviceReport['ref']): DeviceReport {
  const inner =
    obj.diagnosis && typeof obj.diagnosis === 'object' ? (obj.diagnosis as Record<string, unknown>) : obj;
  const verdict = inner.verdict as Verdict;
  const joinType = (inner.joinType ?? 'unknown') as JoinType;
  if (!VERDICTS.has(verdict as string))
    throw new RowError(`verdict "${String(verdict)}" is not a diagnosis verdict`);
  if (!JOIN_TYPES.has(joinType))
    throw new RowError(`joinType "${String(joinType)}" is not a diagnosis join type`);
  const device = (inner.device && typeof inner.device === 'object' ? inner.device : {}) as Record<
    string,
    unknown
  >;
  const findings = Array.isArray(inner.findings) ? inner.findings : [];
  const row: DeviceReport = {
    ref,
    verdict,
    joinType,
    phase: (inner.phase ?? null) as Phase | null,
    findingIds: findings
      .map((x) => (x && typeof x === 'object' ? (x as { id?: unknown }).id : undefined))
      .filter((x): x is string => typeof x === 'string'),
  };
  const deviceId = guidOf(str(device.deviceId) ?? str(obj.deviceId));
  if (deviceId) row.deviceId = deviceId;
  const name = str(device.name) ?? str(obj.name) ?? str(obj.deviceName);
  if (name) row.name = name;
  if (typeof device.azureAdJoined === 'boolean') row.azureAdJoined = device.azureAdJoined;
  if (typeof device.domainJoined === 'boolean') row.domainJoined = device.domainJoined;
  return row;
}
