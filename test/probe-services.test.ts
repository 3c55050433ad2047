// Each service check against HTTPS servers on 127.0.0.1 that answer as the real services do, and
// as they do when something in the path goes wrong.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkClock } from '../src/probe/clock.js';
import { createContext } from '../src/probe/context.js';
import { checkDiscovery, DSREG_HEADERS } from '../src/probe/discovery.js';
import { checkEndpoints } from '../src/probe/endpoints.js';
import { checkMex } from '../src/probe/mex.js';
import { checkRealm } from '../src/probe/realm.js';
import { checkTenant } from '../src/probe/tenant.js';
import {
  CONTOSO,
  fixture,
  hang,
  json,
  loopbackOptions,
  makePki,
  type Pki,
  startHttps,
  type TestServer,
  text,
} from './probe-helpers.js';

let pki: Pki;
let svc: TestServer;
let inspected: TestServer;

const obj = (name: string) => JSON.parse(fixture(name)) as unknown;
const xml = (name: string) => text(200, 'text/xml; charset=utf-8', fixture(name));
const block = text(200, 'text/html; charset=utf-8', fixture('proxy-block-page.html'));

beforeAll(async () => {
  pki = makePki();
  const routes = {
    '/': text(302, 'text/html', '', { Location: 'https://www.office.com/' }),
    '/contoso.com/discover': json(200, obj('discovery-contoso.json')),
    '/litware.com/discover': json(404, obj('discovery-tenant-not-found.json')),
    '/busy.com/discover': text(503, 'text/plain', 'Service Unavailable'),
    '/blocked.com/discover': block,
    '/slow.com/discover': hang,
    '/common/userrealm/?user=alice%40contoso.com': json(200, obj('userrealm-federated.json')),
    '/common/userrealm/?user=fabrikam.com': json(200, obj('userrealm-managed.json')),
    '/common/userrealm/?user=bob%40contoso.local': json(200, obj('userrealm-unknown.json')),
    '/common/userrealm/?user=tailspin.com': json(200, obj('userrealm-federated-samlp.json')),
    '/contoso.com/.well-known/openid-configuration': json(200, obj('openid-configuration-contoso.json')),
    '/litware.com/.well-known/openid-configuration': json(400, obj('openid-tenant-not-found.json')),
    '/adfs/services/trust/mex': xml('mex-adfs.xml'),
    '/dtd/mex': xml('mex-with-dtd.xml'),
    '/none/mex': xml('mex-no-endpoints.xml'),
    '/html/mex': block,
    '/skewed': json(200, {}, { Date: new Date(Date.now() - 20 * 60 * 1000).toUTCString() }),
  };
  svc = await startHttps(pki.server, routes);
  inspected = await startHttps(pki.intercept, routes);
});

afterAll(async () => {
  await Promise.all([svc?.close(), inspected?.close()]);
  pki?.cleanup();
});

const ctxFor = (base: string, timeoutMs = 3000) =>
  createContext(loopbackOptions(pki, { all: base }, { timeoutMs }));

describe('registration service discovery', () => {
  it('reads the tenant and join endpoint, sending the headers dsreg sends', async () => {
    const r = await checkDiscovery(ctxFor(svc.base), 'contoso.com');
    expect(r.facts).toEqual({ domain: 'contoso.com', tenantId: CONTOSO, tenantName: 'contoso.com' });
    expect(r.findings.map((f) => `${f.id} ${f.severity}`)).toEqual(['probe-drs-discovered info']);
    const seen = svc.requests.find((q) => q.url === '/contoso.com/discover?api-version=1.7');
    expect(seen?.headers['ocp-adrs-client-name']).toBe(DSREG_HEADERS['ocp-adrs-client-name']);
    expect(seen?.headers['user-agent']).toMatch(/^Dsreg\//);
  });

  it('maps an unknown domain to tenant not found', async () => {
    const r = await checkDiscovery(ctxFor(svc.base), 'litware.com');
    expect(r.findings.map((f) => f.id)).toEqual(['probe-drs-tenant-not-found']);
    expect(r.findings[0]?.codes.map((c) => c.name)).toEqual([
      'DSREG_AUTOJOIN_DISC_FAILED',
      'DSREG_DISCOVERY_TENANT_NOT_FOUND',
    ]);
    expect(r.findings[0]?.serverErrorCode).toBe('TenantNotFound');
  });

  it('maps 503 to server busy, an HTML page to E_INVALIDDATA, silence to the timeout code', async () => {
    const busy = await checkDiscovery(ctxFor(svc.base), 'busy.com');
    expect(busy.findings[0]?.codes.map((c) => c.name)).toContain('DSREG_SERVER_BUSY');
    const html = await checkDiscovery(ctxFor(svc.base), 'blocked.com');
    expect(html.findings.map((f) => f.id)).toEqual(['probe-html-instead-of-service']);
    expect(html.findings[0]?.codes.map((c) => c.name)).toEqual([
      'DSREG_AUTOJOIN_DISC_FAILED',
      'E_INVALIDDATA',
    ]);
    const slow = await checkDiscovery(ctxFor(svc.base, 300), 'slow.com');
    expect(slow.findings.map((f) => f.id)).toEqual(['probe-drs-timeout']);
    expect(slow.findings[0]?.codes.map((c) => c.name)).toEqual([
      'DSREG_AUTOJOIN_DISC_FAILED',
      'WININET_E_TIMEOUT',
    ]);
  });

  it('names TLS inspection and still reads the answer', async () => {
    const r = await checkDiscovery(ctxFor(inspected.base), 'contoso.com');
    expect(r.findings.map((f) => f.id)).toEqual(['probe-tls-inspection', 'probe-drs-discovered']);
  });
});

describe('realm discovery and MEX', () => {
  it('reads a federated realm, then the AD FS MEX, which has everything', async () => {
    const ctx = ctxFor(svc.base);
    const r = await checkRealm(ctx, 'alice@contoso.com');
    expect(r.facts).toMatchObject({ accountType: 'Federated', federationProtocol: 'WSTrust' });
    expect(r.findings.map((f) => f.id)).toEqual(['probe-realm-federated']);
    const mex = await checkMex(ctx, r.facts!.metadataUrl!);
    expect(mex.findings.map((f) => f.id)).toEqual(['probe-mex-ok']);
    expect(mex.facts?.endpoints).toHaveLength(8);
  });

  it('reads managed and unknown realms, and a federation that is not WS-Trust', async () => {
    const managed = await checkRealm(ctxFor(svc.base), 'fabrikam.com');
    expect(managed.findings.map((f) => f.id)).toEqual(['probe-realm-managed']);
    const unknown = await checkRealm(ctxFor(svc.base), 'bob@contoso.local');
    expect(unknown.findings.map((f) => `${f.id} ${f.severity}`)).toEqual([
      'probe-realm-unknown-domain error',
    ]);
    const saml = await checkRealm(ctxFor(svc.base), 'tailspin.com');
    expect(saml.findings.map((f) => f.id)).toEqual(['probe-realm-not-wstrust']);
    expect(saml.findings[0]?.codes[0]?.name).toBe('ERROR_ADAL_PROTOCOL_NOT_SUPPORTED');
  });

  it('reports a MEX with a DTD, one without the endpoints, and an HTML page in its place', async () => {
    const ctx = ctxFor(svc.base);
    const dtd = await checkMex(ctx, `${svc.base}/dtd/mex`);
    expect(dtd.findings.map((f) => f.id)).toEqual(['probe-mex-dtd']);
    expect(dtd.findings[0]?.codes[0]).toMatchObject({ hex: '0xc00cee4f', name: 'WC_E_DTDPROHIBITED' });
    const none = await checkMex(ctx, `${svc.base}/none/mex`);
    expect(none.findings.map((f) => f.id).sort()).toEqual([
      'probe-mex-no-certificate-url',
      'probe-mex-no-password-url',
      'probe-mex-no-windowstransport',
    ]);
    const html = await checkMex(ctx, `${svc.base}/html/mex`);
    expect(html.findings[0]?.codes[0]?.name).toBe('ERROR_ADAL_FAILED_TO_PARSE_XML');
  });
});

describe('tenant metadata', () => {
  it('reads the tenant ID from the issuer', async () => {
    const r = await checkTenant(ctxFor(svc.base), 'contoso.com');
    expect(r.facts).toEqual({ query: 'contoso.com', tenantId: CONTOSO });
  });
  it('maps AADSTS90002 to tenant not found', async () => {
    const r = await checkTenant(ctxFor(svc.base), 'litware.com');
    expect(r.facts).toEqual({ query: 'litware.com', notFound: true });
    expect(r.findings[0]).toMatchObject({ id: 'probe-tenant-not-found', serverErrorCode: 'AADSTS90002' });
  });
});

describe('endpoints', () => {
  it('reports each host reachable with status and time', async () => {
    const f = await checkEndpoints(ctxFor(svc.base));
    expect(f).toHaveLength(4);
    expect(f.every((x) => x.id === 'probe-endpoint-reachable')).toBe(true);
    expect(f[0]?.title).toMatch(/^127\.0\.0\.1:\d+ is reachable directly: HTTP 302 in \d+ ms$/);
  });
  it('names TLS inspection on every host', async () => {
    const f = await checkEndpoints(ctxFor(inspected.base), ['registration', 'deviceLogin']);
    expect(f.map((x) => `${x.id} ${x.phase}`)).toEqual([
      'probe-tls-inspection discover',
      'probe-tls-inspection post-join',
    ]);
  });
});

describe('clock', () => {
  it('finds a skewed clock from Date headers', async () => {
    const ctx = ctxFor(svc.base);
    await ctx.get(`${svc.base}/skewed`);
    const f = checkClock(ctx.dates);
    expect(f[0]?.id).toBe('probe-clock-skew');
    expect(f[0]?.title).toBe('The local clock is 20 minutes ahead of the servers');
  });
  it('is content with a clock that agrees', async () => {
    const ctx = ctxFor(svc.base);
    await ctx.get(`${svc.base}/contoso.com/.well-known/openid-configuration`);
    expect(checkClock(ctx.dates)[0]?.id).toBe('probe-clock-ok');
  });
});
