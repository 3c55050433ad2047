// What the bits of a 32-bit Windows code say, whether or not any name for it is known.
//
//   HRESULT                                    NTSTATUS
//    3 3 2 2 2 2 2 2 2 2 2 2 1 1 1 1 1 1        3 3 2 2 2 2 2 2 2 2 2 2 1 1 1 1 1 1
//    1 0 9 8 7 6 5 4 3 2 1 0 9 8 7 6 5 4 ...    1 0 9 8 7 6 5 4 3 2 1 0 9 8 7 6 5 4 ...
//   +-+-+-+-+-+---------------------+------+   +---+-+-+-----------------------+------+
//   |S|R|C|N|X|  Facility (11 bits) | Code |   |Sev|C|N|  Facility (12 bits)   | Code |
//   +-+-+-+-+-+---------------------+------+   +---+-+-+-----------------------+------+
//   S: 1 = failure. C: customer-defined.        Sev: 00 success, 01 informational,
//   N: set by HRESULT_FROM_NT.                       10 warning, 11 error.
//   Facility as HRESULT_FACILITY reads it: 13 bits (16-28); some facilities use bit 27.
//
// Wrapping: HRESULT_FROM_WIN32(e) = 0x80070000 | e (facility 7, WIN32); HRESULT_FROM_NT(s) = s |
// 0x10000000 (the N bit); NTSTATUS_FROM_WIN32(e) = 0xc0070000 | e (facility 7, NTWIN32). ADAL, the
// Azure AD Authentication Library behind device registration and the AAD broker, uses 0xcaa1xxxx
// to 0xcaa9xxxx; in its 0xcaa8 group the low 16 bits are a WinINet/WinHTTP error (12000-12999).
import { toHex, toSigned, toUnsigned } from './format.js';
import { HRESULT_FACILITIES, NTSTATUS_FACILITIES } from './generated/facilities.js';
import type { Family } from './types.js';

export type CodeKind = 'hresult' | 'ntstatus' | 'win32' | 'unknown';

/** How one code carries another inside it. */
export type Wrapping = 'HRESULT_FROM_WIN32' | 'HRESULT_FROM_NT' | 'NTSTATUS_FROM_WIN32' | 'ADAL';

export interface InnerCode {
  value: number;
  kind: 'win32' | 'ntstatus';
  via: Wrapping;
}

export interface CodeStructure {
  hex: string;
  signed: number;
  unsigned: number;
  kind: CodeKind;
  /** HRESULT: success | failure. NTSTATUS: success | informational | warning | error. */
  severity?: string;
  facility?: number;
  facilityName?: string;
  /** The low 16 bits. */
  code: number;
  /** The customer bit: the code is defined by a vendor or application, not by Windows. */
  customer?: boolean;
  /** A Win32 or NTSTATUS code wrapped inside this one. */
  inner?: InnerCode;
  /** For ADAL codes, the 0xcaaN group (0xcaa8 for network errors). */
  adalGroup?: number;
}

function parseFacilities(packed: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const item of packed.split(' ')) {
    const colon = item.indexOf(':');
    out.set(Number(item.slice(0, colon)), item.slice(colon + 1));
  }
  return out;
}

let hresultFacilities: Map<number, string> | undefined;
let ntstatusFacilities: Map<number, string> | undefined;

/** The SDK name of an HRESULT facility (WIN32, ITF, TPM_SERVICES ...), without the FACILITY_ prefix. */
export function hresultFacilityName(facility: number): string | undefined {
  hresultFacilities ??= parseFacilities(HRESULT_FACILITIES);
  return hresultFacilities.get(facility);
}

/** The SDK name of an NTSTATUS facility (NTWIN32, RPC_RUNTIME ...), without the FACILITY_ prefix. */
export function ntstatusFacilityName(facility: number): string | undefined {
  ntstatusFacilities ??= parseFacilities(NTSTATUS_FACILITIES);
  return ntstatusFacilities.get(facility);
}

const NT_BIT = 0x10000000;
const ADAL_GROUPS = new Map<number, string>([
  [0xcaa1, 'general client errors'],
  [0xcaa2, 'errors returned by the authorization server (OAuth errors such as invalid_grant)'],
  [0xcaa8, 'network errors'],
  [0xcaa9, 'federation protocol errors (WS-Trust, metadata exchange)'],
]);

/** Whether a value is in ADAL's 0xcaa0xxxx-0xcaafxxxx range. */
export function isAdal(value: number): boolean {
  return toUnsigned(value) >>> 20 === 0xcaa;
}

/** What the ADAL group of a value holds, when this project knows it. */
export function adalGroupDescription(value: number): string | undefined {
  return ADAL_GROUPS.get(toUnsigned(value) >>> 16);
}

/** The Win32 range that WinINet and WinHTTP share (12000-12999, or 0x2ee0-0x32c7). */
export function isInternetError(win32: number): boolean {
  return win32 >= 12000 && win32 < 13000;
}

/** A structure with every field present (absent ones undefined), so that all share one shape. */
function make(v: number, kind: CodeKind): CodeStructure {
  return {
    hex: toHex(v),
    signed: toSigned(v),
    unsigned: v,
    kind,
    severity: undefined,
    facility: undefined,
    facilityName: undefined,
    code: v & 0xffff,
    customer: undefined,
    inner: undefined,
    adalGroup: undefined,
  };
}

function decodeHresult(v: number): CodeStructure {
  const s = make(v, 'hresult');
  const facility = (v >>> 16) & 0x1fff;
  const customer = (v & 0x20000000) !== 0;
  s.severity = v >>> 31 ? 'failure' : 'success';
  s.facility = facility;
  if (customer) s.customer = true;
  else s.facilityName = hresultFacilityName(facility);
  if (facility === 7 && v >>> 31 && !customer)
    s.inner = { value: v & 0xffff, kind: 'win32', via: 'HRESULT_FROM_WIN32' };
  return s;
}

const NT_SEVERITY = ['success', 'informational', 'warning', 'error'];

function decodeNtstatus(v: number): CodeStructure {
  const s = make(v, 'ntstatus');
  const facility = (v >>> 16) & 0xfff;
  const customer = (v & 0x20000000) !== 0;
  s.severity = NT_SEVERITY[v >>> 30];
  s.facility = facility;
  if (customer) s.customer = true;
  else s.facilityName = ntstatusFacilityName(facility);
  if (facility === 7 && v >>> 30 === 3 && !customer)
    s.inner = { value: v & 0xffff, kind: 'win32', via: 'NTSTATUS_FROM_WIN32' };
  return s;
}

/** Families whose codes are HRESULTs or NTSTATUS values whatever their top bits suggest. */
const HRESULT_FAMILIES = new Set<Family>(['hresult', 'crypto', 'tpm', 'xmllite', 'dsreg', 'wininet']);
const NTSTATUS_FAMILIES = new Set<Family>(['ntstatus', 'cloudap']);

/**
 * Decodes the structure of a 32-bit value. `family` is the family of the best known name, when
 * there is one: it settles what the bits alone cannot (0x80000005 is both an HRESULT and an NTSTATUS
 * warning; XmlLite's 0xc00cee4f is an HRESULT with the reserved bit set).
 */
export function decodeStructure(value: number, family?: Family): CodeStructure {
  const v = toUnsigned(value);
  if (v <= 0xffff && family !== 'ntstatus' && family !== 'hresult') {
    const s = make(v, 'win32');
    if (v === 0) s.severity = 'success';
    return s;
  }
  if (family === 'adal' || (family === undefined && isAdal(v))) {
    const s = make(v, 'hresult');
    s.severity = 'failure';
    s.facility = (v >>> 16) & 0x1fff;
    s.facilityName = 'ADAL';
    s.adalGroup = v >>> 16;
    if (v >>> 16 === 0xcaa8) s.inner = { value: v & 0xffff, kind: 'win32', via: 'ADAL' };
    return s;
  }
  if (family && NTSTATUS_FAMILIES.has(family)) return decodeNtstatus(v);
  if (family && HRESULT_FAMILIES.has(family)) return decodeHresult(v);
  // HRESULT_FROM_NT: the N bit on a value that is not a plain HRESULT failure of a known facility.
  if (v & NT_BIT && v > 0xffff) {
    const inner = (v & ~NT_BIT) >>> 0;
    const s = decodeNtstatus(inner);
    s.hex = toHex(v);
    s.signed = toSigned(v);
    s.unsigned = v;
    s.kind = 'hresult';
    s.severity = v >>> 31 ? 'failure' : 'success';
    s.inner = { value: inner, kind: 'ntstatus', via: 'HRESULT_FROM_NT' };
    return s;
  }
  const top = v >>> 30;
  // 11 and 01 (error, informational) are NTSTATUS: HRESULTs do not set the reserved bit 30.
  if (top === 3 || top === 1) return decodeNtstatus(v);
  return decodeHresult(v);
}

/** The structure in words, one sentence a line, in this project's own phrasing. */
export function explainStructure(s: CodeStructure, innerNames: string[] = []): string[] {
  const out: string[] = [];
  const code = `code 0x${s.code.toString(16)} (${s.code})`;
  const facility =
    s.facility === undefined
      ? ''
      : `facility ${s.facility}${s.facilityName && s.facilityName !== 'ADAL' ? ` (${s.facilityName})` : ''}`;
  const named = innerNames.length ? `: ${innerNames.join(', ')}` : '';
  if (s.adalGroup !== undefined) {
    const group = ADAL_GROUPS.get(s.adalGroup);
    out.push(
      `ADAL (Azure AD Authentication Library) code, group 0x${s.adalGroup.toString(16)}${group ? `: ${group}` : ''}.`,
    );
    if (s.inner)
      out.push(
        `The low 16 bits, 0x${s.inner.value.toString(16)} = ${s.inner.value}, are a WinINet/WinHTTP error${named}.`,
      );
    return out;
  }
  switch (s.kind) {
    case 'win32':
      out.push(
        s.unsigned === 0
          ? 'Zero: success in every numbering (Win32, HRESULT and NTSTATUS).'
          : `Win32 error ${s.unsigned} (0x${s.unsigned.toString(16)}), as GetLastError returns it.`,
      );
      if (isInternetError(s.unsigned))
        out.push(
          'Errors 12000-12999 come from WinINet or WinHTTP; the two share most numbers, so both names are listed.',
        );
      if (s.unsigned !== 0)
        out.push(
          `As an HRESULT it reads 0x${((0x80070000 | s.unsigned) >>> 0).toString(16)} (HRESULT_FROM_WIN32)` +
            (isInternetError(s.unsigned)
              ? `; ADAL reports it as 0x${((0xcaa80000 | s.unsigned) >>> 0).toString(16)}.`
              : '.'),
        );
      break;
    case 'hresult':
      out.push(`HRESULT: ${s.severity}, ${facility}, ${code}${s.customer ? ', customer-defined' : ''}.`);
      break;
    case 'ntstatus':
      out.push(`NTSTATUS: ${s.severity}, ${facility}, ${code}${s.customer ? ', customer-defined' : ''}.`);
      break;
    default:
      out.push(`No known structure; ${code}.`);
  }
  if (s.kind === 'hresult' && s.facility === 28 && !s.customer)
    out.push("Facility 28 is the device registration client's: the guide's DSREG_ codes are 0x801cxxxx.");
  if (s.kind === 'ntstatus' && s.unsigned >>> 12 === 0xc0048)
    out.push("The guide's AAD_CLOUDAP_E_ codes (Microsoft Entra CloudAP plug-in) are 0xc0048xxx.");
  if (s.inner?.via === 'HRESULT_FROM_WIN32')
    out.push(
      `HRESULT_FROM_WIN32 wraps Win32 error ${s.inner.value} (0x${s.inner.value.toString(16)})${named}.`,
    );
  else if (s.inner?.via === 'NTSTATUS_FROM_WIN32')
    out.push(
      `NTSTATUS_FROM_WIN32 wraps Win32 error ${s.inner.value} (0x${s.inner.value.toString(16)})${named}.`,
    );
  else if (s.inner?.via === 'HRESULT_FROM_NT')
    out.push(`HRESULT_FROM_NT wraps NTSTATUS ${toHex(s.inner.value)}${named}.`);
  if (s.inner && s.inner.kind === 'win32' && isInternetError(s.inner.value))
    out.push(
      `Win32 error ${s.inner.value} is a WinINet/WinHTTP error; ADAL reports the same error as 0x${((0xcaa80000 | s.inner.value) >>> 0).toString(16)}.`,
    );
  return out;
}
