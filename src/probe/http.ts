// One HTTPS GET, step by step, so that a failure says where it happened: name resolution, the TCP
// connection, the proxy's CONNECT, the TLS handshake (and whose certificate came back), or the
// HTTP exchange. Read-only: no credentials are ever sent, not even to a proxy that asks for them.
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';

export type Stage = 'dns' | 'tcp' | 'proxy' | 'tls' | 'http';

export interface CertInfo {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
}

export interface TlsInfo {
  /** The chain validated against the public roots and the host name matched. */
  trusted: boolean;
  /** OpenSSL's reason when not trusted (UNABLE_TO_GET_ISSUER_CERT_LOCALLY, CERT_HAS_EXPIRED ...). */
  reason?: string;
  /** The host name did not match the certificate. */
  nameMismatch?: boolean;
  /** Leaf first, as the server sent it (and as Node completed it). */
  chain: CertInfo[];
}

interface Common {
  url: string;
  /** Milliseconds from start to the end of the exchange or the failure. */
  ms: number;
  /** The proxy used, if any (no credentials in it). */
  proxy?: string;
  /** The address the host name resolved to (without a proxy). */
  address?: string;
  tls?: TlsInfo;
}

export interface HttpResponse extends Common {
  ok: true;
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface HttpFailure extends Common {
  ok: false;
  stage: Stage;
  timedOut: boolean;
  /** Node's error code (ENOTFOUND, ECONNREFUSED, ECONNRESET ...) when there is one. */
  code?: string;
  message: string;
  /** The proxy's answer to CONNECT, when it refused. */
  proxyStatus?: number;
  /** The schemes a proxy offered in Proxy-Authenticate (Negotiate, NTLM, Basic ...). */
  proxyAuth?: string[];
}

export type HttpResult = HttpResponse | HttpFailure;

export interface HttpOptions {
  timeoutMs: number;
  headers?: Record<string, string>;
  /** http://host:port of a proxy to tunnel through, or undefined for a direct connection. */
  proxy?: string;
  /** PEM roots replacing the public ones (tests only). */
  trustedRoots?: string[];
  /** Most bytes of body to keep. */
  maxBody?: number;
}

class StageError extends Error {
  constructor(
    readonly stage: Stage,
    message: string,
    readonly code?: string,
    readonly extra: Partial<HttpFailure> = {},
  ) {
    super(message);
  }
}

/** The proxy to use for a URL: the explicit one, else HTTPS_PROXY unless NO_PROXY matches the host. */
export function proxyFor(
  url: string,
  explicit: string | undefined,
  env: Record<string, string | undefined> = {},
): string | undefined {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const noProxy = env.NO_PROXY ?? env.no_proxy ?? '';
  if (noProxyMatches(host, noProxy)) return undefined;
  const p = explicit ?? env.HTTPS_PROXY ?? env.https_proxy ?? env.ALL_PROXY ?? env.all_proxy;
  return p && p.trim() !== '' ? p.trim() : undefined;
}

function noProxyMatches(host: string, noProxy: string): boolean {
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase().replace(/:\d+$/, '');
    if (!entry) continue;
    if (entry === '*') return true;
    const bare = entry.replace(/^\*?\./, '');
    if (host === bare || host.endsWith(`.${bare}`)) return true;
  }
  return false;
}

/** A proxy URL without any user:password it may carry, for printing. */
export function safeProxy(proxy: string): string {
  try {
    const u = new URL(proxy);
    return `${u.protocol}//${u.host}`;
  } catch {
    return proxy.replace(/\/\/[^@/]*@/, '//');
  }
}

export async function httpsGet(url: string, options: HttpOptions): Promise<HttpResult> {
  const started = performance.now();
  const target = new URL(url);
  if (target.protocol !== 'https:') {
    return {
      ok: false,
      url,
      ms: 0,
      stage: 'http',
      timedOut: false,
      message: 'only https:// addresses are probed (no request sent over plain HTTP)',
    };
  }
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const port = Number(target.port || 443);
  const common: Common = { url, ms: 0 };
  if (options.proxy) common.proxy = safeProxy(options.proxy);
  let stage: Stage = 'dns';
  const sockets: net.Socket[] = [];
  let timer: NodeJS.Timeout | undefined;

  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StageError(stage, 'timed out', 'ETIMEDOUT')), options.timeoutMs);
  });

  const run = async (): Promise<HttpResponse> => {
    let socket: net.Socket;
    if (options.proxy) {
      const proxy = new URL(options.proxy);
      if (proxy.protocol !== 'http:') {
        throw new StageError('proxy', `unsupported proxy scheme ${proxy.protocol} (use http://host:port)`);
      }
      stage = 'dns';
      const proxyHost = proxy.hostname.replace(/^\[|\]$/g, '');
      const proxyAddr = await resolve(proxyHost);
      stage = 'tcp';
      socket = await connect(proxyAddr, Number(proxy.port || 8080), sockets);
      stage = 'proxy';
      await tunnel(socket, host, port);
    } else {
      stage = 'dns';
      const address = await resolve(host);
      common.address = address;
      stage = 'tcp';
      socket = await connect(address, port, sockets);
    }
    stage = 'tls';
    const secure = await handshake(socket, host, options.trustedRoots, sockets);
    common.tls = describeTls(secure, host);
    stage = 'http';
    return await exchange(secure, target, options, common);
  };

  try {
    const res = await Promise.race([run(), timeout]);
    res.ms = Math.round(performance.now() - started);
    return res;
  } catch (err) {
    const e =
      err instanceof StageError
        ? err
        : new StageError(
            stage,
            err instanceof Error ? err.message : String(err),
            (err as { code?: string }).code,
          );
    return {
      ...common,
      ...e.extra,
      ok: false,
      stage: e.stage,
      timedOut: e.code === 'ETIMEDOUT',
      ...(e.code !== undefined && { code: e.code }),
      message: e.message,
      ms: Math.round(performance.now() - started),
    };
  } finally {
    clearTimeout(timer);
    for (const s of sockets) s.destroy();
  }
}

async function resolve(host: string): Promise<string> {
  if (net.isIP(host)) return host;
  try {
    return (await lookup(host)).address;
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new StageError('dns', `cannot resolve ${host} (${code ?? 'lookup failed'})`, code);
  }
}

function connect(address: string, port: number, sockets: net.Socket[]): Promise<net.Socket> {
  return new Promise((resolvePromise, reject) => {
    const s = net.connect({ host: address, port });
    sockets.push(s);
    s.once('connect', () => {
      s.removeAllListeners('error');
      resolvePromise(s);
    });
    s.once('error', (err: NodeJS.ErrnoException) =>
      reject(new StageError('tcp', `cannot connect to ${address} port ${port} (${err.code})`, err.code)),
    );
  });
}

/** HTTP CONNECT through a proxy. Never answers a 407 with credentials. */
function tunnel(socket: net.Socket, host: string, port: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buf.length > 65536) fail('the proxy sent an oversized answer to CONNECT');
        return;
      }
      socket.off('data', onData);
      const head = buf.subarray(0, end).toString('latin1');
      const lines = head.split('\r\n');
      const status = Number(/^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
      if (status === 200) {
        if (buf.length > end + 4) socket.unshift(buf.subarray(end + 4));
        resolvePromise();
        return;
      }
      const schemes = lines
        .filter((l) => /^proxy-authenticate\s*:/i.test(l))
        .map((l) => l.replace(/^[^:]*:\s*/, '').split(/\s+/)[0] ?? '')
        .filter(Boolean);
      reject(
        new StageError('proxy', `the proxy answered CONNECT with ${lines[0] ?? 'nothing'}`, undefined, {
          proxyStatus: status,
          ...(schemes.length > 0 && { proxyAuth: schemes }),
        }),
      );
    };
    const fail = (message: string) => reject(new StageError('proxy', message));
    socket.on('data', onData);
    socket.once('error', (err: NodeJS.ErrnoException) =>
      reject(new StageError('proxy', `the proxy connection failed (${err.code})`, err.code)),
    );
    socket.once('end', () => fail('the proxy closed the connection during CONNECT'));
    const authority = net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  });
}

function handshake(
  socket: net.Socket,
  host: string,
  roots: string[] | undefined,
  sockets: net.Socket[],
): Promise<tls.TLSSocket> {
  return new Promise((resolvePromise, reject) => {
    const s = tls.connect({
      socket,
      ...(net.isIP(host) ? {} : { servername: host }),
      ...(roots && { ca: roots }),
      // Validation is judged below (describeTls), so that an intercepting certificate can be named.
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    });
    sockets.push(s);
    s.once('secureConnect', () => {
      s.removeAllListeners('error');
      resolvePromise(s);
    });
    s.once('error', (err: NodeJS.ErrnoException) =>
      reject(new StageError('tls', `TLS handshake failed (${err.code ?? err.message})`, err.code)),
    );
  });
}

function name(entity: Record<string, string | string[] | undefined> | undefined): string {
  if (!entity) return '';
  const pick = (k: string) => {
    const v = entity[k];
    return Array.isArray(v) ? v.join('+') : v;
  };
  return ['CN', 'OU', 'O', 'C']
    .map((k) => (pick(k) ? `${k}=${pick(k)}` : ''))
    .filter(Boolean)
    .join(', ');
}

function describeTls(s: tls.TLSSocket, host: string): TlsInfo {
  const chain: CertInfo[] = [];
  let cert = s.getPeerCertificate(true) as tls.DetailedPeerCertificate | undefined;
  const seen = new Set<string>();
  while (cert && Object.keys(cert).length > 0 && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push({
      subject: name(cert.subject as unknown as Record<string, string>),
      issuer: name(cert.issuer as unknown as Record<string, string>),
      validFrom: cert.valid_from,
      validTo: cert.valid_to,
    });
    cert = cert.issuerCertificate;
  }
  const leaf = s.getPeerCertificate();
  const identity = leaf && Object.keys(leaf).length > 0 ? tls.checkServerIdentity(host, leaf) : undefined;
  const reason = s.authorizationError ? String(s.authorizationError) : undefined;
  return {
    trusted: s.authorized && !identity,
    ...(reason !== undefined && { reason }),
    ...(identity && { nameMismatch: true }),
    chain,
  };
}

function exchange(
  socket: tls.TLSSocket,
  target: URL,
  options: HttpOptions,
  common: Common,
): Promise<HttpResponse> {
  return new Promise((resolvePromise, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port || 443,
        path: `${target.pathname}${target.search}`,
        method: 'GET',
        headers: { Host: target.host, Connection: 'close', ...options.headers },
        createConnection: () => socket,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const max = options.maxBody ?? 1 << 20;
        res.on('data', (c: Buffer) => {
          if (size < max) chunks.push(c);
          size += c.length;
        });
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          }
          resolvePromise({
            ...common,
            ok: true,
            status: res.statusCode ?? 0,
            headers,
            body: Buffer.concat(chunks).subarray(0, max).toString('utf8'),
          });
        });
        res.on('error', (err: NodeJS.ErrnoException) =>
          reject(new StageError('http', `the response broke off (${err.code ?? err.message})`, err.code)),
        );
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      reject(new StageError('http', `the request failed (${err.code ?? err.message})`, err.code)),
    );
    req.end();
  });
}

/** Whether a body looks like an HTML page rather than the JSON or XML a service returns. */
export function looksLikeHtml(res: HttpResponse): boolean {
  const type = res.headers['content-type'] ?? '';
  if (/text\/html/i.test(type)) return true;
  return /^\s*(<!doctype\s+html|<html[\s>])/i.test(res.body);
}

/** The page's <title>, to name a block page in a finding. */
export function htmlTitle(body: string): string | undefined {
  const m = /<title[^>]*>([^<]{1,200})<\/title>/i.exec(body);
  return m?.[1]?.trim().replace(/\s+/g, ' ');
}
