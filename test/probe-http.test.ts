// The HTTPS client against real servers on 127.0.0.1: a good answer, TLS inspection, a certificate
// for another name, a refused connection, a hung server, proxies that tunnel, ask for 407 or refuse.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { httpsGet, proxyFor, safeProxy } from '../src/probe/http.js';
import {
  failureFindings,
  type Target,
  tlsFindings,
  transportFindings,
} from '../src/probe/network-findings.js';
import {
  closedPort,
  fixture,
  hang,
  json,
  makePki,
  type Pki,
  startHttps,
  startProxy,
  type TestProxy,
  type TestServer,
  text,
} from './probe-helpers.js';

let pki: Pki;
let good: TestServer;
let intercepted: TestServer;
let wrongName: TestServer;
let tunnel: TestProxy;
let auth: TestProxy;
let deny: TestProxy;

const target: Target = {
  probe: 'probe:test',
  label: 'the test service',
  phase: 'discover',
  family: 'wininet',
  id: 'probe-test',
  docs: [],
};

beforeAll(async () => {
  pki = makePki();
  const routes = {
    '/json': json(200, { ok: true }),
    '/block': text(200, 'text/html; charset=utf-8', fixture('proxy-block-page.html')),
    '/407': text(407, 'text/html', '<html>auth</html>', { 'Proxy-Authenticate': 'NTLM, Basic realm="gw"' }),
    '/slow': hang,
  };
  good = await startHttps(pki.server, routes);
  intercepted = await startHttps(pki.intercept, routes);
  wrongName = await startHttps(pki.wrongName, routes);
  tunnel = await startProxy('tunnel');
  auth = await startProxy('auth');
  deny = await startProxy('deny');
});

afterAll(async () => {
  await Promise.all([good, intercepted, wrongName, tunnel, auth, deny].map((s) => s?.close()));
  pki?.cleanup();
});

describe('httpsGet', () => {
  it('gets a trusted answer with status, headers, chain and time', async () => {
    const r = await httpsGet(`${good.base}/json`, { timeoutMs: 3000, trustedRoots: [pki.rootPem] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ok: true });
    expect(r.tls?.trusted).toBe(true);
    expect(r.tls?.chain[0]?.issuer).toContain('Test Public Root CA');
    expect(r.address).toBe('127.0.0.1');
    expect(transportFindings(target, r, 'JSON')).toEqual([]);
  });

  it('names TLS inspection when the issuer is outside the trusted roots', async () => {
    const r = await httpsGet(`${intercepted.base}/json`, { timeoutMs: 3000, trustedRoots: [pki.rootPem] });
    expect(r.ok && r.tls?.trusted).toBe(false);
    const f = tlsFindings(target, r);
    expect(f.map((x) => x.id)).toEqual(['probe-tls-inspection']);
    expect(f[0]?.title).toContain('Contoso TLS Inspection CA');
    expect(f[0]?.codes[0]).toEqual({
      hex: '0x80072f8f',
      name: 'WININET_E_DECODING_FAILED',
      signed: -2147012721,
    });
  });

  it('names a certificate for another host', async () => {
    const r = await httpsGet(`${wrongName.base}/json`, { timeoutMs: 3000, trustedRoots: [pki.rootPem] });
    expect(tlsFindings(target, r).map((x) => x.id)).toEqual(['probe-test-certificate-name']);
  });

  it('names an HTML block page where JSON is expected, and a 407 from the server', async () => {
    const block = await httpsGet(`${good.base}/block`, { timeoutMs: 3000, trustedRoots: [pki.rootPem] });
    const f = transportFindings(target, block, 'JSON');
    expect(f.map((x) => x.id)).toEqual(['probe-html-instead-of-service']);
    expect(f[0]?.title).toContain('Access Denied - Contoso Web Gateway');
    expect(f[0]?.codes[0]?.name).toBe('E_INVALIDDATA');
    const r407 = await httpsGet(`${good.base}/407`, { timeoutMs: 3000, trustedRoots: [pki.rootPem] });
    const g = transportFindings(target, r407, 'JSON');
    expect(g.map((x) => x.id)).toEqual(['probe-proxy-auth-required']);
    expect(g[0]?.evidence[1]?.text).toBe('Proxy-Authenticate schemes offered: NTLM, Basic');
  });

  it('fails at the TCP stage on a closed port', async () => {
    const port = await closedPort();
    const r = await httpsGet(`https://127.0.0.1:${port}/`, { timeoutMs: 3000 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.stage).toBe('tcp');
    expect(r.code).toBe('ECONNREFUSED');
    expect(failureFindings(target, r)[0]?.codes[0]?.name).toBe('WININET_E_CANNOT_CONNECT');
  });

  // The limit given is the one timer the exchange sets, and its firing is what ends it (a hang is
  // caught by the test's own time limit).
  it('times out on a server that never answers, at the limit it is given', { timeout: 10_000 }, async () => {
    const timers = vi.spyOn(globalThis, 'setTimeout');
    let r: Awaited<ReturnType<typeof httpsGet>>;
    try {
      r = await httpsGet(`${good.base}/slow`, { timeoutMs: 400, trustedRoots: [pki.rootPem] });
      expect(timers.mock.calls.filter(([, ms]) => ms === 400)).toHaveLength(1);
    } finally {
      timers.mockRestore();
    }
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.timedOut).toBe(true);
    expect(r.stage).toBe('http');
    const f = failureFindings(target, r);
    expect(f[0]?.id).toBe('probe-test-timeout');
    expect(f[0]?.title).toContain('the HTTP exchange');
    expect(f[0]?.codes[0]?.name).toBe('WININET_E_TIMEOUT');
  });

  it('tunnels through a CONNECT proxy', async () => {
    const r = await httpsGet(`${good.base}/json`, {
      timeoutMs: 3000,
      trustedRoots: [pki.rootPem],
      proxy: tunnel.url,
    });
    expect(r.ok && r.status).toBe(200);
    expect(r.proxy).toBe(tunnel.url);
    expect(tunnel.connects).toContain(`127.0.0.1:${good.port}`);
  });

  it('reports a proxy that demands authentication, with its schemes, and sends no credentials', async () => {
    const r = await httpsGet(`${good.base}/json`, { timeoutMs: 3000, proxy: auth.url });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.stage).toBe('proxy');
    expect(r.proxyStatus).toBe(407);
    expect(r.proxyAuth).toEqual(['Negotiate', 'NTLM']);
    const f = failureFindings(target, r);
    expect(f[0]?.id).toBe('probe-proxy-auth-required');
    expect(f[0]?.cause).toContain('silently');
  });

  it('reports a proxy that refuses the tunnel', async () => {
    const r = await httpsGet(`${good.base}/json`, { timeoutMs: 3000, proxy: deny.url });
    expect(r.ok || failureFindings(target, r)[0]?.id).toBe('probe-test-proxy-refused');
  });

  it('refuses plain http:// addresses', async () => {
    const r = await httpsGet('http://127.0.0.1:9/', { timeoutMs: 1000 });
    expect(r.ok).toBe(false);
  });
});

describe('proxy selection', () => {
  it('prefers --proxy, then HTTPS_PROXY, and honours NO_PROXY', () => {
    const env = { HTTPS_PROXY: 'http://envproxy:3128', NO_PROXY: 'localhost,.contoso.com' };
    expect(proxyFor('https://login.microsoftonline.com/', 'http://p:1', env)).toBe('http://p:1');
    expect(proxyFor('https://login.microsoftonline.com/', undefined, env)).toBe('http://envproxy:3128');
    expect(proxyFor('https://sts.contoso.com/adfs', undefined, env)).toBeUndefined();
    expect(proxyFor('https://contoso.com/', undefined, env)).toBeUndefined();
    expect(
      proxyFor('https://x.test/', undefined, { https_proxy: 'http://low:1', NO_PROXY: '*' }),
    ).toBeUndefined();
    expect(proxyFor('https://x.test/', undefined, {})).toBeUndefined();
  });
  it('never prints proxy credentials', () => {
    expect(safeProxy('http://user:secret@proxy.contoso.com:8080')).toBe('http://proxy.contoso.com:8080');
  });
});
