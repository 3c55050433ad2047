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
const latin1 = (b: Uint8Array) => String.fromCharCode(...b);

function commonName(b: Uint8Array, name: Tlv): string | undefined {
  for (const rdn of children(b, name)) {
    for (const atv of children(b, rdn)) {
      const [type, value] = children(b, atv);
      if (!type || !value || type.tag !== 0x06) continue;
      const oid = b.subarray(type.body, type.end);
      if (oid.length !== 3 || oid.some((x, i) => x !== CN_OID[i])) continue;
      const raw = b.subarray(value.body, value.end);
      if (value.tag === 0x1e) {
        let s = '';
        for (let i = 0; i + 1 < raw.length; i += 2) s += String.fromCharCode((raw[i]! << 8) | raw[i + 1]!);
        return s;
      }
      return value.tag === 0x0c ? new TextDecoder().decode(raw) : latin1(raw);
    }
  }
  return undefined;
}

function timeOf(b: Uint8Array, t: Tlv): string | undefined {
  const s = latin1(b.subarray(t.body, t.end));
  const m =
    t.tag === 0x17
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(s)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?Z$/.exec(s);
  if (!m) return undefined;
  let year = Number(m[1]);
  if (t.tag === 0x17) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0))).toISOString();
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
    const info: CertificateInfo = { thumbprint, selfSigned: sameBytes(der, issuer, subject) };
    const scn = commonName(der, subject);
    if (scn !== undefined) info.subjectCN = scn;
    const icn = commonName(der, issuer);
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

/** SHA-1 (FIPS 180-4): certificate thumbprints only, never for security. */
export function sha1Hex(data: Uint8Array): string {
  const ml = data.length;
  const padded = new Uint8Array((((ml + 8) >> 6) + 1) << 6);
  padded.set(data);
  padded[ml] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor((ml * 8) / 0x100000000));
  view.setUint32(padded.length - 4, (ml * 8) >>> 0);
  let h0 = 0x67452301;
  let h1 = 0xefcdab89;
  let h2 = 0x98badcfe;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0;
  const w = new Uint32Array(80);
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + i * 4);
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let i = 0; i < 80; i++) {
      let f: number;
      let k: number;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6;
      }
      const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]!) >>> 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h0 = (h0 + a) >>> 0;
    h1 = (h1 + b) >>> 0;
    h2 = (h2 + c) >>> 0;
    h3 = (h3 + d) >>> 0;
    h4 = (h4 + e) >>> 0;
  }
  return [h0, h1, h2, h3, h4].map((x) => (x >>> 0).toString(16).padStart(8, '0')).join('');
}
