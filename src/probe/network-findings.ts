// Turns what happened on the wire into findings shared by every HTTP probe: cannot resolve, cannot
// connect, timed out, a proxy that wants authentication, TLS inspection, an HTML page where the
// service answers JSON or XML. Codes are the ones Windows reports for the same failure in the
// phase at hand (WinINet codes in discovery and join, ADAL codes in the authentication phase).
import { DOCS } from '../kb/docs.js';
import { toHex, toSigned } from '../kb/format.js';
import { guideCode } from '../kb/guide-codes.js';
import type { CodeRef, Evidence, Finding, Phase } from '../types.js';
import { type HttpFailure, type HttpResponse, type HttpResult, htmlTitle, looksLikeHtml } from './http.js';

export function codeRef(value: number, fallbackName?: string): CodeRef {
  const name = guideCode(value)?.name ?? fallbackName;
  return { hex: toHex(value), ...(name && { name }), signed: toSigned(value) };
}

/** Which family of codes a failure maps to. */
export type CodeFamily = 'wininet' | 'adal';

const CODES: Record<CodeFamily, Record<'dns' | 'connect' | 'timeout' | 'aborted' | 'tls', number>> = {
  wininet: {
    dns: 0x80072ee7,
    connect: 0x80072efd,
    timeout: 0x80072ee2,
    aborted: 0x80072efe,
    tls: 0x80072f8f,
  },
  adal: {
    // ADAL has no name-resolution code of its own in the guide: it reports cannot-connect.
    dns: 0xcaa82efd,
    connect: 0xcaa82efd,
    timeout: 0xcaa82ee2,
    aborted: 0xcaa82efe,
    tls: 0xcaa82f8f,
  },
};

export interface Target {
  /** The probe's name, used as the evidence source. */
  probe: string;
  /** What is being reached, for titles: "the registration service (enterpriseregistration.windows.net)". */
  label: string;
  phase: Phase;
  family: CodeFamily;
  /** Finding id prefix, kebab case: probe-drs, probe-realm ... */
  id: string;
  docs: string[];
}

function ev(t: Target, text: string): Evidence {
  return { source: t.probe, text };
}

const SYSTEM_CONTEXT =
  'Run the check again from the device as SYSTEM (the join and the token requests run as the computer, not as the signed-in user).';
const PROXY_FIX =
  'If the network needs an outbound proxy, make sure the computer account finds it (WPAD, or a WinHTTP proxy set by policy) and can authenticate to it without a prompt.';
const INSPECTION_FIX =
  'Exempt the Microsoft Entra endpoints (and the federation service) from TLS inspection on the proxy or firewall.';

/** Findings for a request that got no HTTP answer. */
export function failureFindings(t: Target, f: HttpFailure): Finding[] {
  const via = f.proxy ? ` through proxy ${f.proxy}` : '';
  const evidence = [ev(t, `GET ${f.url}${via}: ${f.message} after ${f.ms} ms`)];
  const codes = CODES[t.family];
  if (f.timedOut) {
    return [
      {
        id: `${t.id}-timeout`,
        severity: 'error',
        phase: t.phase,
        title: `No answer from ${t.label} within the time limit (stuck at ${stageName(f.stage)})`,
        codes: [codeRef(codes.timeout)],
        evidence,
        cause:
          'Something between this machine and the service drops the traffic silently: a firewall, a proxy that is required but not used, or a route that goes nowhere.',
        fix: [PROXY_FIX, SYSTEM_CONTEXT],
        docs: [...t.docs, DOCS.prerequisites],
      },
    ];
  }
  switch (f.stage) {
    case 'dns':
      return [
        {
          id: `${t.id}-dns-failed`,
          severity: 'error',
          phase: t.phase,
          title: f.proxy
            ? `Cannot reach the proxy ${f.proxy} on the way to ${t.label}: its name does not resolve`
            : `Cannot reach ${t.label}: the name does not resolve`,
          codes: [
            codeRef(codes.dns, t.family === 'wininet' ? undefined : 'ERROR_ADAL_INTERNET_CANNOT_CONNECT'),
          ],
          evidence,
          cause: f.proxy
            ? 'The proxy host name does not resolve.'
            : 'DNS has no answer for the host: no internet name resolution here, or a resolver that only knows internal names (then a proxy is usually required).',
          fix: [
            'Check DNS on this machine (nslookup the host), or set the proxy the network requires.',
            PROXY_FIX,
          ],
          docs: [...t.docs, DOCS.prerequisites],
        },
      ];
    case 'tcp':
      return [
        {
          id: `${t.id}-connect-failed`,
          severity: 'error',
          phase: t.phase,
          title: f.proxy
            ? `Cannot reach the proxy ${f.proxy} on the way to ${t.label}: the connection was refused`
            : `Cannot reach ${t.label}: the connection was refused or the network is unreachable`,
          codes: [codeRef(codes.connect)],
          evidence,
          cause: f.proxy
            ? 'The proxy does not accept connections on that port.'
            : 'Nothing answers on port 443 at that address, or no route leads there: a firewall, or direct internet access that the network does not allow.',
          fix: [PROXY_FIX, SYSTEM_CONTEXT],
          docs: [...t.docs, DOCS.prerequisites],
        },
      ];
    case 'proxy':
      if (f.proxyStatus === 407) return [proxyAuthFinding(t, f.proxyAuth, evidence)];
      return [
        {
          id: `${t.id}-proxy-refused`,
          severity: 'error',
          phase: t.phase,
          title: `The proxy would not open a tunnel to ${t.label}`,
          codes: [codeRef(codes.connect)],
          evidence,
          cause: 'The proxy refused or failed the CONNECT request for this host.',
          fix: ['Allow the Microsoft Entra endpoints on the proxy for the computer accounts.', PROXY_FIX],
          docs: [...t.docs, DOCS.prerequisites],
        },
      ];
    case 'tls':
      return [
        {
          id: `${t.id}-tls-failed`,
          severity: 'error',
          phase: t.phase,
          title: `The TLS handshake with ${t.label} failed`,
          codes: [codeRef(codes.tls)],
          evidence,
          cause:
            'The connection was cut or the server offered nothing this client accepts; a device in the path that inspects TLS is the usual cause.',
          fix: [INSPECTION_FIX],
          docs: [...t.docs, DOCS.prerequisites],
        },
      ];
    default:
      return [
        {
          id: `${t.id}-connection-aborted`,
          severity: 'error',
          phase: t.phase,
          title: `The connection to ${t.label} broke off before a complete answer`,
          codes: [codeRef(codes.aborted)],
          evidence,
          cause: 'The server or something in between closed the connection mid-request.',
          fix: ['Retry; if it persists, look at the proxy or firewall logs for this host.', PROXY_FIX],
          docs: [...t.docs, DOCS.prerequisites],
        },
      ];
  }
}

function proxyAuthFinding(t: Target, schemes: string[] | undefined, evidence: Evidence[]): Finding {
  const offered = schemes && schemes.length > 0 ? schemes.join(', ') : 'no scheme named';
  const silent = (schemes ?? []).some((s) => /^(negotiate|ntlm|kerberos)$/i.test(s));
  return {
    id: 'probe-proxy-auth-required',
    severity: 'error',
    phase: t.phase,
    title: `A proxy demands authentication (HTTP 407) before reaching ${t.label}`,
    codes: [],
    serverErrorCode: 'HTTP 407',
    evidence: [...evidence, ev(t, `Proxy-Authenticate schemes offered: ${offered}`)],
    cause: silent
      ? 'The proxy wants Windows authentication. Joins run as SYSTEM, so the computer account must be allowed to authenticate to it silently, or these hosts must be exempt from authentication.'
      : 'The proxy wants credentials that the computer account cannot give without a prompt, so the join (which runs as SYSTEM) cannot pass it.',
    fix: [
      'Exempt the Microsoft Entra endpoints from proxy authentication, or allow the computer accounts to authenticate with Negotiate/NTLM.',
      PROXY_FIX,
    ],
    docs: [...t.docs, DOCS.prerequisites],
  };
}

/** Findings about the TLS certificate the server (or something posing as it) presented. */
export function tlsFindings(t: Target, res: HttpResult): Finding[] {
  const info = res.tls;
  if (!info || info.trusted) return [];
  const leaf = info.chain[0];
  const top = info.chain[info.chain.length - 1];
  const evidence = [
    ev(
      t,
      `certificate for ${new URL(res.url).host}: subject ${leaf?.subject ?? '?'}, issued by ${leaf?.issuer ?? '?'}` +
        (top && top !== leaf ? `; chain ends at ${top.subject}` : '') +
        (info.reason ? ` (${info.reason})` : ''),
    ),
  ];
  const code = codeRef(CODES[t.family].tls);
  if (info.reason === 'CERT_HAS_EXPIRED' || info.reason === 'CERT_NOT_YET_VALID') {
    return [
      {
        id: `${t.id}-certificate-date`,
        severity: 'error',
        phase: t.phase,
        title: `The certificate of ${t.label} is ${info.reason === 'CERT_HAS_EXPIRED' ? 'expired' : 'not yet valid'} by this machine's clock`,
        codes: [code],
        evidence: [...evidence, ev(t, `valid ${leaf?.validFrom ?? '?'} to ${leaf?.validTo ?? '?'}`)],
        cause:
          'Either the local clock is wrong (certificate checks fail when the time is off) or something in the path presents an old certificate.',
        fix: ['Check the clock and time zone of the device against a reliable time source.', INSPECTION_FIX],
        docs: [...t.docs, DOCS.auth],
      },
    ];
  }
  if (info.nameMismatch && info.reason === undefined) {
    return [
      {
        id: `${t.id}-certificate-name`,
        severity: 'error',
        phase: t.phase,
        title: `The certificate presented for ${t.label} does not name that host`,
        codes: [code],
        evidence,
        cause: 'A proxy or firewall answered in the service’s place with its own certificate.',
        fix: [INSPECTION_FIX],
        docs: [...t.docs, DOCS.prerequisites],
      },
    ];
  }
  return [
    {
      id: 'probe-tls-inspection',
      severity: 'error',
      phase: t.phase,
      title: `TLS inspection: the certificate for ${t.label} comes from an issuer outside the public roots (${top?.issuer || top?.subject || 'unknown'})`,
      codes: [code],
      evidence,
      cause:
        'A proxy or firewall decrypts and re-signs this traffic with its own certificate authority. Windows rejects or mishandles such answers during join and token requests; the guide requires these hosts to be excluded from inspection.',
      fix: [INSPECTION_FIX],
      docs: [...t.docs, DOCS.prerequisites],
    },
  ];
}

/** A 407 from the server itself (a transparent proxy answering in its place). */
export function status407Finding(t: Target, res: HttpResponse): Finding {
  const schemes = (res.headers['proxy-authenticate'] ?? '')
    .split(/,\s*(?=[A-Za-z]+(?:\s|$))/)
    .map((s) => s.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
  return proxyAuthFinding(t, schemes, [ev(t, `GET ${res.url}: HTTP 407 after ${res.ms} ms`)]);
}

/** An HTML page where the service answers JSON or XML: a proxy's block or sign-in page. */
export function htmlFinding(t: Target, res: HttpResponse, expected: 'JSON' | 'XML'): Finding | undefined {
  if (!looksLikeHtml(res)) return undefined;
  const title = htmlTitle(res.body);
  const code = expected === 'JSON' ? codeRef(0x8007000d) : codeRef(0xcaa9002c);
  return {
    id: 'probe-html-instead-of-service',
    severity: 'error',
    phase: t.phase,
    title: `${t.label} answered with an HTML page instead of ${expected}${title ? ` (“${title}”)` : ''}`,
    codes: [code],
    evidence: [
      ev(
        t,
        `GET ${res.url}: HTTP ${res.status}, Content-Type ${res.headers['content-type'] ?? 'none'}, ${res.body.length} bytes`,
      ),
    ],
    cause:
      'A proxy or filter returned its own page (a block page, or a sign-in page with HTTP 200). Windows cannot parse it and the join stops.',
    fix: [
      'Allow the Microsoft Entra endpoints on the proxy or web filter for the computer accounts.',
      PROXY_FIX,
    ],
    docs: [...t.docs, DOCS.prerequisites],
  };
}

/** Checks every HTTP probe runs before reading the body: TLS, 407, an HTML page. Empty when all is well. */
export function transportFindings(t: Target, res: HttpResult, expected: 'JSON' | 'XML'): Finding[] {
  if (!res.ok) return failureFindings(t, res);
  const out = tlsFindings(t, res);
  if (res.status === 407) out.push(status407Finding(t, res));
  else {
    const html = htmlFinding(t, res, expected);
    if (html) out.push(html);
  }
  return out;
}

export function stageName(stage: HttpFailure['stage']): string {
  return {
    dns: 'name resolution',
    tcp: 'the TCP connection',
    proxy: 'the proxy tunnel',
    tls: 'the TLS handshake',
    http: 'the HTTP exchange',
  }[stage];
}
