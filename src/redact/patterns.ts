// The shapes of identifiers, replaced in running text whatever field they stand in: GUIDs, UPNs and
// e-mail addresses, SIDs, thumbprints, IPv4 and IPv6 addresses, certificate serial numbers, host
// names, URLs outside Microsoft, JWTs, base64 blobs. Every pattern starts only at the start of a run
// of the characters it matches, and every run longer than LONG_RUN characters is replaced whole
// first, so each pass is linear in its input and no pattern can overflow the regular expression
// stack on a huge line.

import { type Letters, letters } from './letters.js';
import { isMasked, MASK, type Masks, NOT_MASK } from './mask.js';
import { type IdentifierKind, isGuidLike, lookupKey, type PseudonymTable } from './pseudonyms.js';
import { IPV4, isIdentifier, isPublicAddress, splitHost } from './values.js';
import {
  hasSuffix,
  isMicrosoftHost,
  isWellKnownSid,
  KEPT_ACCOUNT_DOMAINS,
  PUBLIC_GUIDS,
  PUBLIC_TENANT_SEGMENTS,
  ROLE_LABELS,
  SIGN_IN_HOSTS,
  SYSTEM_ACCOUNT_DOMAINS,
  TENANT_PREFIXED_SUFFIXES,
  TLDS,
} from './vocabulary.js';

/** Learned values looked for as whole words, each with its pseudonym. */
export interface Literal {
  /** The expression, in its two forms (letters.ts). */
  re: Letters;
  labels: Map<string, string>;
}

export interface PatternContext {
  table: PseudonymTable;
  times: boolean;
  ids: boolean;
  /** The learned values to chase through this text. */
  literal: Literal | undefined;
  /** The project's own prose (a finding's title or fix), where `CDJ\AAD` is a registry key. */
  prose: boolean;
  /** False in a version field, where 10.0.1.5 is a version and not an address. */
  ip: boolean;
  /** The text has nothing outside ASCII but masks: the ASCII forms of Letters match the same (letters.ts). */
  ascii: boolean;
}

/** A run of this many characters without a space or a delimiter is a blob, replaced whole. */
export const LONG_RUN = 2048;

const TIME_RES: RegExp[] = [
  /\b\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:\s?UTC\b|Z|\s?[+-]\d{2}:?\d{2})?)?(?![\d])/gi,
  // 10/3/2026 8:58:32 AM (Event Viewer, en-US), 03.10.2026 (de-DE), 10-03-2026 08:58:32Z (DRS responses).
  /\b\d{1,2}([/.-])\d{1,2}\1\d{4}(?:,?\s{1,4}\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:\s?[AP]M\b|Z)?)?/gi,
  /\\?\/Date\(-?\d{1,16}\)\\?\//g,
  // A time of day on its own.
  /\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:\s?[AP]M\b|Z)?/gi,
];
const RUN = /[^\s<>"'&\uE000-\uE1FF]+/g;
const JWT_RE = /(?<![A-Za-z0-9_.-])eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const URL_RE =
  /\b([a-z][a-z0-9+.-]{1,15}):\/\/([^\s/?#"'<>\\|,;)\]\uE000-\uE1FF]+)((?:\/[^\s/?#"'<>\\|,;)\]]*)?)/gi;
const EMAIL_RE = letters(
  `(?<![\\p{L}\\p{N}._%+'$${NOT_MASK}-])([\\p{L}\\p{N}][\\p{L}\\p{N}._%+'$-]*)(@|%40)([A-Za-z0-9.\\-${NOT_MASK}]+)`,
  'gu',
);
const SID_RE = /\bS-1-\d+(?:-\d+){1,14}\b/gi;
const GUID_RE = /\b[0-9a-fx]{6,8}-[0-9a-fx]{3,4}-[0-9a-fx]{3,4}-[0-9a-fx]{4}-[0-9a-fx]{8,12}\b/gi;
const HEX_RE = /(?<![0-9A-Za-z])[0-9A-Fa-f]{32,}(?![0-9A-Za-z])/g;
const IPV4_RE = /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)/g;
const IPV6_RE =
  /(?<![0-9A-Za-z:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:%[\w.]{1,32})?(?![0-9A-Za-z:])/g;
const SERIAL_RE =
  /\b(serial ?(?:number|no\.?)?[ \t]*[:=][ \t]*)([0-9A-Fa-f]{2}(?:[ :]?[0-9A-Fa-f]{2}){3,39})(?![0-9A-Za-z])/gi;
const ACCOUNT_RE = new RegExp(
  `(?<![\\\\\\w.${NOT_MASK}-])([A-Za-z][\\w.-]{0,15}|${MASK})\\\\{1,2}(?!u[0-9a-fA-F]{4})([A-Za-z0-9][\\w.$'-]{1,63}|${MASK}\\$?)(?![\\w\\\\${NOT_MASK}])`,
  'g',
);
const USER_PATH_RE = new RegExp(`([\\\\/](?:Users|home)[\\\\/]{1,2})([^\\\\/\\s<>:"'|?*${NOT_MASK}]+)`, 'gi');
const FQDN_RE = new RegExp(
  `(?<![\\w.${NOT_MASK}-])([A-Za-z0-9][A-Za-z0-9-]*(?:\\.[A-Za-z0-9-]+)+)(?![\\w${NOT_MASK}-]|\\.[\\w${NOT_MASK}-])`,
  'g',
);
const LABEL_BEFORE_MASK_RE = new RegExp(
  `(?<![\\w.${NOT_MASK}-])([A-Za-z0-9][A-Za-z0-9-]{0,62})\\.(?=${MASK})`,
  'g',
);
const BASE64_RE = /(?<![A-Za-z0-9+/=])[A-Za-z0-9+][A-Za-z0-9+/]{39,}={0,2}(?![A-Za-z0-9+/=])/g;
const TRUNCATED_RE = new RegExp(`(?<![\\w${NOT_MASK}-])([A-Za-z0-9][\\w.@-]{3,80})(?=\\.\\.\\.|\u2026)`, 'g');
const USER_PATH_KEEP = new Set(['public', 'default', 'default user', 'all users', 'administrator']);
const VERSION_BEFORE = /ver(?:sion)?\.?\s{0,3}$/i;

/** What the passes over one piece of text share: its context, the pseudonyms, the text's masks. */
interface Pass {
  ctx: PatternContext;
  name: (kind: IdentifierKind, value: string) => string;
  mask: (label: string) => string;
}

/** One piece of text with every identifier shape replaced by a mask. */
export function redactSegment(s: string, masks: Masks, ctx: PatternContext): string {
  const pass: Pass = {
    ctx,
    name: (kind, value) => ctx.table.name(kind, value),
    mask: (label) => masks.mask(label),
  };
  let out = s;
  if (ctx.times) {
    for (const re of TIME_RES) out = out.replace(re, (m) => pass.mask(pass.name('time', m)));
  }
  if (!ctx.ids) return out;
  for (const replace of ID_PASSES) out = replace(out, pass);
  return out;
}

/** Blobs first (a run of LONG_RUN characters), then the learned values this text chases. */
function replaceLearned(s: string, { ctx, name, mask }: Pass): string {
  let out = s;
  if (out.length >= LONG_RUN && hasLongRun(out)) {
    out = out.replace(RUN, (m) => (m.length >= LONG_RUN ? mask(name('data', m)) : m));
  }
  if (ctx.literal) {
    const { re, labels } = ctx.literal;
    out = out.replace(re.form(ctx.ascii), (m) => mask(labels.get(m.toLowerCase()) ?? name('data', m)));
  }
  return out;
}

function replaceTokens(s: string, { name, mask }: Pass): string {
  return s.replace(JWT_RE, (m) => mask(name('token', m)));
}

/** URLs: the host unless it is Microsoft's, the user in front of it, the tenant in a sign-in path. */
function replaceUrls(s: string, pass: Pass): string {
  const { name, mask } = pass;
  return s.replace(URL_RE, (m, scheme: string, authority: string, firstSeg: string) => {
    const at = authority.lastIndexOf('@');
    const userinfo = at >= 0 ? authority.slice(0, at) : '';
    const hostPort = at >= 0 ? authority.slice(at + 1) : authority;
    const hm = /^([A-Za-z0-9.-]+)(:\d+)?$/.exec(hostPort);
    // A host whose domain the literal pass already replaced ("sts." + mask) is left as it is.
    if (!hm || hm[1]!.endsWith('.')) return m;
    const host = hm[1]!;
    let hostOut: string;
    if (/^(?:localhost|127\.0\.0\.1)$/i.test(host)) hostOut = host;
    else if (isMicrosoftHost(host)) hostOut = microsoftHost(pass, host);
    else hostOut = hostName(pass, host);
    const userOut = userinfo ? `${mask(name('user', userinfo))}@` : '';
    let segOut = firstSeg;
    const seg = firstSeg.slice(1);
    if (seg && SIGN_IN_HOSTS.includes(host.toLowerCase()) && !PUBLIC_TENANT_SEGMENTS.has(seg.toLowerCase())) {
      if (isGuidLike(seg) && isIdentifier(seg)) name('tenant', seg);
      else if (/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(seg)) segOut = `/${mask(name('domain', seg))}`;
    }
    return `${scheme}://${userOut}${hostOut}${hm[2] ?? ''}${segOut}`;
  });
}

function replaceEmails(s: string, pass: Pass): string {
  const { name, mask } = pass;
  // The at sign may be percent-encoded, as in a query string (?user=alice%40contoso.com).
  return s.replace(EMAIL_RE.form(pass.ctx.ascii), (m, local: string, at: string, domain: string) => {
    const d = domain.replace(/[.-]+$/, '');
    const rest = domain.slice(d.length);
    if (!d.includes('.') && !isMasked(d)) return m;
    const localOut = local.endsWith('$')
      ? `${mask(name('computer', local.slice(0, -1)))}$`
      : mask(name('user', local));
    let domainOut = d;
    if (!isMasked(d)) domainOut = isMicrosoftHost(d) ? microsoftHost(pass, d) : mask(name('domain', d));
    return `${localOut}${at}${domainOut}${rest}`;
  });
}

/** SIDs, GUIDs, long hex (thumbprints), certificate serial numbers. */
function replaceIds(s: string, { ctx, name, mask }: Pass): string {
  const { table } = ctx;
  let out = s.replace(SID_RE, (m) => (isWellKnownSid(m) ? m : mask(name('sid', m))));
  out = out.replace(GUID_RE, (m) => {
    const key = lookupKey(m);
    if (PUBLIC_GUIDS.has(key) || /^[x-]+$/.test(key)) return m;
    const known = table.get(m);
    return mask(known ? known.label : name('guid', m));
  });
  out = out.replace(HEX_RE, (m) => {
    const known = table.get(m);
    if (known) return mask(known.label);
    return mask(name(m.length === 40 || m.length === 64 ? 'thumbprint' : 'hex', m));
  });
  return out.replace(SERIAL_RE, (_m, prefix: string, serial: string) => {
    return `${prefix}${mask(name('serial', serial.replace(/[ :]/g, '')))}`;
  });
}

function replaceAddresses(s: string, { ctx, name, mask }: Pass): string {
  let out = s;
  if (ctx.ip) {
    out = out.replace(IPV4_RE, (m: string, offset: number, whole: string) => {
      if (!IPV4.test(m) || isPublicAddress(m)) return m;
      if (VERSION_BEFORE.test(whole.slice(Math.max(0, offset - 12), offset))) return m;
      return mask(name('ip', m));
    });
  }
  if (out.includes('::') || out.length > 16) {
    out = out.replace(IPV6_RE, (m) => (isIpv6(m) && !isPublicAddress(m) ? mask(name('ip', m)) : m));
  }
  return out;
}

/** `DOMAIN\user` accounts and the user's folder in a profile path. */
function replaceAccounts(s: string, { ctx, name, mask }: Pass): string {
  let out = s;
  // Not in the project's own prose, where `CDJ\AAD` is a registry key, not an account (account
  // names quoted from an input were learned and are replaced by the literal pass).
  if (!ctx.prose)
    out = out.replace(ACCOUNT_RE, (m, dom: string, user: string) => {
      const sep = m.slice(dom.length, m.length - user.length);
      const domKey = dom.toLowerCase();
      if (SYSTEM_ACCOUNT_DOMAINS.has(domKey)) return m;
      const domOut = isMasked(dom) || KEPT_ACCOUNT_DOMAINS.has(domKey) ? dom : mask(name('domain', dom));
      let userOut = user;
      if (!isMasked(user)) {
        userOut = user.endsWith('$')
          ? `${mask(name('computer', user.slice(0, -1)))}$`
          : mask(name('user', user));
      }
      return `${domOut}${sep}${userOut}`;
    });
  return out.replace(USER_PATH_RE, (m, prefix: string, user: string) =>
    USER_PATH_KEEP.has(user.toLowerCase()) ? m : `${prefix}${mask(name('user', user))}`,
  );
}

/** Dotted names ending in a TLD, and a host label left in front of an already masked domain. */
function replaceHostNames(s: string, pass: Pass): string {
  const { name, mask } = pass;
  const out = s.replace(FQDN_RE, (m: string, _n: string, offset: number, whole: string) => {
    const labels = m.split('.');
    const tld = labels[labels.length - 1]!.toLowerCase();
    if (!TLDS.has(tld) || !/[A-Za-z]/.test(labels[0]!)) return m;
    if (labels.some((l) => l === '' || l.startsWith('-'))) return m;
    if (isMicrosoftHost(m) || TENANT_PREFIXED_SUFFIXES.some((x) => hasSuffix(m, x)))
      return microsoftHost(pass, m);
    if (whole[offset - 1] === '@') return mask(name('domain', m));
    return hostName(pass, m);
  });
  return out.replace(LABEL_BEFORE_MASK_RE, (m, label: string) =>
    ROLE_LABELS.has(label.toLowerCase()) || !/[A-Za-z]/.test(label) ? m : `${mask(name('host', label))}.`,
  );
}

/** Values cut short for display, and base64 blobs. */
function replaceFragments(s: string, { ctx, name, mask }: Pass): string {
  // A value cut short for display ("tenantId: 5a8e2c4b-0d1f-4..."): the learned value it starts.
  const out = s.replace(TRUNCATED_RE, (m: string, token: string) => {
    const known = prefixOf(ctx.table, token);
    if (known) return mask(known);
    if (/^[0-9a-f]{4,}(?:-[0-9a-f]*)*$/i.test(token) && /\d/.test(token)) return mask(name('hex', token));
    return m;
  });
  return out.replace(BASE64_RE, (m) =>
    /[A-Z]/.test(m) && /[a-z]/.test(m) && /\d/.test(m) ? mask(name('data', m)) : m,
  );
}

/** The identifier passes, in the order they run: each sees the masks of those before it. */
const ID_PASSES: readonly ((s: string, pass: Pass) => string)[] = [
  replaceLearned,
  replaceTokens,
  replaceUrls,
  replaceEmails,
  replaceIds,
  replaceAddresses,
  replaceAccounts,
  replaceHostNames,
  replaceFragments,
];

/** A host name as `<host-1>.<domain-1>.example` (or `sts.<domain-1>.example`); a bare domain as `<domain-1>`. */
function hostName({ name, mask }: Pass, host: string): string {
  if (IPV4.test(host)) return isPublicAddress(host) ? host : mask(name('ip', host));
  const split = splitHost(host);
  if (!split) return mask(name('domain', host));
  const first = ROLE_LABELS.has(split.first.toLowerCase()) ? split.first : mask(name('host', split.first));
  return `${first}.${mask(name('domain', split.rest))}`;
}

/** Microsoft hosts stay, except the tenant's own label in contoso.onmicrosoft.com and the like. */
function microsoftHost({ name, mask }: Pass, host: string): string {
  const suffix = TENANT_PREFIXED_SUFFIXES.find((x) => hasSuffix(host, x) && host.toLowerCase() !== x);
  if (!suffix) return host;
  return mask(name('domain', host));
}

/** The label of the learned value that a cut-short token begins (4 characters or more). */
function prefixOf(table: PseudonymTable, token: string): string | undefined {
  const t = token.toLowerCase();
  if (t.length < 4) return undefined;
  for (const p of table.entries()) {
    const key = lookupKey(p.original);
    if (key.length > t.length && key.startsWith(t)) return p.label;
  }
  return undefined;
}

/** Whether a text holds a run of LONG_RUN characters that RUN matches: a scan, with no allocation. */
function hasLongRun(s: string): boolean {
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const stop =
      c === 0x20 ||
      c === 0x09 ||
      c === 0x0a ||
      c === 0x0d ||
      c === 0x3c ||
      c === 0x3e ||
      c === 0x22 ||
      c === 0x27 ||
      c === 0x26 ||
      (c >= 0xe000 && c <= 0xe1ff) ||
      c === 0xa0 ||
      c === 0x0b ||
      c === 0x0c;
    run = stop ? 0 : run + 1;
    if (run >= LONG_RUN) return true;
  }
  return false;
}

/** An IPv6 address: eight groups, or fewer around one `::`; a time of day (10:23:00) is not one. */
export function isIpv6(candidate: string): boolean {
  const addr = candidate.replace(/%.*$/, '');
  const halves = addr.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  if (groups.some((g) => !/^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? groups.length <= 7 : groups.length === 8;
}
