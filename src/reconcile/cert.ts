// Just enough X.509 to read a computer's userCertificate values: subject and issuer common names,
// whether it is self-signed (issuer equal to subject), validity dates and the SHA-1 thumbprint.
// A tiny DER walker rather than a library: the well-kept X.509 libraries that run in a browser
// bring an ASN.1 schema framework and a reflect-metadata polyfill for these five fields.
//
//   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }
//   TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer Name,
//                                 validity SEQUENCE { notBefore, notAfter }, subject Name, ... }
//   Name ::= SEQUENCE OF SET OF SEQUENCE { type OID, value ANY }
import type { CertificateInfo } from './types.js';

interface Tlv {
  tag: number;
  start: number;
  /** Offset of the value. */
  body: number;
  end: number;
}

function tlv(b: Uint8Array, at: number, limit: number): Tlv {
  if (at + 2 > limit) throw new Error(`truncated at byte ${at}`);
  const tag = b[at]!;
  if ((tag & 0x1f) === 0x1f) throw new Error(`unsupported tag at byte ${at}`);
  let len = b[at + 1]!;
  let body = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || body + n > limit) throw new Error(`bad length at byte ${at + 1}`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[body + i]!;
    body += n;
  }
  const end = body + len;
  if (end > limit) throw new Error(`length past the end at byte ${at + 1}`);
  return { tag, start: at, body, end };
}

function children(b: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.body; at < parent.end; ) {
    const t = tlv(b, at, parent.end);
    out.push(t);
    at = t.end;
  }
  return out;
}

const CN_OID = [0x55, 0x04, 0x03];

/**
 * Bytes as one character each (PrintableString, IA5String, TeletexString as Latin-1), as one flat
 * string: adding characters one by one would leave a tree of pieces for every name kept.
 */
function latin1(b: Uint8Array, from: number, to: number): string {
  const codes: number[] = [];
  for (let i = from; i < to; i++) codes.push(b[i]!);
  return String.fromCharCode(...codes);
}

function commonName(b: Uint8Array, name: Tlv): string | undefined {
  for (const rdn of children(b, name)) {
    for (const atv of children(b, rdn)) {
      const [type, value] = children(b, atv);
      if (!type || !value || type.tag !== 0x06) continue;
      if (type.end - type.body !== 3) continue;
      const o = type.body;
      if (b[o] !== CN_OID[0] || b[o + 1] !== CN_OID[1] || b[o + 2] !== CN_OID[2]) continue;
      if (value.tag === 0x1e) {
        let s = '';
        for (let i = value.body; i + 1 < value.end; i += 2)
          s += String.fromCharCode((b[i]! << 8) | b[i + 1]!);
        return s;
      }
      return value.tag === 0x0c
        ? new TextDecoder().decode(b.subarray(value.body, value.end))
        : latin1(b, value.body, value.end);
    }
  }
  return undefined;
}

/**
 * UTCTime (YYMMDDHHMM[SS]Z) or GeneralizedTime (YYYYMMDDHHMM[SS][.f]Z) as ISO 8601, read from
 * the digits (no pattern per certificate date).
 */
function timeOf(b: Uint8Array, t: Tlv): string | undefined {
  const at = t.body;
  const len = t.end - at;
  if (b[t.end - 1] !== 0x5a) return undefined; // Z
  const yearDigits = t.tag === 0x17 ? 2 : 4;
  let digits = len - 1;
  if (t.tag === 0x18) {
    const dot = b.subarray(at, t.end - 1).indexOf(0x2e);
    if (dot >= 0) {
      for (let i = at + dot + 1; i < t.end - 1; i++) if (b[i]! < 0x30 || b[i]! > 0x39) return undefined;
      if (dot === len - 2) return undefined; // a dot with no digits
      digits = dot;
    }
  }
  if (digits !== yearDigits + 8 && digits !== yearDigits + 10) return undefined;
  for (let i = at; i < at + digits; i++) if (b[i]! < 0x30 || b[i]! > 0x39) return undefined;
  const num = (i: number, n: number) => {
    let v = 0;
    for (let k = 0; k < n; k++) v = v * 10 + b[at + i + k]! - 0x30;
    return v;
  };
  let year = num(0, yearDigits);
  if (t.tag === 0x17) year += year < 50 ? 2000 : 1900;
  const y = yearDigits;
  const se = digits === y + 10 ? num(y + 8, 2) : 0;
  // As Date.UTC reads them (out-of-range values roll over), written as one flat string.
  return new Date(
    Date.UTC(year, num(y, 2) - 1, num(y + 2, 2), num(y + 4, 2), num(y + 6, 2), se),
  ).toISOString();
}

function sameBytes(b: Uint8Array, x: Tlv, y: Tlv): boolean {
  if (x.end - x.start !== y.end - y.start) return false;
  for (let i = 0; i < x.end - x.start; i++) if (b[x.start + i] !== b[y.start + i]) return false;
  return true;
}

/** Reads one DER certificate; an unreadable one comes back with `error` and its thumbprint. */
export function readCertificate(der: Uint8Array): CertificateInfo {
  const thumbprint = sha1Hex(der);
  try {
    const cert = tlv(der, 0, der.length);
    if (cert.tag !== 0x30) throw new Error('not a DER SEQUENCE');
    const tbs = children(der, cert)[0];
    if (tbs?.tag !== 0x30) throw new Error('no TBSCertificate');
    const f = children(der, tbs);
    const fields = f[0]?.tag === 0xa0 ? f.slice(1) : f;
    const [, , issuer, validity, subject] = fields;
    if (!issuer || !validity || !subject || validity.tag !== 0x30)
      throw new Error('not an X.509 certificate');
    const [nb, na] = children(der, validity);
    const selfSigned = sameBytes(der, issuer, subject);
    const info: CertificateInfo = { thumbprint, selfSigned };
    const scn = commonName(der, subject);
    if (scn !== undefined) info.subjectCN = scn;
    const icn = selfSigned ? scn : commonName(der, issuer);
    if (icn !== undefined) info.issuerCN = icn;
    const notBefore = nb && timeOf(der, nb);
    if (notBefore) info.notBefore = notBefore;
    const notAfter = na && timeOf(der, na);
    if (notAfter) info.notAfter = notAfter;
    return info;
  } catch (err) {
    return { thumbprint, selfSigned: false, error: (err as Error).message };
  }
}

/** The message schedule, reused by every call (sha1Hex runs to completion, never re-entered). */
const W = new Int32Array(80);
const H = new Int32Array(5);

/** One 64-byte block of SHA-1 from `b` at `off`, into H. */
function sha1Block(b: Uint8Array, off: number): void {
  const w = W;
  for (let i = 0; i < 16; i++) {
    const o = off + i * 4;
    w[i] = (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
  }
  for (let i = 16; i < 80; i++) {
    const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
    w[i] = (x << 1) | (x >>> 31);
  }
  let a = H[0]!;
  let bb = H[1]!;
  let c = H[2]!;
  let d = H[3]!;
  let e = H[4]!;
  let t: number;
  for (let i = 0; i < 20; i++) {
    t = (((a << 5) | (a >>> 27)) + ((bb & c) | (~bb & d)) + e + 0x5a827999 + w[i]!) | 0;
    e = d;
    d = c;
    c = (bb << 30) | (bb >>> 2);
    bb = a;
    a = t;
  }
  for (let i = 20; i < 40; i++) {
    t = (((a << 5) | (a >>> 27)) + (bb ^ c ^ d) + e + 0x6ed9eba1 + w[i]!) | 0;
    e = d;
    d = c;
    c = (bb << 30) | (bb >>> 2);
    bb = a;
    a = t;
  }
  for (let i = 40; i < 60; i++) {
    t = (((a << 5) | (a >>> 27)) + ((bb & c) | (bb & d) | (c & d)) + e + 0x8f1bbcdc + w[i]!) | 0;
    e = d;
    d = c;
    c = (bb << 30) | (bb >>> 2);
    bb = a;
    a = t;
  }
  for (let i = 60; i < 80; i++) {
    t = (((a << 5) | (a >>> 27)) + (bb ^ c ^ d) + e + 0xca62c1d6 + w[i]!) | 0;
    e = d;
    d = c;
    c = (bb << 30) | (bb >>> 2);
    bb = a;
    a = t;
  }
  H[0] = H[0]! + a;
  H[1] = H[1]! + bb;
  H[2] = H[2]! + c;
  H[3] = H[3]! + d;
  H[4] = H[4]! + e;
}

/** SHA-1 (FIPS 180-4): certificate thumbprints only, never for security. */
export function sha1Hex(data: Uint8Array): string {
  H[0] = 0x67452301;
  H[1] = 0xefcdab89;
  H[2] = 0x98badcfe;
  H[3] = 0x10325476;
  H[4] = 0xc3d2e1f0;
  const ml = data.length;
  const whole = ml & ~63;
  for (let off = 0; off < whole; off += 64) sha1Block(data, off);
  // The last bytes, the 0x80 marker and the bit length, in one or two padded blocks.
  const rest = ml - whole;
  const tail = new Uint8Array(rest < 56 ? 64 : 128);
  tail.set(data.subarray(whole));
  tail[rest] = 0x80;
  const bits = ml * 8;
  const hi = Math.floor(bits / 0x100000000);
  const n = tail.length;
  tail[n - 8] = hi >>> 24;
  tail[n - 7] = hi >>> 16;
  tail[n - 6] = hi >>> 8;
  tail[n - 5] = hi;
  tail[n - 4] = bits >>> 24;
  tail[n - 3] = bits >>> 16;
  tail[n - 2] = bits >>> 8;
  tail[n - 1] = bits;
  for (let off = 0; off < n; off += 64) sha1Block(tail, off);
  let out = '';
  for (let i = 0; i < 5; i++) out += (H[i]! >>> 0).toString(16).padStart(8, '0');
  return out;
}
