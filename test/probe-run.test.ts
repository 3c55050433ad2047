// The orchestration: which probes run for a request and for a capture's failing phase, how
// failures against one host are said once, and how fast an unreachable network is reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBE_CHECKS } from '../src/probe/checks.js';
import { mergeTransportFailures, planForPhase, probeForDiagnosis, runProbes } from '../src/probe/run.js';
import {
  CONTOSO,
  closedPort,
  contosoRoutes,
  fixture,
  json,
  loopbackOptions,
  makePki,
  type Pki,
  startHttps,
  type TestServer,
} from './probe-helpers.js';

let pki: Pki;
let svc: TestServer;

beforeAll(async () => {
  pki = makePki();
  svc = await startHttps(pki.server, contosoRoutes('mex-13-only.xml'));
});

afterAll(async () => {
  await svc?.close();
  pki?.cleanup();
});

const paths = () => svc.requests.map((r) => r.url.replace(/\?.*$/, ''));

describe('runProbes', () => {
  it('runs everything a UPN calls for, most severe first', async () => {
    svc.requests.length = 0;
    const f = await runProbes(
      { upn: 'alice@contoso.com', tenant: CONTOSO },
      loopbackOptions(pki, { all: svc.base }),
    );
    expect(new Set(paths())).toEqual(
      new Set([
        '/',
        '/contoso.com/discover',
        '/common/userrealm/',
        '/contoso.com/.well-known/openid-configuration',
        '/adfs/services/trust/mex',
      ]),
    );
    expect(f[0]?.id).toBe('probe-mex-missing-version');
    expect(f.map((x) => x.id)).toContain('probe-tenant-match');
    expect(f.map((x) => x.id)).toContain('probe-clock-ok');
    expect(f.filter((x) => x.severity === 'error')).toEqual([]);
    // Each finding names the check that made it, as a rule's findings name the rule.
    const rules = Object.fromEntries(f.map((x) => [x.id, x.rule]));
    expect(rules['probe-endpoint-reachable']).toBe('probe-endpoints');
    expect(rules['probe-drs-discovered']).toBe('probe-drs-discovery');
    expect(rules['probe-mex-missing-version']).toBe('probe-mex');
    expect(rules['probe-tenant-match']).toBe('probe-scp-check');
    expect(rules['probe-clock-ok']).toBe('probe-clock');
    for (const x of f) expect(Object.keys(PROBE_CHECKS), x.id).toContain(x.rule);
  });

  it('flags a tenant that differs from the one the domain belongs to', async () => {
    const f = await runProbes(
      { domain: 'contoso.com', tenant: '5b1a9c3e-7d2f-4e8a-b6c4-0f9e8d7c6b5a', endpoints: [] },
      loopbackOptions(pki, { all: svc.base }),
    );
    const m = f.find((x) => x.id === 'probe-tenant-mismatch');
    expect(m?.severity).toBe('error');
    expect(m?.title).toContain('tenant metadata for contoso.com');
  });

  it('uses the domain an offline SCP names, as a device would', async () => {
    svc.requests.length = 0;
    await runProbes(
      {
        scpFiles: [{ name: 'scp.ldf', text: fixture('scp/ldifde-contoso.ldf') }],
        endpoints: [],
        checks: ['discovery'],
      },
      loopbackOptions(pki, { all: svc.base }),
    );
    expect(paths()).toEqual(['/contoso.com/discover']);
  });

  // With 600 s per check, finishing within the test's own limit (15 s) shows that refused
  // connections are reported at once, never waited out.
  it('reports an unreachable network without waiting out the time limit, once per host', {
    timeout: 15_000,
  }, async () => {
    const [a, b, c, d] = await Promise.all([closedPort(), closedPort(), closedPort(), closedPort()]);
    const f = await runProbes(
      { upn: 'someone@contoso.com' },
      loopbackOptions(
        pki,
        {
          registration: `https://127.0.0.1:${a}`,
          login: `https://127.0.0.1:${b}`,
          deviceLogin: `https://127.0.0.1:${c}`,
          autologon: `https://127.0.0.1:${d}`,
        },
        { timeoutMs: 600_000 },
      ),
    );
    expect(f.map((x) => `${x.id} ${x.phase}`)).toEqual([
      'probe-endpoint-connect-failed discover',
      'probe-endpoint-connect-failed discover',
      'probe-endpoint-connect-failed post-join',
      'probe-endpoint-connect-failed post-join',
    ]);
    // Discovery's failure joined the registration host's finding, realm and tenant the sign-in host's.
    expect(f[0]?.codes.map((c) => c.name)).toEqual([
      'DSREG_AUTOJOIN_DISC_FAILED',
      'WININET_E_CANNOT_CONNECT',
    ]);
    expect(f[1]?.codes.map((c) => c.name)).toEqual([
      'DSREG_AUTOJOIN_USERREALM_DISCOVERY_FAILED',
      'WININET_E_CANNOT_CONNECT',
    ]);
    expect(f[1]?.evidence.map((e) => e.source)).toEqual([
      'probe:endpoints',
      'probe:realm',
      'probe:tenant-metadata',
    ]);
  });
});

describe('TLS inspection across checks', () => {
  it('is said once per host, with every check that saw it as evidence', async () => {
    const inspected = await startHttps(pki.intercept, {
      '/contoso.com/discover': json(200, JSON.parse(fixture('discovery-contoso.json'))),
    });
    try {
      const f = await runProbes(
        { domain: 'contoso.com', endpoints: ['registration'], checks: ['discovery'] },
        loopbackOptions(pki, { all: inspected.base }),
      );
      const tls = f.filter((x) => x.id === 'probe-tls-inspection');
      expect(tls).toHaveLength(1);
      expect(tls[0]?.evidence.map((e) => e.source)).toEqual(['probe:endpoints', 'probe:drs-discovery']);
      expect(f.map((x) => x.id)).toContain('probe-drs-discovered');
    } finally {
      await inspected.close();
    }
  });
});

describe('mergeTransportFailures', () => {
  it('leaves findings about different hosts alone', () => {
    const mk = (host: string) => ({
      id: 'probe-endpoint-dns-failed',
      severity: 'error' as const,
      title: host,
      codes: [],
      evidence: [{ source: 'probe:endpoints', text: `GET https://${host}/: cannot resolve` }],
    });
    expect(mergeTransportFailures([mk('a.example'), mk('b.example'), mk('a.example')])).toHaveLength(2);
  });
});

describe('probeForDiagnosis', () => {
  it('plans by failing phase', () => {
    expect(planForPhase('precheck')).toEqual({ endpoints: [], checks: [] });
    expect(planForPhase('auth')).toEqual({ endpoints: ['login'], checks: ['realm', 'mex', 'tenant'] });
    expect(planForPhase(null).checks).toEqual(['discovery', 'realm', 'mex', 'tenant']);
  });

  it('runs the auth-phase probes for a capture: realm, MEX, tenant, and matches its tenant', async () => {
    svc.requests.length = 0;
    const f = await probeForDiagnosis(
      { domain: 'CONTOSO', upn: 'alice@contoso.com', tenantId: CONTOSO, phase: 'auth' },
      { ...loopbackOptions(pki, { all: svc.base }), source: 'status.txt' },
    );
    expect(new Set(paths())).toEqual(
      new Set([
        '/',
        '/common/userrealm/',
        '/contoso.com/.well-known/openid-configuration',
        '/adfs/services/trust/mex',
      ]),
    );
    expect(f.find((x) => x.id === 'probe-tenant-match')?.title).toContain('(from status.txt)');
    expect(f.every((x) => x.evidence.every((e) => e.source.startsWith('probe:')))).toBe(true);
  });

  it('runs nothing for a precheck failure', async () => {
    svc.requests.length = 0;
    expect(await probeForDiagnosis({ phase: 'precheck' }, loopbackOptions(pki, { all: svc.base }))).toEqual(
      [],
    );
    expect(svc.requests).toEqual([]);
  });
});

describe('clouds', () => {
  it('probes the .us hosts for --cloud usgov', async () => {
    const { endpointsFor } = await import('../src/probe/types.js');
    expect(endpointsFor({ cloud: 'usgov', timeoutMs: 1 })).toEqual({
      registration: 'https://enterpriseregistration.microsoftonline.us',
      login: 'https://login.microsoftonline.us',
      deviceLogin: 'https://device.login.microsoftonline.us',
      autologon: 'https://autologon.microsoft.us',
    });
    expect(endpointsFor({ cloud: 'public', timeoutMs: 1 }).registration).toBe(
      'https://enterpriseregistration.windows.net',
    );
  });
});
