// The federation service's metadata exchange (MEX) document: what Windows reads to find the WS-Trust
// endpoints for the join token (windowstransport, integrated Windows authentication) and for the
// Primary Refresh Token (usernamemixed: the password URL; certificatemixed: the certificate URL).
// Parsed with fast-xml-parser, entities left unexpanded; a DTD is refused before parsing, as
// Windows' XmlLite does (WC_E_DTDPROHIBITED).
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DOCS } from '../kb/docs.js';
import type { Evidence, Finding } from '../types.js';
import { resultOf } from './checks.js';
import { hostOf, type ProbeContext } from './context.js';
import { codeRef, type Target, transportFindings } from './network-findings.js';
import type { CheckResult } from './types.js';

export const PROBE = 'probe:mex';

export type MexKind = 'windowstransport' | 'usernamemixed' | 'certificatemixed' | 'other';
export type TrustVersion = '1.3' | '2005';

export interface MexEndpoint {
  url: string;
  kind: MexKind;
  version?: TrustVersion;
}

export type MexParse =
  | { ok: true; endpoints: MexEndpoint[] }
  | { ok: false; problem: 'dtd'; line: number }
  | { ok: false; problem: 'not-xml'; message: string; line?: number }
  | { ok: false; problem: 'not-mex'; root: string };

const ISSUE_13 = 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/rst/issue';
const ISSUE_2005 = 'http://schemas.xmlsoap.org/ws/2005/02/trust/rst/issue';

type Node = Record<string, unknown>;

/** Line (1-based) of a byte offset in text. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Where a DTD starts, ignoring comments and CDATA; -1 without one. */
export function findDtd(xml: string): number {
  const re = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<!(DOCTYPE|ENTITY)\b/gi;
  for (let m = re.exec(xml); m; m = re.exec(xml)) if (m[1]) return m.index;
  return -1;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
});

function kids(node: unknown, name: string): Node[] {
  if (!node || typeof node !== 'object') return [];
  const v = (node as Node)[name];
  return Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Node[]) : [];
}

function attr(node: Node, name: string): string | undefined {
  const v = node[`@_${name}`];
  return typeof v === 'string' ? v : undefined;
}

function text(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (node && typeof node === 'object') {
    const t = (node as Node)['#text'];
    if (typeof t === 'string') return t;
  }
  return undefined;
}

/** Every descendant element (depth first) with its local name and ancestors' names. */
function* walk(node: Node, path: string[] = []): Generator<{ name: string; node: Node; path: string[] }> {
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_') || key === '#text' || !Array.isArray(value)) continue;
    for (const child of value) {
      if (child && typeof child === 'object') {
        yield { name: key, node: child as Node, path };
        yield* walk(child as Node, [...path, key]);
      } else {
        yield { name: key, node: {}, path };
      }
    }
  }
}

function findAll(node: Node, name: string): Node[] {
  const out: Node[] = [];
  for (const e of walk(node)) if (e.name === name) out.push(e.node);
  return out;
}

/** What a WS-Policy asks the client for: Windows auth, a user name, or an X.509 certificate. */
function policyKind(policy: Node): MexKind {
  let kind: MexKind = 'other';
  for (const e of walk(policy)) {
    if (e.name === 'NegotiateAuthentication') return 'windowstransport';
    if (
      e.name === 'UsernameToken' &&
      e.path.some((p) => p === 'SignedSupportingTokens' || p === 'SignedEncryptedSupportingTokens')
    ) {
      kind = 'usernamemixed';
    }
    if (
      e.name === 'X509Token' &&
      kind === 'other' &&
      e.path.some((p) => /SupportingTokens$/.test(p) && p !== 'SignedEncryptedSupportingTokens')
    ) {
      kind = 'certificatemixed';
    }
  }
  return kind;
}

function kindFromUrl(url: string): { kind: MexKind; version?: TrustVersion } {
  const m = /\/(13|2005)\/(windowstransport|usernamemixed|certificatemixed)\/?$/i.exec(url);
  if (!m) return { kind: 'other' };
  return { kind: m[2]!.toLowerCase() as MexKind, version: m[1] === '13' ? '1.3' : '2005' };
}

/** Reads the WS-Trust endpoints out of a MEX document, the way ADAL pairs policies, bindings and ports. */
export function parseMex(xml: string): MexParse {
  const dtd = findDtd(xml);
  if (dtd >= 0) return { ok: false, problem: 'dtd', line: lineAt(xml, dtd) };
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { ok: false, problem: 'not-xml', message: valid.err.msg, line: valid.err.line };
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (err) {
    return { ok: false, problem: 'not-xml', message: err instanceof Error ? err.message : String(err) };
  }
  const definitions = [...kids(doc, 'definitions'), ...findAll(doc, 'definitions')].filter(
    (d, i, all) => all.indexOf(d) === i,
  );
  if (definitions.length === 0) {
    const root = Object.keys(doc).find((k) => !k.startsWith('@_') && k !== '#text') ?? '(none)';
    return { ok: false, problem: 'not-mex', root };
  }
  const endpoints: MexEndpoint[] = [];
  for (const def of definitions) {
    const policies = new Map<string, MexKind>();
    for (const p of kids(def, 'Policy')) {
      const id = attr(p, 'Id');
      if (id) policies.set(`#${id}`, policyKind(p));
    }
    const bindings = new Map<string, { kind: MexKind; version?: TrustVersion }>();
    for (const b of kids(def, 'binding')) {
      const name = attr(b, 'name');
      if (!name) continue;
      const ref = kids(b, 'PolicyReference')
        .map((r) => attr(r, 'URI'))
        .find((u) => u !== undefined);
      const kind: MexKind = (ref ? policies.get(ref) : undefined) ?? 'other';
      const action = kids(b, 'operation')
        .flatMap((op) => kids(op, 'operation'))
        .map((op) => attr(op, 'soapAction')?.toLowerCase())
        .find((a) => a !== undefined);
      const version = action === ISSUE_13 ? '1.3' : action === ISSUE_2005 ? '2005' : undefined;
      bindings.set(name, { kind, ...(version && { version }) });
    }
    for (const service of kids(def, 'service')) {
      for (const port of kids(service, 'port')) {
        const bindingName = (attr(port, 'binding') ?? '').replace(/^[^:]*:/, '');
        const address =
          text(kids(kids(port, 'EndpointReference')[0], 'Address')[0]) ??
          attr(kids(port, 'address')[0] ?? {}, 'location');
        if (!address) continue;
        const fromBinding = bindings.get(bindingName);
        const fromUrl = kindFromUrl(address);
        const kind = fromBinding && fromBinding.kind !== 'other' ? fromBinding.kind : fromUrl.kind;
        const version = fromBinding?.version ?? fromUrl.version;
        endpoints.push({ url: address.trim(), kind, ...(version && { version }) });
      }
    }
  }
  return { ok: true, endpoints };
}

export interface MexFacts {
  endpoints: MexEndpoint[];
}

export async function checkMex(ctx: ProbeContext, url: string): Promise<CheckResult<MexFacts>> {
  return resultOf('probe-mex', await readMex(ctx, url));
}

async function readMex(ctx: ProbeContext, url: string): Promise<CheckResult<MexFacts>> {
  const t: Target = {
    probe: PROBE,
    label: `the federation service's metadata (${hostOf(url)})`,
    phase: 'auth',
    family: 'adal',
    id: 'probe-mex',
    docs: [DOCS.auth],
  };
  const ev = (textValue: string): Evidence => ({ source: PROBE, text: textValue });
  const res = await ctx.get(url, { Accept: 'application/soap+xml, application/xml, text/xml' });
  const transport = transportFindings(t, res, 'XML');
  if (!res.ok || transport.some((f) => f.severity === 'error' && f.id !== 'probe-tls-inspection')) {
    return { findings: transport };
  }
  const findings: Finding[] = [...transport];
  const head = `GET ${url}: HTTP ${res.status} in ${res.ms} ms`;
  if (res.status !== 200) {
    findings.push({
      id: 'probe-mex-http-error',
      severity: 'error',
      phase: 'auth',
      title: `The federation service's metadata answered HTTP ${res.status}`,
      codes: [codeRef(0xcaa90023)],
      evidence: [ev(head)],
      cause: 'Without the metadata document Windows cannot find a WS-Trust endpoint.',
      fix: ['Make the MEX endpoint reachable from the devices (on AD FS: /adfs/services/trust/mex).'],
      docs: [DOCS.auth],
    });
    return { findings };
  }
  const parsed = parseMex(res.body);
  if (!parsed.ok) {
    if (parsed.problem === 'dtd') {
      findings.push({
        id: 'probe-mex-dtd',
        severity: 'error',
        phase: 'post-join',
        title: 'The federation metadata contains a DTD, which Windows refuses to parse',
        codes: [codeRef(0xc00cee4f)],
        evidence: [ev(`${head}; <!DOCTYPE or <!ENTITY at line ${parsed.line} of the document`)],
        cause:
          'Windows parses WS-Trust XML with DTD processing prohibited; a document type declaration (often added by a proxy, or by a non-Microsoft STS) stops token requests.',
        fix: [
          'Remove the DOCTYPE from what the identity provider (or the proxy in front of it) serves, and read the WS-Trust error in AAD Operational event 1088.',
        ],
        docs: [DOCS.prtCodes],
      });
    } else if (parsed.problem === 'not-xml') {
      findings.push({
        id: 'probe-mex-not-xml',
        severity: 'error',
        phase: 'auth',
        title: 'The federation metadata is not well-formed XML',
        codes: [codeRef(0xcaa9002c)],
        evidence: [ev(`${head}; ${parsed.message}${parsed.line ? ` (line ${parsed.line})` : ''}`)],
        cause: 'The federation service, or a proxy in front of it, returned something other than XML.',
        fix: ['Make sure the MEX endpoint returns valid XML and that no proxy rewrites it.'],
        docs: [DOCS.auth],
      });
    } else {
      findings.push({
        id: 'probe-mex-not-mex',
        severity: 'error',
        phase: 'auth',
        title: `The federation metadata is XML but not a WSDL metadata document (root <${parsed.root}>)`,
        codes: [codeRef(0xcaa90023)],
        evidence: [ev(head)],
        cause:
          'The metadata address in the federation settings points at another document (for example the SAML federation metadata), so no WS-Trust endpoint can be found.',
        fix: ['Point the federated domain’s metadata address at the WS-Trust MEX endpoint.'],
        docs: [DOCS.auth],
      });
    }
    return { findings };
  }
  findings.push(...judgeEndpoints(parsed.endpoints, head));
  return { findings, facts: { endpoints: parsed.endpoints } };
}

/** The guide's MEX requirements, checked against the endpoints found. */
export function judgeEndpoints(endpoints: MexEndpoint[], head: string): Finding[] {
  const findings: Finding[] = [];
  const has = (kind: MexKind, version?: TrustVersion) =>
    endpoints.some((e) => e.kind === kind && (version === undefined || e.version === version));
  const list = (kind: MexKind) =>
    endpoints
      .filter((e) => e.kind === kind)
      .map((e) => `${e.url}${e.version ? ` (WS-Trust ${e.version})` : ''}`)
      .join(', ') || 'none';
  const ev = (t: string): Evidence => ({ source: PROBE, text: t });
  const summary = ev(
    `${head}; windowstransport: ${list('windowstransport')}; usernamemixed: ${list('usernamemixed')}; certificatemixed: ${list('certificatemixed')}`,
  );

  if (!has('windowstransport')) {
    findings.push({
      id: 'probe-mex-no-windowstransport',
      severity: 'error',
      phase: 'auth',
      title: 'The federation metadata publishes no windowstransport (integrated Windows auth) endpoint',
      codes: [codeRef(0xcaa90023)],
      evidence: [summary],
      cause:
        'The join gets its token from the federation service with integrated Windows authentication over WS-Trust; without a windowstransport endpoint in MEX there is nothing to call.',
      fix: [
        'On AD FS, enable /adfs/services/trust/13/windowstransport and /adfs/services/trust/2005/windowstransport (intranet only, never published through the Web Application Proxy).',
      ],
      docs: [DOCS.auth, DOCS.federationClaims],
    });
  }
  if (!has('usernamemixed')) {
    findings.push({
      id: 'probe-mex-no-password-url',
      severity: 'error',
      phase: 'post-join',
      title: 'The federation metadata publishes no usernamemixed endpoint (no password URL)',
      codes: [codeRef(0xc004848b)],
      evidence: [summary],
      cause:
        'Windows requests and renews the Primary Refresh Token of federated users through the usernamemixed WS-Trust endpoint.',
      fix: [
        'On AD FS, enable /adfs/services/trust/13/usernamemixed and /adfs/services/trust/2005/usernamemixed.',
      ],
      docs: [DOCS.prtCodes],
    });
  }
  if (!has('certificatemixed')) {
    findings.push({
      id: 'probe-mex-no-certificate-url',
      severity: 'warning',
      phase: 'post-join',
      title: 'The federation metadata publishes no certificatemixed endpoint (no certificate URL)',
      codes: [codeRef(0xc004848c)],
      evidence: [summary],
      cause: 'Certificate-based sign-ins (smart cards) cannot get a Primary Refresh Token without it.',
      fix: [
        'On AD FS, enable /adfs/services/trust/13/certificatemixed and /adfs/services/trust/2005/certificatemixed if users sign in with certificates.',
      ],
      docs: [DOCS.prtCodes],
    });
  }
  const missingVersions: string[] = [];
  for (const kind of ['windowstransport', 'usernamemixed'] as const) {
    if (!has(kind)) continue;
    for (const version of ['1.3', '2005'] as const) {
      if (!has(kind, version)) missingVersions.push(`${kind} for WS-Trust ${version}`);
    }
  }
  if (missingVersions.length > 0) {
    findings.push({
      id: 'probe-mex-missing-version',
      severity: 'warning',
      phase: 'auth',
      title: `The federation metadata lacks ${missingVersions.join(' and ')}`,
      codes: [],
      evidence: [summary],
      cause:
        'Windows clients use both WS-Trust 1.3 and WS-Trust 2005 endpoints; the guide asks for both to be enabled.',
      fix: ['Enable the missing endpoint versions on the federation service.'],
      docs: [DOCS.auth, DOCS.federationClaims],
    });
  }
  if (findings.length === 0) {
    findings.push({
      id: 'probe-mex-ok',
      severity: 'info',
      phase: 'auth',
      title:
        'The federation metadata publishes windowstransport, usernamemixed and certificatemixed for WS-Trust 1.3 and 2005',
      codes: [],
      evidence: [summary],
    });
  }
  return findings;
}
