// The Windows collector's request, replayed byte for byte: the fixture holds the headers and the
// body (before gzip) that Invoke-DsregCheckin.ps1 sends from Windows PowerShell 5.1 as SYSTEM —
// \u-escaped < > & ' as ConvertTo-Json writes them, CRLF lines, Expect: 100-continue. The server
// must store it and answer with the verdict the core gives the same capture and events.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeInputs } from '../src/diagnose.js';
import { freshDb, INGEST, type Running, startFleet } from './server-helpers.js';

interface Fixture {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

const fixture = JSON.parse(readFileSync('test/fixtures/collector/checkin-request.json', 'utf8')) as Fixture;
const script = readFileSync('collectors/windows/Invoke-DsregCheckin.ps1', 'utf8');
const detection = readFileSync('collectors/windows/Detect-DsregHealth.ps1', 'utf8');

function replay(url: string, f: Fixture): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  const body = gzipSync(Buffer.from(f.body, 'utf8'));
  const headers = Object.fromEntries(
    Object.entries(f.headers).map(([k, v]) => [k, v.replace('<ingest token>', INGEST)]),
  );
  return new Promise((ok, fail) => {
    const req = request({
      host: u.hostname,
      port: u.port,
      path: f.path,
      method: f.method,
      headers: { ...headers, 'Content-Length': body.length },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        text += c;
      });
      res.on('end', () => ok({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', fail);
    // Expect: 100-continue: the body goes once the server says so.
    req.on('continue', () => req.end(body));
  });
}

describe('the Windows collector', () => {
  let s: Running;
  let cleanup: () => void;
  beforeAll(async () => {
    const d = await freshDb('embedded');
    cleanup = d.cleanup;
    s = await startFleet(await d.open());
  }, 120_000);
  afterAll(async () => {
    await s.stop();
    cleanup();
  });

  it('sends what the script builds: its endpoint, headers and envelope fields', () => {
    expect(script).toContain("'/api/v1/checkins'");
    expect(script).toMatch(/-ContentType 'application\/json'/);
    expect(script).toMatch(/'Content-Encoding' = 'gzip'/);
    expect(script).toContain('Authorization = "Bearer $Token"');
    expect(script).toContain('wevtutil.exe qe $Channel /c:$Events /rd:true /f:xml');
    for (const channel of [
      'Microsoft-Windows-User Device Registration/Admin',
      'Microsoft-Windows-AAD/Operational',
    ]) {
      expect(script).toContain(channel);
    }
    const body = JSON.parse(fixture.body) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['device', 'collectedAt', 'context', 'captures', 'events']);
    for (const key of Object.keys(body)) expect(script).toMatch(new RegExp(`\\b${key}\\s+=`));
    expect(fixture.headers['Content-Encoding']).toBe('gzip');
  });

  it('is stored with the core’s diagnosis of the same capture and events', async () => {
    const r = await replay(s.url, fixture);
    expect(r.status).toBe(202);
    const answer = JSON.parse(r.body) as { device: string; verdict: string; phase: string | null };
    const body = JSON.parse(fixture.body) as {
      captures: { name: string; text: string }[];
      events: { name: string; xml: string }[];
      collectedAt: string;
    };
    const enc = new TextEncoder();
    const want = analyzeInputs(
      [
        ...body.captures.map((c) => ({ name: c.name, bytes: enc.encode(c.text) })),
        ...body.events.map((e) => ({ name: e.name, bytes: enc.encode(e.xml) })),
      ],
      { now: body.collectedAt },
    ).diagnosis;
    expect(want.verdict).toBe('failed');
    expect([answer.verdict, answer.phase]).toEqual([want.verdict, want.phase]);
    expect(answer.device).toBe('wks-0417.corp.contoso.example@contoso');
    const dev = (await (await s.admin(`/api/v1/devices/${encodeURIComponent(answer.device)}`)).json()) as {
      diagnosis: unknown;
      history: { context?: string }[];
    };
    expect(dev.diagnosis).toEqual(want);
    expect(dev.history[0]?.context).toBe('system');
    // The collector retries after a network error: the same request is stored once.
    const again = await replay(s.url, fixture);
    expect(JSON.parse(again.body)).toMatchObject({ device: answer.device, duplicate: true });
  });

  it('has an Intune detection that prints one line under 2,048 characters and exits 1 when failing', () => {
    expect(detection).toContain('Invoke-DsregCheckin.ps1');
    expect(detection).toMatch(/\$line\.Length -gt 2048/);
    expect(detection).toMatch(/if \(\$failed\.Count -gt 0\) \{ exit 1 \}/);
  });
});
