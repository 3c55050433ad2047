// Redaction: replaces what names a person, a device or an organisation with stable pseudonyms, in raw
// `dsregcmd /status` text, in event exports (XML, CSV, JSON) and in a Diagnosis, and keeps what the
// diagnosis needs: error codes, phases, states, Microsoft endpoints, and times unless asked.
//
// Two steps. `learn` reads inputs as what they are (dsregcmd fields, event fields) and records which
// values are identifiers and of what kind: a TenantName is a tenant name wherever it later appears,
// even in free text. `text` then replaces, in one pass, every learned value, and in further passes
// everything that has the shape of an identifier (GUIDs, UPNs, SIDs, thumbprints, host names, JWTs).
// Replacements are masked while the passes run, so no pass ever rewrites another's pseudonym.
// Pure: no I/O; the same code runs in the browser.
import { KNOWN_KEYS, normalizeKey } from '../dsregcmd/keys.js';
import { parseDsregcmd } from '../dsregcmd/parse.js';
import type { EventRecord } from '../events/types.js';
import type { Diagnosis } from '../types.js';
import { type IdentifierKind, isGuidLike, isHexId, lookupKey, PseudonymTable } from './pseudonyms.js';
import {
  hasSuffix,
  isMicrosoftHost,
  isWellKnownSid,
  KEPT_ACCOUNT_DOMAINS,
  NOT_IDENTIFIERS,
  PUBLIC_GUIDS,
  PUBLIC_TENANT_SEGMENTS,
  ROLE_LABELS,
  SIGN_IN_HOSTS,
  SYSTEM_ACCOUNT_DOMAINS,
  TENANT_PREFIXED_SUFFIXES,
  TLDS,
} from './vocabulary.js';

export type { IdentifierKind } from './pseudonyms.js';

export interface RedactOptions {
  /** Replace times and dates too (certificate validity, PRT times, event times). Default false. */
  times?: boolean;
  /** Replace identifiers (default true); false with `times` replaces times only. */
  identifiers?: boolean;
}

export interface Redactor {
  readonly options: Readonly<RedactOptions>;
  /** Reads an input (dsregcmd text or an event export as text) to learn its identifiers. */
  learn(text: string): void;
  /** Learns the identifiers of event records (computer, user, tenant and device fields). */
  learnEvents(records: Iterable<EventRecord>): void;
  /** Records one value as an identifier of a kind. */
  learnValue(kind: IdentifierKind | 'computer-name' | 'account' | 'url', value: string | undefined): void;
  /**
   * The redacted copy of a text: same lines, same line breaks. With `xml`, pseudonyms are written as
   * `&lt;tenant-1&gt;` so that an XML export stays well-formed.
   */
  text(text: string, format?: 'text' | 'xml'): string;
  /** A redacted deep copy of a diagnosis (docs links, codes, states and rule ids untouched). */
  diagnosis<T extends Diagnosis>(d: T): T;
  /**
   * A redacted copy of an event record: computer, data values, message and source. Its time stays
   * (records are ordered by it); give the record's time through `text` where it is shown.
   */
  eventRecord(r: EventRecord): EventRecord;
  /** How many distinct values of each kind were replaced so far. */
  counts(): Partial<Record<IdentifierKind, number>>;
  /** Learned values (3 characters or more) that still occur in a text: empty when the text is clean. */
  leaks(text: string): string[];
}

// Masks: U+E000, then the label's index in private-use characters U+E100..U+E1FF (base 256), then
// U+E001. No pattern below matches these characters unless it asks for MASK.
const MASK = '\\uE000[\\uE100-\\uE1FF]+\\uE001';
const MASK_RE = /\uE000([\uE100-\uE1FF]+)\uE001/g;
const NOT_MASK = '\\uE000-\\uE1FF';

function encodeIndex(i: number): string {
  let s = '';
  do {
    s = String.fromCharCode(0xe100 + (i % 256)) + s;
    i = Math.floor(i / 256);
  } while (i > 0);
  return s;
}

function decodeIndex(s: string): number {
  let n = 0;
  for (const ch of s) n = n * 256 + (ch.charCodeAt(0) - 0xe100);
  return n;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// The dsregcmd keys whose values are identifiers, by kind (keys normalized as the parser does).
const FIELD_KINDS: Record<string, IdentifierKind | 'computer-name' | 'account' | 'url' | 'hosts'> = {
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

// Event data names (lower case) whose values are identifiers.
const EVENT_FIELD_KINDS: Record<string, IdentifierKind | 'computer-name' | 'account' | 'url'> = {
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
};

// "name: value" lines inside event messages and debug output (DebugOutput of event 304, for one).
const TEXT_FIELD_KINDS: Record<string, IdentifierKind | 'computer-name' | 'account'> = {
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
};

const TIME_RES: RegExp[] = [
  /\b\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s?UTC\b|Z|\s?[+-]\d{2}:?\d{2})?)?(?![\d])/gi,
  // 10/3/2026 8:58:32 AM (Event Viewer, en-US), 03.10.2026 (de-DE), 10-03-2026 08:58:32Z (DRS responses).
  /\b\d{1,2}([/.-])\d{1,2}\1\d{4}(?:,?\s+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s?[AP]M\b|Z)?)?/gi,
  /\\?\/Date\(-?\d+\)\\?\//g,
  // A time of day on its own.
  /\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?(?:\s?[AP]M\b|Z)?/gi,
];
const JWT_RE = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const URL_RE =
  /\b([a-z][a-z0-9+.-]{1,15}):\/\/([^\s/?#"'<>\\|,;)\]\uE000-\uE1FF]+)((?:\/[^\s/?#"'<>\\|,;)\]]*)?)/gi;
const EMAIL_RE = new RegExp(
  `(?<![A-Za-z0-9._%+'$${NOT_MASK}-])([A-Za-z0-9][A-Za-z0-9._%+'$-]*)@([A-Za-z0-9.\\-${NOT_MASK}]+)`,
  'g',
);
const SID_RE = /\bS-1-\d+(?:-\d+){1,14}\b/gi;
const GUID_RE = /\b[0-9a-fx]{6,8}-[0-9a-fx]{3,4}-[0-9a-fx]{3,4}-[0-9a-fx]{4}-[0-9a-fx]{8,12}\b/gi;
const HEX_RE = /(?<![0-9A-Za-z])[0-9A-Fa-f]{32,}(?![0-9A-Za-z])/g;
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
  `(?<![\\w.${NOT_MASK}-])([A-Za-z0-9][A-Za-z0-9-]*)\\.(?=${MASK})`,
  'g',
);
const BASE64_RE = /(?<![A-Za-z0-9+/=])[A-Za-z0-9+][A-Za-z0-9+/]{39,}={0,2}(?![A-Za-z0-9+/=])/g;
const TRUNCATED_RE = new RegExp(`(?<![\\w${NOT_MASK}-])([A-Za-z0-9][\\w.@-]{3,})(?=\\.\\.\\.|\u2026)`, 'g');
const USER_PATH_KEEP = new Set(['public', 'default', 'default user', 'all users', 'administrator']);
const KEY_PREFIX = /^(\s*(?:\|\s*)?)([A-Za-z][A-Za-z0-9 ()._\-/]*?)(\s*:(?:\s*:)?)/;
const LINE_SPLIT = /(\r\n|\n|\r)/;

/** Whether a word could be a user name that the literal pass should chase through free text. */
function distinctiveUser(v: string): boolean {
  return v.length >= 4 && (/[\d_.-]/.test(v) || /[a-z][A-Z]|[A-Z]{2}[a-z]/.test(v));
}

export function createRedactor(options: RedactOptions = {}): Redactor {
  const table = new PseudonymTable();
  const opts: Readonly<RedactOptions> = { ...options };
  let literalRe: RegExp | undefined;
  let literalRevision = -1;
  const literalLabels = new Map<string, string>();

  const name = (kind: IdentifierKind, value: string) => table.name(kind, value);
  const ids = opts.identifiers !== false;

  function isIdentifier(value: string): boolean {
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

  function learnDomainName(domain: string): void {
    const d = domain.trim().replace(/\.$/, '');
    if (!isIdentifier(d) || (isMicrosoftHost(d) && !TENANT_PREFIXED_SUFFIXES.some((s) => hasSuffix(d, s))))
      return;
    name('domain', d);
  }

  function learnComputerName(value: string): void {
    const v = value.trim();
    if (!isIdentifier(v)) return;
    const dot = v.indexOf('.');
    if (dot <= 0 || /^\d+(\.\d+){3}$/.test(v)) {
      name('computer', v);
      return;
    }
    name('computer', v.slice(0, dot));
    learnDomainName(v.slice(dot + 1));
  }

  /** A host name: its first label is the host (unless it names a role: sts, wpad ...), the rest a domain. */
  function learnHostName(host: string): void {
    const split = splitHost(host);
    if (!split) {
      if (/^\d+(\.\d+){3}$/.test(host) || !host.includes('.')) name('host', host);
      else learnDomainName(host);
      return;
    }
    if (!ROLE_LABELS.has(split.first.toLowerCase())) name('host', split.first);
    learnDomainName(split.rest);
  }

  function learnAccount(value: string): void {
    for (const part of value.split(/[,;]/)) {
      const p = part.trim();
      if (!p) continue;
      const at = p.lastIndexOf('@');
      if (at > 0) {
        learnUser(p.slice(0, at));
        learnDomainName(p.slice(at + 1));
        continue;
      }
      const slash = p.lastIndexOf('\\');
      if (slash > 0) {
        const dom = p.slice(0, slash);
        const domKey = dom.toLowerCase().split(/\s+/).pop() ?? '';
        if (SYSTEM_ACCOUNT_DOMAINS.has(domKey)) continue;
        if (!KEPT_ACCOUNT_DOMAINS.has(domKey)) name('domain', dom);
        learnUser(p.slice(slash + 1));
        continue;
      }
      learnUser(p);
    }
  }

  function learnUser(value: string): void {
    const v = value.trim();
    if (!isIdentifier(v)) return;
    if (v.endsWith('$')) name('computer', v.slice(0, -1));
    else name('user', v);
  }

  function learnUrl(value: string): void {
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
      if (!/^(?:localhost|127\.0\.0\.1)$/i.test(host)) learnHostName(host);
      return;
    }
    const seg = m[2]?.slice(1);
    if (seg && SIGN_IN_HOSTS.includes(host.toLowerCase()) && !PUBLIC_TENANT_SEGMENTS.has(seg.toLowerCase())) {
      if (isGuidLike(seg) && isIdentifier(seg)) name('tenant', seg);
      else if (seg.includes('.')) name('domain', seg);
    }
  }

  function learnHosts(value: string): void {
    for (const token of value.split(/[;,\s]+/)) {
      const t = token
        .replace(/^[a-z]+=/i, '')
        .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
        .replace(/^\*\./, '')
        .replace(/[:/].*$/, '');
      if (!t || t === '<local>' || t === '*' || !/[A-Za-z0-9]/.test(t)) continue;
      if (isMicrosoftHost(t) || /^(?:localhost|127\.0\.0\.1)$/i.test(t)) continue;
      learnHostName(t);
    }
  }

  function learnValue(
    kind: IdentifierKind | 'computer-name' | 'account' | 'url' | 'hosts',
    value: string | undefined,
  ) {
    if (value === undefined || (!ids && kind !== 'time')) return;
    const v = value.trim();
    if (!isIdentifier(v)) return;
    switch (kind) {
      case 'computer-name':
        return learnComputerName(v);
      case 'account':
        return learnAccount(v);
      case 'url':
        return learnUrl(v);
      case 'hosts':
        return learnHosts(v);
      case 'domain':
        return learnDomainName(v);
      case 'time':
        if (opts.times) name('time', v);
        return;
      case 'tenant':
      case 'device':
      case 'key':
      case 'correlation':
      case 'request':
        // Fields named for an ID sometimes hold something else (event 1144 reuses a template, so
        // its "CorrelationID" holds a domain hint): only an ID-shaped value takes the field's kind.
        if (isGuidLike(v) || /^\{?[0-9a-f]{16,}\}?$/i.test(v)) name(kind, v);
        else if (/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(v) && !/^\d+(\.\d+)*$/.test(v)) learnDomainName(v);
        return;
      default:
        name(kind, v);
    }
  }

  function learnDsregcmd(text: string): void {
    let status: ReturnType<typeof parseDsregcmd>;
    try {
      status = parseDsregcmd(text);
    } catch {
      return;
    }
    for (const f of status.fields) {
      const kind = FIELD_KINDS[f.normKey];
      if (kind) learnValue(kind, f.value);
      if (f.normKey === 'lasthostnameupdate' && opts.times) learnValue('time', f.value);
      // "The device object by the given id (<guid>) is not found": that GUID is the device's.
      if (f.normKey === 'servermessage' && /\bdevice\b/i.test(f.value)) {
        for (const m of f.value.matchAll(GUID_RE)) learnValue('device', m[0]);
      }
    }
  }

  function learnEventText(text: string): void {
    const head = text.slice(0, 200);
    if (/<Event[\s>]|<Events[\s>]/.test(text.slice(0, 4096)) || head.trimStart().startsWith('<')) {
      for (const m of text.matchAll(/<Computer>([^<]*)<\/Computer>/g)) learnComputerName(decodeXml(m[1]!));
      for (const m of text.matchAll(/<Data Name=['"]([\w.-]+)['"]>([^<]*)<\/Data>/g)) {
        const kind = EVENT_FIELD_KINDS[m[1]!.toLowerCase()];
        if (kind) learnValue(kind, decodeXml(m[2]!));
      }
      for (const m of text.matchAll(/ActivityID=['"]\{?([0-9A-Fa-f-]{36})\}?['"]/g)) {
        learnValue('correlation', m[1]!);
      }
    }
    for (const m of text.matchAll(/"(?:MachineName|computer)"\s*:\s*"([^"]*)"/g)) learnComputerName(m[1]!);
    for (const m of text.matchAll(/"(?:ActivityId|RelatedActivityId)"\s*:\s*"\{?([0-9A-Fa-f-]{36})\}?"/g)) {
      learnValue('correlation', m[1]!);
    }
    // IDs named in running text: "Correlation ID: <guid>", "Activity Id: {<guid>}", "Trace ID: <guid>".
    for (const m of text.matchAll(
      /\b(correlation ?id|activity ?id|trace ?id|request ?id|client-request-id|tenant ?id|device ?id)\s*[:=]\s*\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gi,
    )) {
      const label = m[1]!.toLowerCase().replace(/[\s-]/g, '');
      const kind: IdentifierKind = label.startsWith('tenant')
        ? 'tenant'
        : label.startsWith('device')
          ? 'device'
          : label === 'traceid' || label.includes('request')
            ? 'request'
            : 'correlation';
      learnValue(kind, m[2]!);
    }
    // "Name: value" lines in messages and debug output.
    for (const m of text.matchAll(
      /(?:^|[\n\r"]|\\n|\\r)\s*([A-Za-z][A-Za-z ]{1,30}?)\s*:[ \t]*([^\r\n"\\<]+)/g,
    )) {
      const kind = TEXT_FIELD_KINDS[m[1]!.replace(/\s+/g, '').toLowerCase()];
      if (kind) learnValue(kind, m[2]!.trim());
    }
  }

  function learn(text: string): void {
    if (!ids) return;
    learnDsregcmd(text);
    learnEventText(text);
  }

  function learnEvents(records: Iterable<EventRecord>): void {
    if (!ids) return;
    for (const r of records) {
      if (r.computer) learnComputerName(r.computer);
      for (const [k, v] of Object.entries(r.data)) {
        const kind = EVENT_FIELD_KINDS[k.toLowerCase()];
        if (kind) learnValue(kind, v);
      }
    }
  }

  /** The learned values that the literal pass looks for (GUIDs and hex ids go through their patterns). */
  function literalMatcher(): RegExp | undefined {
    if (literalRevision === table.revision) return literalRe;
    literalLabels.clear();
    const values: string[] = [];
    for (const p of table.entries()) {
      const v = p.original;
      if (isGuidLike(v) || isHexId(v) || v.length < 3) continue;
      if (p.kind === 'user' && !distinctiveUser(v)) continue;
      // The XML-escaped form too (a tenant named "Smith & Co" reads "Smith &amp; Co" in an export).
      for (const form of new Set([v, escapeXml(v)])) {
        const key = form.toLowerCase();
        if (literalLabels.has(key)) continue;
        literalLabels.set(key, p.label);
        values.push(form);
      }
    }
    values.sort((a, b) => b.length - a.length);
    literalRe =
      values.length === 0
        ? undefined
        : new RegExp(`(?<![A-Za-z0-9])(?:${values.map(escapeRe).join('|')})(?![A-Za-z0-9])`, 'gi');
    literalRevision = table.revision;
    return literalRe;
  }

  function redactSegment(s: string, masks: string[], prose: boolean): string {
    const mask = (label: string) => {
      masks.push(label);
      return `\uE000${encodeIndex(masks.length - 1)}\uE001`;
    };
    const isMasked = (v: string) => v.includes('\uE000');
    let out = s;

    if (opts.times) {
      for (const re of TIME_RES) out = out.replace(re, (m) => mask(name('time', m)));
    }
    if (!ids) return out;
    const lit = literalMatcher();
    if (lit) out = out.replace(lit, (m) => mask(literalLabels.get(m.toLowerCase()) ?? name('data', m)));

    out = out.replace(JWT_RE, (m) => mask(name('token', m)));

    out = out.replace(URL_RE, (m, scheme: string, authority: string, firstSeg: string) => {
      const at = authority.lastIndexOf('@');
      const userinfo = at >= 0 ? authority.slice(0, at) : '';
      const hostPort = at >= 0 ? authority.slice(at + 1) : authority;
      const hm = /^([A-Za-z0-9.-]+)(:\d+)?$/.exec(hostPort);
      // A host whose domain the literal pass already replaced ("sts." + mask) is left as it is.
      if (!hm || hm[1]!.endsWith('.')) return m;
      const host = hm[1]!;
      let hostOut: string;
      if (/^(?:localhost|127\.0\.0\.1)$/i.test(host)) hostOut = host;
      else if (isMicrosoftHost(host)) hostOut = redactMicrosoftHost(host, mask);
      else hostOut = redactHostName(host, mask);
      const userOut = userinfo ? `${mask(name('user', userinfo))}@` : '';
      let segOut = firstSeg;
      const seg = firstSeg.slice(1);
      if (
        seg &&
        SIGN_IN_HOSTS.includes(host.toLowerCase()) &&
        !PUBLIC_TENANT_SEGMENTS.has(seg.toLowerCase())
      ) {
        if (isGuidLike(seg) && isIdentifier(seg)) name('tenant', seg);
        else if (/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(seg)) segOut = `/${mask(name('domain', seg))}`;
      }
      return `${scheme}://${userOut}${hostOut}${hm[2] ?? ''}${segOut}`;
    });

    out = out.replace(EMAIL_RE, (m, local: string, domain: string) => {
      const d = domain.replace(/[.-]+$/, '');
      const rest = domain.slice(d.length);
      if (!d.includes('.') && !isMasked(d)) return m;
      const localOut = local.endsWith('$')
        ? `${mask(name('computer', local.slice(0, -1)))}$`
        : mask(name('user', local));
      let domainOut = d;
      if (!isMasked(d)) {
        domainOut = isMicrosoftHost(d) ? redactMicrosoftHost(d, mask) : mask(name('domain', d));
      }
      return `${localOut}@${domainOut}${rest}`;
    });

    out = out.replace(SID_RE, (m) => (isWellKnownSid(m) ? m : mask(name('sid', m))));

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

    // Not in the project's own prose, where `CDJ\AAD` is a registry key, not an account (account
    // names quoted from an input were learned and are replaced by the literal pass).
    if (!prose)
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

    out = out.replace(USER_PATH_RE, (m, prefix: string, user: string) =>
      USER_PATH_KEEP.has(user.toLowerCase()) ? m : `${prefix}${mask(name('user', user))}`,
    );

    out = out.replace(FQDN_RE, (m: string, _n: string, offset: number, whole: string) => {
      const labels = m.split('.');
      const tld = labels[labels.length - 1]!.toLowerCase();
      if (!TLDS.has(tld) || !/[A-Za-z]/.test(labels[0]!)) return m;
      if (labels.some((l) => l === '' || l.startsWith('-'))) return m;
      if (isMicrosoftHost(m)) return redactMicrosoftHost(m, mask);
      if (whole[offset - 1] === '@') return mask(name('domain', m));
      return redactHostName(m, mask);
    });

    out = out.replace(LABEL_BEFORE_MASK_RE, (m, label: string) =>
      ROLE_LABELS.has(label.toLowerCase()) || !/[A-Za-z]/.test(label) ? m : `${mask(name('host', label))}.`,
    );

    // A value cut short for display ("tenantId: 5a8e2c4b-0d1f-4..."): the learned value it starts.
    out = out.replace(TRUNCATED_RE, (m: string, token: string) => {
      const known = prefixOf(token);
      if (known) return mask(known);
      if (/^[0-9a-f]{4,}(?:-[0-9a-f]*)*$/i.test(token) && /\d/.test(token)) return mask(name('hex', token));
      return m;
    });

    out = out.replace(BASE64_RE, (m) =>
      /[A-Z]/.test(m) && /[a-z]/.test(m) && /\d/.test(m) ? mask(name('data', m)) : m,
    );
    return out;
  }

  /** A host name as `<host-1>.<domain-1>.example` (or `sts.<domain-1>.example`); a bare domain as `<domain-1>`. */
  function redactHostName(host: string, mask: (label: string) => string): string {
    if (/^\d+(\.\d+){3}$/.test(host)) return mask(name('host', host));
    const split = splitHost(host);
    if (!split) return mask(name('domain', host));
    const first = ROLE_LABELS.has(split.first.toLowerCase()) ? split.first : mask(name('host', split.first));
    return `${first}.${mask(name('domain', split.rest))}`;
  }

  /** The label of the learned value that a cut-short token begins (4 characters or more). */
  function prefixOf(token: string): string | undefined {
    const t = token.toLowerCase();
    if (t.length < 4) return undefined;
    for (const p of table.entries()) {
      const key = lookupKey(p.original);
      if (key.length > t.length && key.startsWith(t)) return p.label;
    }
    return undefined;
  }

  /** Microsoft hosts stay, except the tenant's own label in contoso.onmicrosoft.com and the like. */
  function redactMicrosoftHost(host: string, mask: (label: string) => string): string {
    const suffix = TENANT_PREFIXED_SUFFIXES.find((s) => hasSuffix(host, s) && host.toLowerCase() !== s);
    if (!suffix) return host;
    return mask(name('domain', host));
  }

  function text(input: string, format: 'text' | 'xml' = 'text'): string {
    return redactText(input, format === 'xml', false);
  }

  function redactText(input: string, xml: boolean, prose: boolean): string {
    const parts = input.split(LINE_SPLIT);
    const masks: string[] = [];
    for (let i = 0; i < parts.length; i += 2) {
      const line = parts[i]!;
      if (line === '') continue;
      // The key of a dsregcmd line is never rewritten, whatever a value learned elsewhere looks like.
      const km = KEY_PREFIX.exec(line);
      if (km && KNOWN_KEYS.has(normalizeKey(km[2]!))) {
        parts[i] = km[0] + redactSegment(line.slice(km[0].length), masks, prose);
      } else {
        parts[i] = redactSegment(line, masks, prose);
      }
    }
    return parts.join('').replace(MASK_RE, (_m, idx: string) => {
      const label = masks[decodeIndex(idx)] ?? '<redacted>';
      return xml ? escapeXml(label) : label;
    });
  }

  const SKIP_KEYS = new Set([
    'schemaVersion',
    'verdict',
    'joinType',
    'phase',
    'severity',
    'id',
    'codes',
    'docs',
    'kind',
    'used',
    'line',
    'recordId',
    'eventId',
    'level',
    'provider',
    'channel',
  ]);
  // The contract's date-time fields (prt.updateTime, prt.expiryTime): dropped rather than made invalid.
  const DATE_TIME_KEYS = new Set(['updateTime', 'expiryTime']);
  const PROSE_KEYS = new Set(['title', 'cause', 'fix', 'nextSteps']);

  function walk(value: unknown, key: string | undefined): unknown {
    if (typeof value === 'string') return redactText(value, false, key !== undefined && PROSE_KEYS.has(key));
    if (Array.isArray(value)) return value.map((v) => walk(v, key));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (SKIP_KEYS.has(k)) out[k] = v;
        else if (key === 'prt' && DATE_TIME_KEYS.has(k) && typeof v === 'string') {
          if (!opts.times) out[k] = v;
        } else out[k] = walk(v, k);
      }
      return out;
    }
    return value;
  }

  function diagnosis<T extends Diagnosis>(d: T): T {
    const dev = d.device;
    if (dev) {
      learnValue('computer-name', dev.name);
      learnValue('device', dev.deviceId);
      learnValue('tenant', dev.tenantId);
      learnValue('tenant-name', dev.tenantName);
      learnValue('domain', dev.domainName);
    }
    return walk(d, undefined) as T;
  }

  function eventRecord(r: EventRecord): EventRecord {
    const out: EventRecord = { ...r, data: {} };
    if (r.source !== undefined) out.source = text(r.source);
    if (r.computer !== undefined) out.computer = text(r.computer);
    if (r.message !== undefined) out.message = text(r.message);
    for (const [k, v] of Object.entries(r.data)) out.data[k] = text(v);
    return out;
  }

  function counts(): Partial<Record<IdentifierKind, number>> {
    const out: Partial<Record<IdentifierKind, number>> = {};
    const seen = new Set<string>();
    for (const p of table.entries()) {
      if (seen.has(p.label)) continue;
      seen.add(p.label);
      if (/^<[a-z-]+-\d+>\./.test(p.label)) continue;
      out[p.kind] = (out[p.kind] ?? 0) + 1;
    }
    return out;
  }

  function leaks(t: string): string[] {
    const found: string[] = [];
    const lower = t.toLowerCase();
    for (const p of table.entries()) {
      const v = p.original;
      if (v.length < 3 || (p.kind === 'user' && !distinctiveUser(v))) continue;
      const needle = isGuidLike(v) ? lookupKey(v) : v.toLowerCase();
      let i = lower.indexOf(needle);
      while (i >= 0) {
        const before = lower[i - 1] ?? ' ';
        const after = lower[i + needle.length] ?? ' ';
        if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) {
          found.push(v);
          break;
        }
        i = lower.indexOf(needle, i + 1);
      }
    }
    return found;
  }

  return { options: opts, learn, learnEvents, learnValue, text, diagnosis, eventRecord, counts, leaks };
}

/**
 * A host name's first label and the domain after it, or undefined for a name that is a domain
 * itself: two labels (contoso.com), or three under a country's second level (contoso.co.uk).
 */
function splitHost(host: string): { first: string; rest: string } | undefined {
  const labels = host.split('.');
  if (labels.length <= 2) return undefined;
  const tld = labels[labels.length - 1]!;
  if (labels.length === 3 && tld.length === 2 && /^(?:co|com|org|net|ac|gov|edu)$/i.test(labels[1]!)) {
    return undefined;
  }
  return { first: labels[0]!, rest: labels.slice(1).join('.') };
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function decodeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&');
}
