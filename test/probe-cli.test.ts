// `dsreg-doctor probe` in-process: services on 127.0.0.1 (through the test-only endpoint override),
// JSON valid against the diagnosis contract, exit codes, and one-line usage errors.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LDAP_PASSWORD_ENV, TEST_ENDPOINTS_ENV } from '../src/cli/commands/probe.js';
import { main } from '../src/cli/main.js';
import { memoryIO } from './helpers.js';
import {
  CONTOSO,
  closedPort,
  fixture,
  json,
  makePki,
  type Pki,
  startHttps,
  startProxy,
  type TestProxy,
  type TestServer,
  testEndpoints,
  text,
} from './probe-helpers.js';
import { contract } from './schema.js';

const validDiagnosis = contract('diagnosis');
let pki: Pki;
let svc: TestServer;
let authProxy: TestProxy;

beforeAll(async () => {
  pki = makePki();
  svc = await startHttps(pki.server, {
    '/': text(302, 'text/html', ''),
    '/contoso.com/discover': json(200, JSON.parse(fixture('discovery-contoso.json'))),
    '/litware.com/discover': json(404, JSON.parse(fixture('discovery-tenant-not-found.json'))),
    '/common/userrealm/?user=litware.com': json(200, JSON.parse(fixture('userrealm-unknown.json'))),
    '/common/userrealm/': json(200, JSON.parse(fixture('userrealm-federated.json'))),
    '/contoso.com/.well-known/openid-configuration': json(
      200,
      JSON.parse(fixture('openid-configuration-contoso.json')),
    ),
    '/litware.com/.well-known/openid-configuration': json(
      400,
      JSON.parse(fixture('openid-tenant-not-found.json')),
    ),
    '/adfs/services/trust/mex': text(200, 'text/xml', fixture('mex-adfs.xml')),
  });
  authProxy = await startProxy('auth', ['Basic realm="gateway"']);
});

afterAll(async () => {
  await Promise.all([svc?.close(), authProxy?.close()]);
  pki?.cleanup();
});

function cli(files: Record<string, string> = {}, env: Record<string, string> = {}) {
  const m = memoryIO({ 'roots.pem': pki.rootPem, ...files });
  m.io.env = {
    [TEST_ENDPOINTS_ENV]: testEndpoints(svc.base),
    ...env,
  };
  m.io.now = () => new Date();
  return m;
}

describe('probe command', () => {
  it('prints a healthy diagnosis as JSON and exits 0', async () => {
    const m = cli();
    const code = await main(
      ['probe', '--upn', 'alice@contoso.com', '--tenant', CONTOSO, '--format', 'json'],
      m.io,
    );
    expect(m.err()).toBe('');
    const d = JSON.parse(m.out());
    expect(validDiagnosis(d)).toBe('');
    expect(d).toMatchObject({ schemaVersion: 1, verdict: 'healthy', joinType: 'unknown', phase: null });
    expect(d.findings.map((f: { id: string }) => f.id)).toEqual(
      expect.arrayContaining([
        'probe-drs-discovered',
        'probe-realm-federated',
        'probe-mex-ok',
        'probe-tenant-match',
      ]),
    );
    // Each finding names the live check that made it.
    const rules = Object.fromEntries(d.findings.map((f: { id: string; rule: string }) => [f.id, f.rule]));
    expect(rules).toMatchObject({ 'probe-realm-federated': 'probe-realm', 'probe-mex-ok': 'probe-mex' });
    expect(code).toBe(0);
  });

  it('exits 1 with the discover phase for a domain no tenant owns', async () => {
    const m = cli();
    const code = await main(['probe', '--domain', 'litware.com', '--format', 'json'], m.io);
    const d = JSON.parse(m.out());
    expect(validDiagnosis(d)).toBe('');
    expect(d.verdict).toBe('failed');
    expect(d.phase).toBe('discover');
    expect(d.findings.slice(0, 3).map((f: { id: string }) => f.id)).toEqual([
      'probe-drs-tenant-not-found',
      'probe-realm-unknown-domain',
      'probe-tenant-not-found',
    ]);
    expect(d.nextSteps.length).toBeGreaterThan(0);
    expect(code).toBe(1);
  });

  it('prints text with codes, evidence and fixes', async () => {
    const m = cli();
    expect(await main(['probe', '--domain', 'litware.com'], m.io)).toBe(1);
    const out = m.out();
    expect(out).toMatch(/^dsreg-doctor probe: litware\.com \(public cloud\), done in \d+ ms\n/);
    expect(out).toContain('Verdict    FAILED in the discover phase');
    expect(out).toContain('ERROR [discover] Discovery for litware.com found no tenant');
    expect(out).toMatch(
      /Codes {5}0x801c0021 DSREG_AUTOJOIN_DISC_FAILED \(-2145648607\)\n {12}0x801c003a DSREG_DISCOVERY_TENANT_NOT_FOUND/,
    );
    expect(out).toMatch(/probe:drs-discovery\n {6}GET https:\/\/127\.0\.0\.1:\d+\/litware\.com\/discover/);
    expect(out).toMatch(/ {2}Fix {7}- /);
    for (const line of out.split('\n')) if (line.length > 80) expect(line).toMatch(/https?:\/\/\S+$/);
  });

  it('takes -f json as --format json, and -o writes the result to a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsreg-probe-out-'));
    try {
      const a = cli();
      expect(await main(['probe', '--domain', 'litware.com', '-f', 'json'], a.io)).toBe(1);
      const d = JSON.parse(a.out());
      expect(validDiagnosis(d)).toBe('');
      expect(d.phase).toBe('discover');
      const file = join(dir, 'probe.txt');
      const b = cli();
      expect(await main(['probe', '--domain', 'litware.com', '-o', file, '--color'], b.io)).toBe(1);
      expect(b.out()).toBe('');
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('Verdict    FAILED in the discover phase');
      // Into a file: no colour, whatever --color says.
      expect(text).not.toContain('\u001b[');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads offline SCP files and checks them against the tenant', async () => {
    const m = cli({
      'scp.ldf': fixture('scp/ldifde-contoso.ldf'),
      'q.txt': fixture('scp/reg-query-cdj-aad.txt'),
    });
    const code = await main(
      ['probe', '--scp-file', 'scp.ldf', '--scp-file', 'q.txt', '--format', 'json'],
      m.io,
    );
    const d = JSON.parse(m.out());
    expect(validDiagnosis(d)).toBe('');
    const ids = d.findings.map((f: { id: string }) => f.id);
    expect(ids).toContain('probe-scp-found');
    expect(ids).toContain('probe-scp-registry-found');
    expect(ids).toContain('probe-scp-registry-overrides');
    expect(d.sources).toEqual(['probe', 'scp.ldf', 'q.txt']);
    expect(code).toBe(1);
  });

  it('names a proxy that wants Basic authentication (--proxy), without sending any', async () => {
    const m = cli();
    const code = await main(['probe', '--proxy', authProxy.url, '--format', 'json'], m.io);
    const d = JSON.parse(m.out());
    expect(d.findings[0].id).toBe('probe-proxy-auth-required');
    expect(d.findings[0].cause).toContain('cannot give without a prompt');
    expect(code).toBe(1);
  });

  it('takes the proxy from HTTPS_PROXY, and NO_PROXY bypasses it', async () => {
    const viaEnv = cli({}, { HTTPS_PROXY: authProxy.url });
    await main(['probe', '--format', 'json'], viaEnv.io);
    expect(JSON.parse(viaEnv.out()).findings[0].id).toBe('probe-proxy-auth-required');
    const bypass = cli({}, { HTTPS_PROXY: authProxy.url, NO_PROXY: '127.0.0.1' });
    expect(await main(['probe', '--format', 'json'], bypass.io)).toBe(0);
  });

  // With a time limit of 600 s per check, finishing within the test's own limit (15 s) shows that a
  // refused connection is reported at once, never waited out.
  it('finishes without waiting out the time limit, with clear findings, when nothing answers', {
    timeout: 15_000,
  }, async () => {
    const port = await closedPort();
    const m = cli();
    m.io.env[TEST_ENDPOINTS_ENV] = JSON.stringify({
      registration: `https://127.0.0.1:${port}`,
      login: `https://127.0.0.1:${port}`,
      deviceLogin: `https://127.0.0.1:${port}`,
      autologon: `https://127.0.0.1:${port}`,
    });
    expect(await main(['probe', '--upn', 'someone@contoso.com', '--timeout', '600'], m.io)).toBe(1);
    expect(m.out()).toContain('the connection was refused or the network is unreachable');
    expect(m.out()).not.toMatch(/timed out|time limit/i);
  });
});

describe('probe usage errors (exit 2, one line)', () => {
  const cases: [string[], RegExp][] = [
    [['--timeout', 'soon'], /--timeout must be a number of seconds/],
    [['--upn', 'alice'], /--upn must look like user@domain\.com/],
    [['--domain', 'CONTOSO'], /--domain must be a DNS domain name/],
    [['--proxy', 'socks5://p:1080'], /--proxy must be an http:\/\/host:port URL/],
    [['--ldap', 'dc1.contoso.com'], /--ldap must be ldap:\/\/host or ldaps:\/\/host/],
    [['--ldap-user', 'x'], /--ldap-user needs --ldap/],
    [['--scp-file', 'missing.ldf'], /missing\.ldf: no such file/],
  ];
  for (const [args, re] of cases) {
    it(args.join(' '), async () => {
      const m = cli();
      expect(await main(['probe', ...args], m.io)).toBe(2);
      expect(m.err()).toMatch(re);
      expect(m.err().trim().split('\n')).toHaveLength(1);
      expect(m.out()).toBe('');
    });
  }

  it('rejects an unknown cloud', async () => {
    const m = cli();
    expect(await main(['probe', '--cloud', 'mars'], m.io)).toBe(2);
    expect(m.err()).toMatch(/--cloud/);
  });

  it('never takes the LDAP password from the command line', async () => {
    const m = cli();
    expect(await main(['probe', '--ldap', 'ldap://127.0.0.1:9', '--ldap-user', 'reader'], m.io)).toBe(2);
    expect(m.err()).toContain(LDAP_PASSWORD_ENV);
  });

  it('says --local works only on Windows', async () => {
    const m = cli();
    expect(await main(['probe', '--local'], m.io)).toBe(2);
    expect(m.err()).toMatch(/works only on Windows \(this is linux\)/);
  });
});
