// `diagnose --probe`: the capture's user, domain and tenant are probed live (here: services on
// 127.0.0.1 through the test-only endpoint override) and the findings merged into one diagnosis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ENDPOINTS_ENV } from '../src/cli/commands/probe.js';
import { main } from '../src/cli/main.js';
import { addProbeFindings, analyzeInputs, diagnose } from '../src/diagnose.js';
import { parseDsregcmdAll } from '../src/dsregcmd/parse.js';
import type { Finding } from '../src/types.js';
import { memoryIO } from './helpers.js';
import {
  CONTOSO,
  contosoRoutes,
  makePki,
  type Pki,
  startHttps,
  type TestServer,
  testEndpoints,
} from './probe-helpers.js';
import { contract } from './schema.js';

const validate = contract('diagnosis');
const OTHER = '11111111-2222-4333-8444-555555555555';
let pki: Pki;
let svc: TestServer;

beforeAll(async () => {
  pki = makePki();
  svc = await startHttps(pki.server, contosoRoutes('mex-with-dtd.xml'));
});
afterAll(async () => {
  await svc?.close();
  pki?.cleanup();
});

const capture = (tenant: string) =>
  [
    'AzureAdJoined : YES',
    'DomainJoined : YES',
    `TenantId : ${tenant}`,
    'AzureAdPrt : NO',
    'Attempt Status : 0xc00484c1',
    'User Identity : alice@contoso.com',
    'Server Error Code : invalid_grant',
  ].join('\n');

function cli(files: Record<string, string>) {
  const m = memoryIO({ 'roots.pem': pki.rootPem, ...files });
  m.io.env = {
    [TEST_ENDPOINTS_ENV]: testEndpoints(svc.base),
  };
  m.io.now = () => new Date();
  return m;
}

describe('diagnose --probe', () => {
  it('reads who and what to probe from the capture', () => {
    const { subject } = analyzeInputs([{ name: 's.txt', bytes: new TextEncoder().encode(capture(CONTOSO)) }]);
    expect(subject).toEqual({ upn: 'alice@contoso.com', domain: 'contoso.com', tenantId: CONTOSO });
  });

  it('merging the live findings into a diagnosis equals diagnosing them as evidence', () => {
    const ev = { captures: parseDsregcmdAll(capture(CONTOSO), 's.txt'), events: [] };
    const alone = diagnose(ev);
    expect(alone.phase).toBe('post-join');
    const probed: Finding[] = [
      {
        id: 'probe-clock-skew',
        rule: 'probe-clock',
        severity: 'error',
        phase: 'auth',
        title: 'The local clock is 9 minutes ahead of the servers',
        codes: [],
        evidence: [{ source: 'probe:clock', text: 'login.microsoftonline.com Date ...' }],
      },
    ];
    const probes = [{ source: 'probe', findings: probed }];
    const merged = addProbeFindings(alone, probes);
    expect(merged).toEqual(diagnose({ ...ev, probes }));
    // The live finding leads and moves the failing phase; what to read next stays the inputs'.
    expect(merged.phase).toBe('auth');
    expect(merged.findings[0]?.id).toBe('probe-clock-skew');
    expect(merged.nextSteps).toEqual(alone.nextSteps);
    expect(JSON.stringify(Object.keys(merged))).toBe(JSON.stringify(Object.keys(alone)));
  });

  it('merges the probe findings: a DTD in the federation metadata explains the WS-Trust failure', async () => {
    const m = cli({ 's.txt': capture(CONTOSO) });
    const code = await main(
      ['diagnose', 's.txt', '--probe', '--probe-timeout', '5', '--format', 'json'],
      m.io,
    );
    expect(code).toBe(1);
    const d = JSON.parse(m.out());
    expect(validate(d)).toBe('');
    const ids = d.findings.map((f: { id: string }) => f.id);
    expect(ids).toContain('prt-attempt-failed');
    const dtd = d.findings.find((f: { codes: { hex: string }[] }) =>
      f.codes.some((c) => c.hex === '0xc00cee4f'),
    );
    expect(dtd, ids.join(' ')).toBeDefined();
    expect(dtd.evidence[0].source).toMatch(/^probe:/);
    // Every finding names its rule: the capture's rules and the live checks alike.
    expect(dtd.rule).toBe('probe-mex');
    for (const f of d.findings) expect(f.rule, f.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('names an SCP/tenant mismatch against the capture', async () => {
    const m = cli({ 's.txt': capture(OTHER) });
    await main(['diagnose', 's.txt', '--probe', '--probe-timeout', '5', '--format', 'json'], m.io);
    const d = JSON.parse(m.out());
    const text = JSON.stringify(d.findings);
    expect(text).toContain(OTHER);
    expect(text).toContain(CONTOSO);
  });

  it('several devices: each gets the live findings as its own evidence; the same checks run once', async () => {
    const device = (name: string) => `${capture(CONTOSO)}\nDevice Name : ${name}.contoso.com\n`;
    const before = svc.requests.length;
    const alone = cli({ 'a.txt': device('PC1') });
    await main(['diagnose', 'a.txt', '--probe', '--probe-timeout', '5', '--format', 'json'], alone.io);
    const once = svc.requests.length;
    const one = JSON.parse(alone.out());
    const m = cli({ 'a.txt': device('PC1'), 'b.txt': device('PC2') });
    await main(['diagnose', 'a.txt', 'b.txt', '--probe', '--probe-timeout', '5', '--format', 'json'], m.io);
    expect(svc.requests.length - once).toBe(once - before);
    const lines = m
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((d) => d.device.name)).toEqual(['PC1.contoso.com', 'PC2.contoso.com']);
    for (const d of lines) {
      expect(validate(d)).toBe('');
      expect(d.findings.map((f: { id: string }) => f.id)).toEqual(
        one.findings.map((f: { id: string }) => f.id),
      );
    }
  });
});
