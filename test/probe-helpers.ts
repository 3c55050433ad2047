// Test-only infrastructure for the probe tests: a throw-away PKI made with openssl at run time (a
// "public" test root, a TLS-inspection root, server certificates for 127.0.0.1), HTTPS servers on
// 127.0.0.1 serving the services' shapes and failure modes, and HTTP CONNECT proxies. Nothing here
// ever listens on or connects to anything but loopback.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProbeOptions, ServiceEndpoints } from '../src/probe/types.js';

export const FIXTURES = 'test/fixtures/probe';

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

export interface Pki {
  dir: string;
  /** The root that plays a public root (what the probe trusts in tests). */
  rootPem: string;
  server: { cert: string; key: string };
  /** A certificate for 127.0.0.1 from an inspection CA that is not in the trusted set. */
  intercept: { cert: string; key: string; caPem: string };
  /** A certificate for 127.0.0.1 that names another host. */
  wrongName: { cert: string; key: string };
  cleanup(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeRoot(dir: string, name: string, subject: string): void {
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-subj',
    subject,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

function makeLeaf(dir: string, name: string, ca: string, subject: string, san: string): void {
  writeFileSync(
    join(dir, `${name}.ext`),
    `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature\n`,
  );
  openssl(dir, [
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
  ]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  ]);
}

/** Makes the test PKI with openssl (fails loudly when openssl is missing). */
export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'dsreg-probe-pki-'));
  makeRoot(dir, 'root', '/O=dsreg-doctor tests/CN=Test Public Root CA');
  makeRoot(dir, 'inspect', '/O=Contoso Web Gateway/CN=Contoso TLS Inspection CA');
  makeLeaf(dir, 'server', 'root', '/CN=127.0.0.1', 'IP:127.0.0.1,IP:::1');
  makeLeaf(dir, 'intercept', 'inspect', '/CN=127.0.0.1', 'IP:127.0.0.1,IP:::1');
  makeLeaf(dir, 'wrongname', 'root', '/CN=elsewhere.test', 'DNS:elsewhere.test');
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return {
    dir,
    rootPem: read('root.pem'),
    server: { cert: read('server.pem'), key: read('server.key') },
    intercept: {
      cert: `${read('intercept.pem')}${read('inspect.pem')}`,
      key: read('intercept.key'),
      caPem: read('inspect.pem'),
    },
    wrongName: { cert: read('wrongname.pem'), key: read('wrongname.key') },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, base: string) => void;

export interface TestServer {
  base: string;
  port: number;
  /** Every request line seen, with its headers, for assertions. */
  requests: { url: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** An HTTPS server on 127.0.0.1 routing by path prefix (longest first); 404 otherwise. */
export async function startHttps(
  tls: { cert: string; key: string },
  routes: Record<string, Handler>,
): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const sockets = new Set<net.Socket>();
  let base = '';
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    const path = req.url ?? '/';
    const key = Object.keys(routes)
      .sort((a, b) => b.length - a.length)
      .find((p) => path.startsWith(p));
    if (key) routes[key]!(req, res, base);
    else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    }
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  base = `https://127.0.0.1:${port}`;
  return {
    base,
    port,
    requests,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Handler {
  return (_req, res, base) => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body).replaceAll('{{BASE}}', base));
  };
}

export function text(
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
): Handler {
  return (_req, res, base) => {
    res.writeHead(status, { 'Content-Type': type, ...headers });
    res.end(body.replaceAll('{{BASE}}', base));
  };
}

/** Never answers (until the server closes): the slow-server case. */
export const hang: Handler = () => undefined;

export interface TestProxy {
  url: string;
  connects: string[];
  close(): Promise<void>;
}

/**
 * An HTTP CONNECT proxy on 127.0.0.1. `mode` 'tunnel' connects to the requested 127.0.0.1 port;
 * 'auth' answers 407 with Negotiate and NTLM (or the given schemes); 'deny' answers 403.
 */
export async function startProxy(
  mode: 'tunnel' | 'auth' | 'deny',
  schemes: string[] = ['Negotiate', 'NTLM'],
): Promise<TestProxy> {
  const connects: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req, client: net.Socket, head: Buffer) => {
    const target = req.url ?? '';
    connects.push(target);
    if (mode === 'auth') {
      client.end(
        `HTTP/1.1 407 Proxy Authentication Required\r\n${schemes.map((s) => `Proxy-Authenticate: ${s}\r\n`).join('')}Content-Length: 0\r\n\r\n`,
      );
      return;
    }
    const m = /^(127\.0\.0\.1|\[::1\]):(\d+)$/.exec(target);
    if (mode === 'deny' || !m) {
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const upstream = net.connect(Number(m[2]), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A loopback port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Probe options where every service lives on loopback and the test root plays the public roots. */
export function loopbackOptions(
  pki: Pki,
  endpoints: Partial<ServiceEndpoints> & { all?: string },
  extra: Partial<ProbeOptions> = {},
): ProbeOptions {
  const all = endpoints.all ?? 'https://127.0.0.1:9';
  return {
    cloud: 'public',
    timeoutMs: 3000,
    env: {},
    trustedRoots: [pki.rootPem],
    endpoints: {
      registration: endpoints.registration ?? all,
      login: endpoints.login ?? all,
      deviceLogin: endpoints.deviceLogin ?? all,
      autologon: endpoints.autologon ?? all,
    },
    ...extra,
  };
}

/** The tenant of contoso.com in the fixtures (openid-configuration-contoso.json, discovery-contoso.json). */
export const CONTOSO = '8e2f4d1c-3b6a-4c7e-9f10-2a5b6c7d8e9f';

/** The services of a healthy contoso.com: discovery, a federated realm, tenant metadata and its MEX. */
export function contosoRoutes(mex = 'mex-adfs.xml'): Record<string, Handler> {
  return {
    '/': text(302, 'text/html', ''),
    '/contoso.com/discover': json(200, JSON.parse(fixture('discovery-contoso.json'))),
    '/common/userrealm/': json(200, JSON.parse(fixture('userrealm-federated.json'))),
    '/contoso.com/.well-known/openid-configuration': json(
      200,
      JSON.parse(fixture('openid-configuration-contoso.json')),
    ),
    '/adfs/services/trust/mex': text(200, 'text/xml', fixture(mex)),
  };
}

/** The test-only DSREG_DOCTOR_TEST_ENDPOINTS value that points every service at `base`. */
export function testEndpoints(base: string, rootsFile = 'roots.pem'): string {
  return JSON.stringify({ registration: base, login: base, deviceLogin: base, autologon: base, rootsFile });
}
