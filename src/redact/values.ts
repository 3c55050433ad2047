// One value by the kind of its field (kinds.ts): what an identifier field holds, taken apart into
// the identifiers it names. An account is a user and a domain, a URL outside Microsoft a host and a
// domain, a sign-in URL a tenant, a proxy list a list of hosts; a value that is a state or already
// masked names no one. Each identifier found is given its pseudonym through `name`.
import type { FieldKind } from './kinds.js';
import { type IdentifierKind, isGuidLike } from './pseudonyms.js';
import {
  hasSuffix,
  isMicrosoftHost,
  KEPT_ACCOUNT_DOMAINS,
  NOT_IDENTIFIERS,
  PUBLIC_TENANT_SEGMENTS,
  ROLE_LABELS,
  SIGN_IN_HOSTS,
  SYSTEM_ACCOUNT_DOMAINS,
  TENANT_PREFIXED_SUFFIXES,
} from './vocabulary.js';

/** Gives a value of a kind its pseudonym (PseudonymTable.name). */
export type Namer = (kind: IdentifierKind, value: string) => string;

export function isIdentifier(value: string): boolean {
  const v = value.trim();
  // Values their author already masked (XXXXXX, ****) say nothing and stay as they are.
  return (
    v.length >= 2 &&
    !NOT_IDENTIFIERS.has(v.toLowerCase()) &&
    !/^<[a-z-]+-\d+>/.test(v) &&
    !/^user\d+$/.test(v) &&
    !/^[xX*.\-\u2026\u2022#\s{}]+$/.test(v)
  );
}

/** A host name's first label and the domain after it, or undefined for a name that is a domain itself. */
export function splitHost(host: string): { first: string; rest: string } | undefined {
  const labels = host.split('.');
  if (labels.length <= 2) return undefined;
  const tld = labels[labels.length - 1]!;
  if (labels.length === 3 && tld.length === 2 && /^(?:co|com|org|net|ac|gov|edu)$/i.test(labels[1]!)) {
    return undefined;
  }
  return { first: labels[0]!, rest: labels.slice(1).join('.') };
}

/** Hex groups and colons only, with at least two colons: an IPv6 address, not a name. */
const IPV6_LIKE = /^(?=(?:[^:]*:){2})[0-9a-f:]+$/i;

export const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Addresses that name no one: loopback, unspecified, broadcast. */
export function isPublicAddress(ip: string): boolean {
  return /^(?:127\.|0\.0\.0\.0$|255\.255\.255\.255$)/.test(ip) || /^(?:::1?|0*:(?:0*:)*0*1?)$/.test(ip);
}

const LOCAL_HOST = /^(?:localhost|127\.0\.0\.1)$/i;

export function domainName(name: Namer, domain: string): void {
  const d = domain.trim().replace(/\.$/, '');
  // A bare tenant suffix (onmicrosoft.com) names no one.
  if (TENANT_PREFIXED_SUFFIXES.includes(d.toLowerCase())) return;
  if (!isIdentifier(d) || (isMicrosoftHost(d) && !TENANT_PREFIXED_SUFFIXES.some((s) => hasSuffix(d, s))))
    return;
  name('domain', d);
}

export function computerName(name: Namer, value: string): void {
  const v = value.trim();
  if (!isIdentifier(v)) return;
  const dot = v.indexOf('.');
  // An address where a name should be is an address (so its pseudonym says so), not a computer;
  // so is what the parser keeps of one (":1" of "Device Name : ::1"): no computer name holds a colon.
  if (IPV4.test(v) || IPV6_LIKE.test(v) || v.includes(':')) {
    if (!isPublicAddress(v)) name('ip', v);
    return;
  }
  if (dot <= 0) {
    name('computer', v);
    return;
  }
  name('computer', v.slice(0, dot));
  domainName(name, v.slice(dot + 1));
}

/** A host name: its first label is the host (unless it names a role: sts, wpad ...), the rest a domain. */
function hostName(name: Namer, host: string): void {
  if (IPV4.test(host)) {
    if (!isPublicAddress(host)) name('ip', host);
    return;
  }
  const split = splitHost(host);
  if (!split) {
    if (!host.includes('.')) name('host', host);
    else domainName(name, host);
    return;
  }
  if (!ROLE_LABELS.has(split.first.toLowerCase())) name('host', split.first);
  domainName(name, split.rest);
}

function user(name: Namer, value: string): void {
  const v = value.trim();
  if (!isIdentifier(v)) return;
  if (v.endsWith('$')) name('computer', v.slice(0, -1));
  else name('user', v);
}

/** `user@domain`, `DOMAIN\user` or a bare user name, several of them separated by `,` or `;`. */
export function account(name: Namer, value: string): void {
  for (const part of value.split(/[,;]/)) {
    const p = part.trim();
    if (!p) continue;
    const at = p.lastIndexOf('@');
    if (at > 0) {
      user(name, p.slice(0, at));
      domainName(name, p.slice(at + 1));
      continue;
    }
    const slash = p.lastIndexOf('\\');
    if (slash > 0) {
      const dom = p.slice(0, slash);
      const domKey = dom.toLowerCase().split(/\s+/).pop() ?? '';
      if (SYSTEM_ACCOUNT_DOMAINS.has(domKey)) continue;
      if (!KEPT_ACCOUNT_DOMAINS.has(domKey) && isIdentifier(dom)) name('domain', dom);
      user(name, p.slice(slash + 1));
      continue;
    }
    user(name, p);
  }
}

function url(name: Namer, value: string): void {
  const v = value.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) {
    // SettingsUrl holds a base64 blob rather than a URL.
    if (/^[A-Za-z0-9+/]{16,}={0,2}$/.test(v)) name('data', v);
    return;
  }
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([^/:?#]+)(?::\d+)?(\/[^/?#]*)?/i.exec(v);
  if (!m) return;
  const host = m[1]!;
  if (!isMicrosoftHost(host)) {
    if (!LOCAL_HOST.test(host)) hostName(name, host);
    return;
  }
  const seg = m[2]?.slice(1);
  if (seg && SIGN_IN_HOSTS.includes(host.toLowerCase()) && !PUBLIC_TENANT_SEGMENTS.has(seg.toLowerCase())) {
    if (isGuidLike(seg) && isIdentifier(seg)) name('tenant', seg);
    else if (seg.includes('.')) name('domain', seg);
  }
}

/** A proxy server or bypass list: `http=proxy.corp:8080;*.contoso.com;<local>`. */
function hosts(name: Namer, value: string): void {
  for (const token of value.split(/[;,\s]+/)) {
    const t = token
      .replace(/^[a-z]+=/i, '')
      .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
      .replace(/^\*\./, '')
      .replace(/[:/].*$/, '');
    if (!t || t === '<local>' || t === '*' || !/[A-Za-z0-9]/.test(t)) continue;
    if (isMicrosoftHost(t) || LOCAL_HOST.test(t)) continue;
    hostName(name, t);
  }
}

/**
 * Fields named for an ID sometimes hold something else (event 1144 reuses a template, so its
 * "CorrelationID" holds a domain hint): only an ID-shaped value takes the field's kind.
 */
function idValue(name: Namer, kind: IdentifierKind, v: string): void {
  if (isGuidLike(v) || /^\{?[0-9a-f]{16,}\}?$/i.test(v)) name(kind, v);
  else if (/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(v) && !/^\d+(\.\d+)*$/.test(v)) domainName(name, v);
}

/** Learns the identifiers of one field's value by the field's kind; times only with `times`. */
export function learnValue(name: Namer, kind: FieldKind, raw: string | undefined, times: boolean): void {
  if (raw === undefined) return;
  const v = raw.trim();
  if (!isIdentifier(v)) return;
  switch (kind) {
    case 'computer-name':
      computerName(name, v);
      return;
    case 'account':
      account(name, v);
      return;
    case 'url':
      url(name, v);
      return;
    case 'hosts':
      hosts(name, v);
      return;
    case 'domain':
      domainName(name, v);
      return;
    case 'ip':
      if (IPV4.test(v) || v.includes(':')) {
        if (!isPublicAddress(v)) name('ip', v);
      } else hostName(name, v);
      return;
    case 'serial':
      if (/^[0-9a-f][0-9a-f :]{3,}$/i.test(v)) name('serial', v.replace(/[ :]/g, ''));
      return;
    case 'time':
      if (times) name('time', v);
      return;
    case 'tenant':
    case 'device':
    case 'key':
    case 'correlation':
    case 'request':
      idValue(name, kind, v);
      return;
    default:
      name(kind, v);
  }
}
