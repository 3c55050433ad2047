// `diagnose --probe --redact`: the inputs are analysed once. The live checks still ask about the
// real user, domain and tenant, which they take from the evidence each redacted copy was made from,
// not from a second analysis of the inputs as given.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as analysis from '../src/analyze.js';
import { TEST_ENDPOINTS_ENV } from '../src/cli/commands/probe.js';
import { main } from '../src/cli/main.js';
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

// Every call of the exported analyze, wherever it is imported from, goes through this spy.
vi.mock('../src/analyze.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/analyze.js')>();
  return { ...real, analyze: vi.fn(real.analyze) };
});

let pki: Pki;
let svc: TestServer;

beforeAll(async () => {
  pki = makePki();
  svc = await startHttps(pki.server, contosoRoutes());
});
afterAll(async () => {
  await svc?.close();
  pki?.cleanup();
});

const capture = [
  'AzureAdJoined : YES',
  'DomainJoined : YES',
  'Device Name : PC1.contoso.com',
  `TenantId : ${CONTOSO}`,
  'AzureAdPrt : NO',
  'Attempt Status : 0xc00484c1',
  'User Identity : alice@contoso.com',
  'Server Error Code : invalid_grant',
].join('\n');

async function diagnoseWith(args: string[]) {
  const m = memoryIO({ 'roots.pem': pki.rootPem, 's.txt': capture });
  m.io.env = { [TEST_ENDPOINTS_ENV]: testEndpoints(svc.base) };
  m.io.now = () => new Date();
  const spy = vi.mocked(analysis.analyze);
  spy.mockClear();
  const before = svc.requests.length;
  const code = await main(
    ['diagnose', 's.txt', '--probe', '--probe-timeout', '5', '--format', 'json', ...args],
    m.io,
  );
  return { code, out: m.out(), analyses: spy.mock.calls.length, requests: svc.requests.slice(before) };
}

describe('diagnose --probe --redact', () => {
  it('analyses the inputs once, as without --redact', async () => {
    const plain = await diagnoseWith([]);
    const redacted = await diagnoseWith(['--redact']);
    expect(plain.analyses).toBe(1);
    expect(redacted.analyses).toBe(1);
    expect(redacted.code).toBe(plain.code);
  });

  it('asks the services about the real domain and user, and reports them redacted', async () => {
    const plain = await diagnoseWith([]);
    const redacted = await diagnoseWith(['--redact']);
    const urls = (r: typeof plain) => r.requests.map((q) => q.url).sort();
    expect(urls(redacted)).toEqual(urls(plain));
    expect(urls(redacted).join(' ')).toContain('/contoso.com/');
    expect(urls(redacted).join(' ')).toContain('alice');
    const ids = (out: string) => JSON.parse(out).findings.map((f: { id: string }) => f.id);
    expect(ids(redacted.out)).toEqual(ids(plain.out));
    expect(redacted.out).not.toMatch(/contoso|alice/i);
  });
});
