// Learning: which values of an input are identifiers, read from what the real readers produce (the
// fields of a parsed `dsregcmd /status`, the fields of event records), never from a second parse of
// the text. A TenantName is a tenant name wherever it later appears. The learner also collects the
// input's ordinary words (the words of its states and short values), which are never chased through
// running text even when a field names one of them as an identifier.
import type { DsregStatus } from '../dsregcmd/parse.js';
import type { EventRecord } from '../events/types.js';
import { eventFieldKind, FIELD_KINDS, type FieldKind, FREE_TEXT_KEYS, TEXT_FIELD_KINDS } from './kinds.js';
import { type IdentifierKind, isGuidLike, PseudonymTable } from './pseudonyms.js';
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

export interface Learner {
  readonly table: PseudonymTable;
  /** Words of the inputs' states and short values, lower case (see ORDINARY_WORDS). */
  readonly words: Set<string>;
  value(kind: FieldKind, value: string | undefined): void;
  status(status: DsregStatus): void;
  record(record: EventRecord): void;
  /** The IDs and "Name: value" lines named in running text (a message, a server's reply). */
  freeText(text: string): void;
}

const GUID_IN_TEXT = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
// "Correlation ID: <guid>", "Activity Id: {<guid>}", "Trace ID: <guid>".
const NAMED_ID =
  /\b(correlation ?id|activity ?id|trace ?id|request ?id|client-request-id|tenant ?id|device ?id)[ \t]*[:=][ \t]*\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gi;
// One "Name: value" line (the text is cut into lines first, so this stays linear).
const NAME_VALUE = /^[ \t"]*([A-Za-z][A-Za-z ]{1,30}?)[ \t]*:[ \t]*([^\r\n"\\<]+)/;
const UPN_IN_TEXT =
  /(?<![\p{L}\p{N}._%+'-])([\p{L}\p{N}][\p{L}\p{N}._%+'-]{0,63})@([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8})(?![A-Za-z0-9-])/gu;
const ACCOUNT_IN_TEXT =
  /(?<![\\\w.-])[A-Za-z][\w.-]{0,15}\\(?!u[0-9a-fA-F]{4})[\p{L}\p{N}][\p{L}\p{N}_.$'-]{1,63}(?![\p{L}\p{N}_\\])/gu;
const TEXT_LINES = /\r\n|\n|\r|\\r\\n|\\n|\\r/;
const WORD = /^[A-Za-z]{2,}$/;

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

export function createLearner(table = new PseudonymTable(), options: { times?: boolean } = {}): Learner {
  const words = new Set<string>();
  const name = (kind: IdentifierKind, value: string) => table.name(kind, value);

  function domainName(domain: string): void {
    const d = domain.trim().replace(/\.$/, '');
    // A bare tenant suffix (onmicrosoft.com) names no one.
    if (TENANT_PREFIXED_SUFFIXES.includes(d.toLowerCase())) return;
    if (!isIdentifier(d) || (isMicrosoftHost(d) && !TENANT_PREFIXED_SUFFIXES.some((s) => hasSuffix(d, s))))
      return;
    name('domain', d);
  }

  function computerName(value: string): void {
    const v = value.trim();
    if (!isIdentifier(v)) return;
    const dot = v.indexOf('.');
    // An address where a name should be is an address (so its pseudonym says so), not a computer.
    if (IPV4.test(v) || IPV6_LIKE.test(v)) {
      if (!isPublicAddress(v)) name('ip', v);
      return;
    }
    if (dot <= 0) {
      name('computer', v);
      return;
    }
    name('computer', v.slice(0, dot));
    domainName(v.slice(dot + 1));
  }

  /** A host name: its first label is the host (unless it names a role: sts, wpad ...), the rest a domain. */
  function hostName(host: string): void {
    if (IPV4.test(host)) {
      if (!isPublicAddress(host)) name('ip', host);
      return;
    }
    const split = splitHost(host);
    if (!split) {
      if (!host.includes('.')) name('host', host);
      else domainName(host);
      return;
    }
    if (!ROLE_LABELS.has(split.first.toLowerCase())) name('host', split.first);
    domainName(split.rest);
  }

  function user(value: string): void {
    const v = value.trim();
    if (!isIdentifier(v)) return;
    if (v.endsWith('$')) name('computer', v.slice(0, -1));
    else name('user', v);
  }

  function account(value: string): void {
    for (const part of value.split(/[,;]/)) {
      const p = part.trim();
      if (!p) continue;
      const at = p.lastIndexOf('@');
      if (at > 0) {
        user(p.slice(0, at));
        domainName(p.slice(at + 1));
        continue;
      }
      const slash = p.lastIndexOf('\\');
      if (slash > 0) {
        const dom = p.slice(0, slash);
        const domKey = dom.toLowerCase().split(/\s+/).pop() ?? '';
        if (SYSTEM_ACCOUNT_DOMAINS.has(domKey)) continue;
        if (!KEPT_ACCOUNT_DOMAINS.has(domKey) && isIdentifier(dom)) name('domain', dom);
        user(p.slice(slash + 1));
        continue;
      }
      user(p);
    }
  }

  function url(value: string): void {
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
      if (!/^(?:localhost|127\.0\.0\.1)$/i.test(host)) hostName(host);
      return;
    }
    const seg = m[2]?.slice(1);
    if (seg && SIGN_IN_HOSTS.includes(host.toLowerCase()) && !PUBLIC_TENANT_SEGMENTS.has(seg.toLowerCase())) {
      if (isGuidLike(seg) && isIdentifier(seg)) name('tenant', seg);
      else if (seg.includes('.')) name('domain', seg);
    }
  }

  function hosts(value: string): void {
    for (const token of value.split(/[;,\s]+/)) {
      const t = token
        .replace(/^[a-z]+=/i, '')
        .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
        .replace(/^\*\./, '')
        .replace(/[:/].*$/, '');
      if (!t || t === '<local>' || t === '*' || !/[A-Za-z0-9]/.test(t)) continue;
      if (isMicrosoftHost(t) || /^(?:localhost|127\.0\.0\.1)$/i.test(t)) continue;
      hostName(t);
    }
  }

  function value(kind: FieldKind, raw: string | undefined) {
    if (raw === undefined) return;
    const v = raw.trim();
    if (!isIdentifier(v)) return;
    switch (kind) {
      case 'computer-name':
        return computerName(v);
      case 'account':
        return account(v);
      case 'url':
        return url(v);
      case 'hosts':
        return hosts(v);
      case 'domain':
        return domainName(v);
      case 'ip':
        if (IPV4.test(v) || v.includes(':')) {
          if (!isPublicAddress(v)) name('ip', v);
        } else hostName(v);
        return;
      case 'serial':
        if (/^[0-9a-f][0-9a-f :]{3,}$/i.test(v)) name('serial', v.replace(/[ :]/g, ''));
        return;
      case 'time':
        if (options.times) name('time', v);
        return;
      case 'tenant':
      case 'device':
      case 'key':
      case 'correlation':
      case 'request':
        // Fields named for an ID sometimes hold something else (event 1144 reuses a template, so
        // its "CorrelationID" holds a domain hint): only an ID-shaped value takes the field's kind.
        if (isGuidLike(v) || /^\{?[0-9a-f]{16,}\}?$/i.test(v)) name(kind, v);
        else if (/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(v) && !/^\d+(\.\d+)*$/.test(v)) domainName(v);
        return;
      default:
        name(kind, v);
    }
  }

  function freeText(text: string): void {
    if (text.length < 4) return;
    // UPNs and DOMAIN\user names standing in running text: learned before anything is replaced,
    // so that the same name elsewhere (a record read earlier) is replaced too.
    if (text.includes('@')) {
      for (const m of text.matchAll(UPN_IN_TEXT)) if (m[2]!.includes('.')) account(m[0]);
    }
    if (text.includes('\\')) {
      for (const m of text.matchAll(ACCOUNT_IN_TEXT)) account(m[0]);
    }
    for (const m of text.matchAll(NAMED_ID)) {
      const label = m[1]!.toLowerCase().replace(/[\s-]/g, '');
      const kind: IdentifierKind = label.startsWith('tenant')
        ? 'tenant'
        : label.startsWith('device')
          ? 'device'
          : label === 'traceid' || label.includes('request')
            ? 'request'
            : 'correlation';
      value(kind, m[2]!);
    }
    if (!text.includes(':')) return;
    for (const line of text.split(TEXT_LINES)) {
      const m = NAME_VALUE.exec(line);
      if (!m) continue;
      const kind = TEXT_FIELD_KINDS[m[1]!.replace(/\s+/g, '').toLowerCase()];
      if (kind) value(kind, m[2]!.trim());
    }
  }

  /**
   * The words of a value: all of them in a state or a short phrase ("sync", "FAILED (deleted)"),
   * only those written in lower case in running text, where names are capitalized.
   */
  function addWords(v: string, max: number): void {
    const all = v.split(/\s+/).length <= max;
    const tokens = v.split(/[\s\-']+/);
    for (const t of tokens) {
      const w = t.replace(/^[(["']+|[)\]"',;:.!?]+$/g, '');
      if (WORD.test(w) && (all || w === w.toLowerCase())) words.add(w.toLowerCase());
    }
  }

  function status(s: DsregStatus): void {
    for (const f of s.fields) {
      // The words of a key are the capture's vocabulary, never a name ("User Context").
      addWords(f.key, 8);
      const kind = FIELD_KINDS[f.normKey];
      if (kind) {
        value(kind, f.value);
        continue;
      }
      if (f.normKey === 'lasthostnameupdate' && options.times) value('time', f.value);
      if (FREE_TEXT_KEYS.has(f.normKey)) {
        // "The device object by the given id (<guid>) is not found": that GUID is the device's.
        if (f.normKey === 'servermessage' && /\bdevice\b/i.test(f.value)) {
          for (const m of f.value.matchAll(GUID_IN_TEXT)) value('device', m[0]);
        }
        freeText(f.value);
        addWords(f.value, 0);
        continue;
      }
      addWords(f.value, 64);
    }
  }

  function record(r: EventRecord): void {
    if (r.computer) computerName(r.computer);
    for (const [k, v] of Object.entries(r.data)) {
      const kind = eventFieldKind(k);
      if (kind) value(kind, v);
      else {
        addWords(v, 4);
        freeText(v);
      }
    }
    if (r.message) {
      addWords(r.message, 0);
      freeText(r.message);
    }
  }

  return { table, words, value, status, record, freeText };
}
