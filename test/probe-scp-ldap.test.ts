// The SCP over LDAP against a real directory: Debian's slapd, started here on a loopback port with
// the test forests of test/fixtures/probe/ldap (a right SCP, one naming another tenant, one
// missing, one the test account may not read). These tests fail, not skip, when slapd is missing:
// CI installs it (apt-get install slapd ldap-utils).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LDAP_PASSWORD_ENV, TEST_ENDPOINTS_ENV } from '../src/cli/commands/probe.js';
import { main } from '../src/cli/main.js';
import { runProbes } from '../src/probe/run.js';
import { checkScpLdap, parseLdapUrl } from '../src/probe/scp-ldap.js';
import { memoryIO } from './helpers.js';
import {
  CONTOSO,
  closedPort,
  fixture,
  json,
  loopbackOptions,
  makePki,
  type Pki,
  startHttps,
  type TestServer,
  testEndpoints,
} from './probe-helpers.js';

const USER = 'CN=reader,CN=Users,DC=contoso,DC=com';
const PASSWORD = 'reader-test-only-1';

let pki: Pki;
let dir: string;
let port: number;
let slapd: ChildProcess | undefined;
let log = '';

async function waitForPort(p: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (slapd?.exitCode !== null && slapd?.exitCode !== undefined) {
      throw new Error(`the test directory server exited with ${slapd.exitCode}: ${log.trim()}`);
    }
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(p, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the test directory server did not listen on ${p}: ${log.trim()}`);
}

beforeAll(async () => {
  pki = makePki();
  dir = mkdtempSync(join(tmpdir(), 'dsreg-probe-ldap-'));
  port = await closedPort();
  slapd = spawn(
    'bash',
    [
      'scripts/ldap-test-server.sh',
      dir,
      String(port),
      join(pki.dir, 'server.pem'),
      join(pki.dir, 'server.key'),
      join(pki.dir, 'root.pem'),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  slapd.stdout?.on('data', (d) => {
    log += String(d);
  });
  slapd.stderr?.on('data', (d) => {
    log += String(d);
  });
  await waitForPort(port, 10000);
}, 20000);

afterAll(async () => {
  if (slapd && slapd.exitCode === null) {
    const exited = new Promise((r) => slapd?.once('exit', r));
    slapd.kill('SIGTERM');
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
  pki?.cleanup();
});

const url = (dn = '') => `ldap://127.0.0.1:${port}${dn ? `/${encodeURIComponent(dn)}` : ''}`;

describe('parseLdapUrl', () => {
  it('splits server and forest root', () => {
    expect(parseLdapUrl('ldaps://dc1.contoso.com:636/DC=contoso,DC=com')).toEqual({
      server: 'ldaps://dc1.contoso.com:636',
      host: 'dc1.contoso.com',
      secure: true,
      baseDn: 'DC=contoso,DC=com',
    });
    expect(parseLdapUrl('ldap://dc1')).toEqual({ server: 'ldap://dc1', host: 'dc1', secure: false });
    expect(() => parseLdapUrl('http://dc1')).toThrow(/not an LDAP URL/);
  });
});

describe('checkScpLdap against slapd', () => {
  it('finds the configuration naming context in RootDSE and reads the right SCP (anonymous)', async () => {
    const r = await checkScpLdap({ url: url() }, 3000);
    expect(r.findings.map((f) => f.id)).toEqual(['probe-scp-found']);
    expect(r.facts).toMatchObject({ kind: 'ad', tenantId: CONTOSO, tenantName: 'contoso.com' });
    expect(r.findings[0]?.evidence.map((e) => e.text).join('\n')).toContain(
      'RootDSE: configurationNamingContext CN=Configuration,DC=contoso,DC=com',
    );
  });

  it('binds over StartTLS with the directory CA, then reads', async () => {
    const r = await checkScpLdap({ url: url(), user: USER, password: PASSWORD, ca: [pki.rootPem] }, 3000);
    expect(r.findings.map((f) => f.id)).toEqual(['probe-scp-found']);
    const trail = r.findings[0]?.evidence.map((e) => e.text) ?? [];
    expect(trail).toContain(`ldap://127.0.0.1:${port}: StartTLS done`);
    expect(trail).toContain(`bound as ${USER}`);
  });

  it('does not send the password when StartTLS cannot be trusted', async () => {
    const r = await checkScpLdap({ url: url(), user: USER, password: PASSWORD }, 3000);
    expect(r.findings.map((f) => f.id)).toEqual(['probe-ldap-no-tls']);
    expect(r.findings[0]?.title).toContain('the password was not sent');
  });

  it('reads the SCP of the forest named in the URL: another tenant', async () => {
    const r = await checkScpLdap({ url: url('DC=fabrikam,DC=com') }, 3000);
    expect(r.facts).toMatchObject({
      tenantId: '5b1a9c3e-7d2f-4e8a-b6c4-0f9e8d7c6b5a',
      tenantName: 'contoso.com',
    });
  });

  it('reports a forest without an SCP', async () => {
    const r = await checkScpLdap({ url: url('DC=litware,DC=com') }, 3000);
    expect(r.findings.map((f) => `${f.id} ${f.severity}`)).toEqual(['probe-scp-missing error']);
    expect(r.findings[0]?.codes[0]?.name).toBe('DSREG_AUTOJOIN_ADCONFIG_READ_FAILED');
  });

  it('reports an SCP the account may not read', async () => {
    const r = await checkScpLdap(
      { url: url('DC=locked,DC=com'), user: USER, password: PASSWORD, ca: [pki.rootPem] },
      3000,
    );
    expect(r.findings.map((f) => `${f.id} ${f.severity}`)).toEqual(['probe-scp-unreadable error']);
    expect(r.findings[0]?.title).toContain(USER);
  });

  it('reports a rejected bind', async () => {
    const r = await checkScpLdap({ url: url(), user: USER, password: 'wrong', ca: [pki.rootPem] }, 3000);
    expect(r.findings.map((f) => f.id)).toEqual(['probe-ldap-bind-failed']);
  });

  // With a limit of 600 s, finishing within the test's own (15 s) shows the refusal is not waited out.
  it('reports a directory that refuses the connection, without waiting out the time limit', {
    timeout: 15_000,
  }, async () => {
    const r = await checkScpLdap({ url: `ldap://127.0.0.1:${await closedPort()}` }, 600_000);
    expect(r.findings.map((f) => f.id)).toEqual(['probe-ldap-unreachable']);
    expect(r.findings[0]?.title).toMatch(/^Cannot reach the directory at /);
  });
});

describe('the SCP checked against the tenant that owns its domain', () => {
  let login: TestServer;
  beforeAll(async () => {
    login = await startHttps(pki.server, {
      '/common/userrealm/': json(
        200,
        JSON.parse(fixture('userrealm-managed.json').replace('fabrikam.com', 'contoso.com')),
      ),
      '/contoso.com/.well-known/openid-configuration': json(
        200,
        JSON.parse(fixture('openid-configuration-contoso.json')),
      ),
    });
  });
  afterAll(() => login?.close());

  it('agrees for the right SCP and flags the wrong tenant', async () => {
    const opts = loopbackOptions(pki, { all: login.base });
    const right = await runProbes({ ldap: { url: url() }, endpoints: [], checks: ['realm', 'tenant'] }, opts);
    expect(right.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(right.map((f) => f.id)).toContain('probe-scp-consistent');

    const wrong = await runProbes(
      { ldap: { url: url('DC=fabrikam,DC=com') }, endpoints: [], checks: ['realm', 'tenant'] },
      opts,
    );
    const f = wrong.find((x) => x.id === 'probe-scp-wrong-tenant');
    expect(f?.title).toContain(`contoso.com belongs to tenant ${CONTOSO}`);
    expect(f?.codes[0]?.name).toBe('DSREG_DISCOVERY_TENANT_NOT_FOUND');
  });

  it('works from the command line, the password from the environment', async () => {
    const m = memoryIO({ 'ca.pem': pki.rootPem, 'roots.pem': pki.rootPem });
    m.io.now = () => new Date();
    m.io.env = {
      [LDAP_PASSWORD_ENV]: PASSWORD,
      [TEST_ENDPOINTS_ENV]: testEndpoints(login.base),
    };
    const args = ['probe', '--ldap', url('DC=fabrikam,DC=com'), '--ldap-user', USER, '--ldap-ca', 'ca.pem'];
    expect(await main([...args, '--format', 'json'], m.io)).toBe(1);
    expect(m.err()).toBe('');
    const d = JSON.parse(m.out());
    expect(d.findings.map((f: { id: string }) => f.id)).toContain('probe-scp-wrong-tenant');
    expect(m.out()).not.toContain(PASSWORD);
  });
});
