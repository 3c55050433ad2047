// The fleet API of ../shared/contract/fleet-api.md, end to end over HTTP on loopback, against both
// databases: the embedded PGlite and a real PostgreSQL. Check-ins are the public samples and the
// project's examples; every verdict is compared with what the core says of the same inputs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip, gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeInputs } from '../src/diagnose.js';
import { getCheckinInputs } from '../src/server/store.js';
import {
  ADMIN,
  BACKENDS,
  freshDb,
  INGEST,
  type Running,
  startFleet,
  stopPostgres,
} from './server-helpers.js';

const SAMPLES = '../shared/samples/dsregcmd';
const HEALTHY = 'examples/dsregcmd/hybrid-healthy.txt';
const NOT_SYNCED = 'examples/dsregcmd/join-fail-device-not-synced.txt';
const FRAGMENT = `${SAMPLES}/041-fragment-hybrid-pending-deviceauthstatus-failed-deleted.txt`;
const JOIN_XML = 'examples/events/join-fail.wevtutil.xml';
const WKS_STATUS = 'examples/dsregcmd/wks0417-join-fail-public-key-system.txt';
const read = (p: string) => new Uint8Array(readFileSync(p));
const text = (p: string) => readFileSync(p, 'utf8');
const core = (...paths: string[]) => analyzeInputs(paths.map((p) => ({ name: p, bytes: read(p) }))).diagnosis;

afterAll(stopPostgres, 60_000);

function tally(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/** Posts a body whose end is sent only when `finish` is called (a slow device). */
function slowCheckin(url: string, first: Uint8Array) {
  const u = new URL(`${url}/api/v1/checkins`);
  const req = request({
    host: u.hostname,
    port: u.port,
    path: u.pathname,
    method: 'POST',
    headers: { Authorization: `Bearer ${INGEST}`, 'Content-Type': 'text/plain' },
  });
  const answer = new Promise<{ status: number; body: string }>((ok, fail) => {
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
  });
  req.write(first.subarray(0, 100));
  return { answer, finish: () => req.end(first.subarray(100)) };
}

describe.each(BACKENDS)('fleet API on %s', (backend) => {
  let s: Running;
  let cleanup: () => void;
  beforeAll(async () => {
    const d = await freshDb(backend);
    cleanup = d.cleanup;
    s = await startFleet(await d.open(), { maxBody: 256 * 1024, maxConcurrent: 4, redactAtRest: false });
  }, 120_000);
  afterAll(async () => {
    await s.stop();
    cleanup();
  });

  it('stores a dsregcmd capture under its DeviceId with the core’s verdict, once', async () => {
    // A text/plain body is read as `diagnose` reads a file of that name.
    const want = analyzeInputs([{ name: 'dsregcmd-status.txt', bytes: read(HEALTHY) }]).diagnosis;
    const r = await s.checkin(read(HEALTHY), 'text/plain; charset=utf-8');
    expect(r.status).toBe(202);
    const a = (await r.json()) as Record<string, unknown>;
    expect(a.device).toBe(want.device?.deviceId?.toLowerCase());
    expect(a.verdict).toBe(want.verdict);
    expect(a.phase).toBe(want.phase);
    expect(a.unidentified).toBeUndefined();
    const again = (await (await s.checkin(read(HEALTHY), 'text/plain')).json()) as Record<string, unknown>;
    expect(again).toMatchObject({ id: a.id, device: a.device, duplicate: true });
    const dev = (await (await s.admin(`/api/v1/devices/${a.device}`)).json()) as {
      history: unknown[];
      diagnosis: unknown;
    };
    expect(dev.history).toHaveLength(1);
    expect(dev.diagnosis).toEqual(want);
  });

  it('reads a JSON envelope of captures and wevtutil XML as one device, and gzip on the wire', async () => {
    const want = core(WKS_STATUS, JOIN_XML);
    const body = JSON.stringify({
      device: { name: 'WKS-0417', domain: 'CONTOSO' },
      collectedAt: '2026-10-03T08:00:00Z',
      context: 'system',
      captures: [{ name: WKS_STATUS, text: text(WKS_STATUS) }],
      events: [{ name: JOIN_XML, xml: text(JOIN_XML) }],
    });
    const r = await s.checkin(gzipSync(body), 'application/json', { 'Content-Encoding': 'gzip' });
    expect(r.status).toBe(202);
    const a = (await r.json()) as { device: string; verdict: string; phase: string };
    expect([a.verdict, a.phase]).toEqual([want.verdict, want.phase]);
    const dev = (await (await s.admin(`/api/v1/devices/${encodeURIComponent(a.device)}`)).json()) as {
      diagnosis: { timeline?: unknown[]; findings: { id: string }[] };
      history: { context?: string }[];
    };
    expect(dev.diagnosis.findings.map((f) => f.id)).toEqual(want.findings.map((f) => f.id));
    expect(dev.diagnosis.timeline?.length).toBe(want.timeline?.length);
    expect(dev.history[0]?.context).toBe('system');
  });

  it('keys a capture without DeviceId or name by the envelope, the header, or its content', async () => {
    const named = (await (
      await s.checkin(read(FRAGMENT), 'text/plain', { 'X-Device-Name': 'PC-HEADER-01' })
    ).json()) as Record<string, unknown>;
    expect(named.device).toBe('pc-header-01');
    expect(named.unidentified).toBeUndefined();
    const env = JSON.stringify({
      device: { name: 'PC-ENV-02', domain: 'FABRIKAM' },
      captures: [{ text: text(FRAGMENT) }],
    });
    const byEnv = (await (await s.checkin(env, 'application/json')).json()) as Record<string, unknown>;
    expect(byEnv.device).toBe('pc-env-02@fabrikam');
    const anon = (await (await s.checkin(read(FRAGMENT), 'text/plain')).json()) as Record<string, unknown>;
    expect(anon.device).toMatch(/^unidentified-[0-9a-f]{16}$/);
    expect(anon.unidentified).toBe(true);
    const list = (await (await s.admin(`/api/v1/devices?q=${anon.device}`)).json()) as {
      devices: { unidentified: boolean }[];
    };
    expect(list.devices[0]?.unidentified).toBe(true);
  });

  it('moves a device known by its name to its DeviceId once a capture gives one', async () => {
    const withId = text(HEALTHY);
    const before = (await (await s.admin('/api/v1/summary')).json()) as { devices: number };
    const noId = withId.replace(/^\s*DeviceId\s*:.*$/m, '').replace(/fab-lt-0107/g, 'fab-lt-0999');
    const first = (await (await s.checkin(noId, 'text/plain')).json()) as { device: string };
    expect(first.device).toBe('fab-lt-0999.corp.fabrikam.example@fabrikam');
    const joined = withId
      .replace(/fab-lt-0107/g, 'fab-lt-0999')
      .replace(/(DeviceId\s*:\s*)\S+/, '$100000000-0000-4000-8000-000000000999');
    const second = (await (await s.checkin(joined, 'text/plain')).json()) as { device: string };
    expect(second.device).toBe('00000000-0000-4000-8000-000000000999');
    expect((await s.admin(`/api/v1/devices/${encodeURIComponent(first.device)}`)).status).toBe(404);
    const dev = (await (await s.admin(`/api/v1/devices/${second.device}`)).json()) as { history: unknown[] };
    expect(dev.history).toHaveLength(2);
    const after = (await (await s.admin('/api/v1/summary')).json()) as { devices: number };
    expect(after.devices).toBe(before.devices + 1);
  });

  it('stores each device of a zip that holds several', async () => {
    const zip = zipSync({
      'a/status.txt': read(NOT_SYNCED),
      'b/status.txt': read(`${SAMPLES}/003-domain-joined-ws2022-scp-missing-0x801c001d.txt`),
      'b/notes.txt': new TextEncoder().encode('nothing to see'),
    });
    const r = await s.checkin(zip, 'application/zip');
    expect(r.status).toBe(202);
    const a = (await r.json()) as { checkins: { device: string; verdict: string; phase: string }[] };
    expect(a.checkins).toHaveLength(2);
    const want = [core(NOT_SYNCED), core(`${SAMPLES}/003-domain-joined-ws2022-scp-missing-0x801c001d.txt`)];
    expect(a.checkins.map((c) => [c.verdict, c.phase])).toEqual(want.map((d) => [d.verdict, d.phase]));
  });

  it('answers every refusal with its status and one line of JSON', async () => {
    const url = `${s.url}/api/v1/checkins`;
    const post = (headers: Record<string, string>, body: BodyInit) =>
      fetch(url, { method: 'POST', headers, body });
    const cases: [Response, number][] = [
      [await post({ 'Content-Type': 'text/plain' }, read(HEALTHY)), 401],
      [await post({ Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'text/plain' }, read(HEALTHY)), 401],
      [await post({ Authorization: 'Bearer wrong', 'Content-Type': 'text/plain' }, read(HEALTHY)), 401],
      [await s.checkin(read(HEALTHY), 'application/octet-stream'), 415],
      [await s.checkin('hello, this is not a capture', 'text/plain'), 400],
      [await s.checkin('{"captures": [', 'application/json'), 400],
      [await s.checkin('{"captures": [{"name": "x"}]}', 'application/json'), 400],
      [await s.checkin(new Uint8Array(300 * 1024).fill(65), 'text/plain'), 413],
      [await s.checkin(read(HEALTHY), 'text/plain', { 'Content-Encoding': 'gzip' }), 400],
      [await s.admin('/api/v1/devices/no-such-device'), 404],
      [await s.admin('/api/v1/devices?verdict=sick'), 400],
      [await s.admin('/api/v1/devices?cursor=nonsense'), 400],
      [await fetch(`${s.url}/api/v1/summary`, { headers: { Authorization: `Bearer ${INGEST}` } }), 401],
    ];
    for (const [res, status] of cases) {
      expect(res.status).toBe(status);
      const body = await res.text();
      expect(body.indexOf('\n')).toBe(body.length - 1);
      const doc = JSON.parse(body) as Record<string, unknown>;
      expect(Object.keys(doc)).toEqual(['error']);
      expect(doc.error).toMatch(/^[^\n]{10,300}$/);
      expect(body).not.toMatch(/\bat .*\.(ts|js):\d+/);
    }
  });

  it('refuses a gzip bomb with 413 without inflating it', async () => {
    const gz = createGzip({ level: 9 });
    const parts: Buffer[] = [];
    gz.on('data', (c: Buffer) => parts.push(c));
    const zeros = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < 32; i++) gz.write(zeros); // 128 MiB of zeros, under the 256 KiB body limit
    await new Promise((ok) => gz.end(ok));
    const bomb = Buffer.concat(parts);
    expect(bomb.length).toBeLessThan(256 * 1024);
    const before = process.memoryUsage().rss;
    const r = await s.checkin(bomb, 'text/plain', { 'Content-Encoding': 'gzip' });
    expect(r.status).toBe(413);
    expect(((await r.json()) as { error: string }).error).toMatch(/once decompressed/);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('sheds load past --max-concurrent with 429 and Retry-After', async () => {
    const slow = Array.from({ length: 4 }, () => slowCheckin(s.url, read(NOT_SYNCED)));
    await new Promise((ok) => setTimeout(ok, 300));
    const r = await s.checkin(read(HEALTHY), 'text/plain');
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    for (const x of slow) x.finish();
    const answers = await Promise.all(slow.map((x) => x.answer));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202]);
  });

  it('lists, filters, searches, pages and exports devices, newest first', async () => {
    for (const f of [
      '001-entra-joined-win10-lab-software-ksp.txt',
      '005-entra-joined-local-account-no-prt.txt',
      '009-doc-discover-fail-0x801c0021-0x80072ee2-unelevated.txt',
      '013-doc-prt-fail-0xc000006d-aadsts50126.txt',
    ]) {
      expect((await s.checkin(read(`${SAMPLES}/${f}`), 'text/plain')).status).toBe(202);
    }
    const all = (await (await s.admin('/api/v1/devices?limit=500')).json()) as {
      devices: {
        key: string;
        lastCheckin: string;
        verdict: string;
        codes: string[];
        phase: string | null;
        name: string | null;
      }[];
    };
    const times = all.devices.map((d) => d.lastCheckin);
    expect([...times].sort().reverse()).toEqual(times);
    // Paging two at a time gives the same list.
    const paged: string[] = [];
    let cursor = '';
    for (let i = 0; i < 50; i++) {
      const page = (await (await s.admin(`/api/v1/devices?limit=2${cursor}`)).json()) as {
        devices: { key: string }[];
        next: string | null;
      };
      paged.push(...page.devices.map((d) => d.key));
      if (!page.next) break;
      cursor = `&cursor=${page.next}`;
    }
    expect(paged).toEqual(all.devices.map((d) => d.key));
    // Each filter gives exactly the devices that match it.
    const failed = (await (await s.admin('/api/v1/devices?verdict=failed&limit=500')).json()) as {
      devices: { key: string }[];
    };
    expect(failed.devices.map((d) => d.key)).toEqual(
      all.devices.filter((d) => d.verdict === 'failed').map((d) => d.key),
    );
    const code = all.devices.find((d) => d.codes.length > 0)!.codes[0]!;
    const byCode = (await (
      await s.admin(`/api/v1/devices?code=${code.toUpperCase().replace('0X', '0x')}`)
    ).json()) as {
      devices: { key: string }[];
    };
    expect(byCode.devices.map((d) => d.key)).toEqual(
      all.devices.filter((d) => d.codes.includes(code)).map((d) => d.key),
    );
    const named = all.devices.find((d) => d.name)!;
    const q = named.name!.slice(0, 5).toUpperCase();
    const found = (await (await s.admin(`/api/v1/devices?q=${encodeURIComponent(q)}`)).json()) as {
      devices: { key: string }[];
    };
    expect(found.devices.map((d) => d.key)).toEqual(
      all.devices.filter((d) => d.name?.toLowerCase().startsWith(q.toLowerCase())).map((d) => d.key),
    );
    const csv = await (await s.admin('/api/v1/devices.csv?verdict=failed')).text();
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('key,name,domain,deviceId,joinType,verdict,phase,codes,lastCheckin');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(failed.devices.map((d) => d.key));
  });

  it('sums the fleet: verdicts, join types, phases, codes, days and the join funnel', async () => {
    const all = (await (await s.admin('/api/v1/devices?limit=500')).json()) as {
      devices: { verdict: string; joinType: string; codes: string[] }[];
    };
    const sum = (await (await s.admin('/api/v1/summary')).json()) as {
      devices: number;
      verdicts: Record<string, number>;
      joinTypes: Record<string, number>;
      topCodes: { hex: string; devices: number }[];
      checkinsByDay: { day: string; checkins: number; failed: number }[];
      funnel: { step: string; devices: number; lost: number }[];
    };
    expect(sum.devices).toBe(all.devices.length);
    const count = (f: (d: (typeof all.devices)[number]) => string) => tally(all.devices.map(f));
    expect(sum.verdicts).toEqual(count((d) => d.verdict));
    expect(sum.joinTypes).toEqual(count((d) => d.joinType));
    for (const c of sum.topCodes)
      expect(c.devices).toBe(all.devices.filter((d) => d.codes.includes(c.hex)).length);
    const history = sum.checkinsByDay.reduce((n, d) => n + d.checkins, 0);
    expect(history).toBeGreaterThanOrEqual(all.devices.length);
    const domainJoined = all.devices.filter(
      (d) => d.joinType === 'hybrid' || d.joinType === 'domain-joined',
    ).length;
    expect(sum.funnel[0]).toMatchObject({ step: 'domain-joined', devices: domainJoined });
    for (let i = 0; i + 1 < sum.funnel.length; i++) {
      expect(sum.funnel[i]!.devices - sum.funnel[i]!.lost).toBe(sum.funnel[i + 1]!.devices);
    }
  });

  it('keeps the newest import of each kind and reconciles them with the devices', async () => {
    const post = (kind: string, name: string, body: string) =>
      s.admin(`/api/v1/imports?kind=${kind}&name=${name}`, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'text/csv' },
      });
    expect((await post('entra', 'devices.csv', 'displayName,deviceId\nPC1,1\n')).status).toBe(201);
    expect((await post('nonsense', 'x.csv', 'x')).status).toBe(400);
    // The newer import of a kind replaces the older: the made-up forest's exports.
    const fixture = (f: string) => readFileSync(`test/fixtures/reconcile/${f}`, 'utf8');
    expect((await post('entra', 'entra-admin-center.csv', fixture('entra-admin-center.csv'))).status).toBe(
      201,
    );
    expect((await post('ad', 'ad-computers.csv', fixture('ad-computers.csv'))).status).toBe(201);
    const r = await s.admin('/api/v1/reconciliation');
    expect(r.status).toBe(200);
    const body = (await r.json()) as {
      schemaVersion: number;
      devices: { name: string; states: string[] }[];
      summary: Record<string, number>;
      inputs: { source: string; kind: string }[];
    };
    expect(body.schemaVersion).toBe(1);
    expect(body.inputs.map((i) => [i.source, i.kind]).sort()).toEqual([
      ['ad-computers.csv', 'ad-computers'],
      ['entra-admin-center.csv', 'entra-devices'],
    ]);
    expect(body.devices.length).toBeGreaterThan(3);
    for (const state of ['registered', 'pending', 'not-synced', 'orphaned']) {
      expect(body.summary[state], state).toBeGreaterThan(0);
      expect(body.devices.some((d) => d.states.includes(state))).toBe(true);
    }
  });

  it('logs one JSON line per request, without capture contents', () => {
    const lines = s.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(
      lines.some((l) => l.path === '/api/v1/checkins' && l.status === 202 && typeof l.ms === 'number'),
    ).toBe(true);
    expect(s.logs.join('\n')).not.toMatch(/Device Name|TenantName|AzureAdJoined|DomainJoined/);
  });
});

describe.each(BACKENDS)('fleet storage on %s', (backend) => {
  it('keeps devices and tokens across a restart, redacts at rest, and drops old history by day', async () => {
    const d = await freshDb(backend);
    let now = new Date('2026-06-01T10:00:00Z');
    const opts = { redactAtRest: true, retentionDays: 30, now: () => now };
    let s = await startFleet(await d.open(), opts);
    const old = (await (await s.checkin(read(NOT_SYNCED), 'text/plain')).json()) as {
      id: string;
      device: string;
    };
    now = new Date('2026-07-15T10:00:00Z');
    const fresh = (await (await s.checkin(read(HEALTHY), 'text/plain')).json()) as {
      id: string;
      device: string;
    };
    // Stored redacted: no device name from the capture, the diagnosis (computed first) keeps it.
    const db = await d.open().catch(() => undefined);
    void db;
    await s.stop();
    s = await startFleet(await d.open(), opts); // the restart also applies the retention
    const gone = (await (await s.admin(`/api/v1/devices/${encodeURIComponent(old.device)}`)).json()) as {
      history: unknown[];
      verdict: string;
    };
    expect(gone.verdict).toBe('failed');
    expect(gone.history).toEqual([]);
    const kept = (await (await s.admin(`/api/v1/devices/${fresh.device}`)).json()) as {
      history: { id: string }[];
      diagnosis: { device?: { name?: string } };
    };
    expect(kept.history.map((h) => h.id)).toEqual([fresh.id]);
    expect(kept.diagnosis.device?.name).toBe('fab-lt-0107.corp.fabrikam.example');
    await s.stop();
    const raw = await d.open();
    const inputs = await getCheckinInputs(raw, fresh.device, fresh.id);
    await raw.close();
    expect(inputs?.[0]?.text).toMatch(/Device Name/);
    expect(inputs?.[0]?.text).not.toMatch(/fab-lt-0107/i);
    d.cleanup();
  }, 120_000);

  it('finishes an accepted check-in before it stops', async () => {
    const d = await freshDb(backend);
    let s = await startFleet(await d.open());
    const slow = slowCheckin(s.url, read(NOT_SYNCED));
    await new Promise((ok) => setTimeout(ok, 200));
    const stopping = s.stop();
    slow.finish();
    expect((await slow.answer).status).toBe(202);
    await stopping;
    s = await startFleet(await d.open());
    const list = (await (await s.admin('/api/v1/devices')).json()) as { devices: { verdict: string }[] };
    expect(list.devices.map((x) => x.verdict)).toEqual(['failed']);
    await s.stop();
    d.cleanup();
  }, 120_000);
});

describe('several servers on one PostgreSQL', () => {
  it('migrate once and keep the counts right under concurrent check-ins of the same devices', async () => {
    const d = await freshDb('postgres');
    const [a, b] = await Promise.all([startFleet(await d.open()), startFleet(await d.open())]);
    const probe = await d.open();
    const applied = await probe.query<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
    expect(applied.map((r) => Number(r.id))).toEqual([1, 2, 3, 4]);
    // 20 devices, each checking in twice (different contents) through both servers at once.
    const base = text(HEALTHY);
    const posts = [];
    for (let i = 0; i < 20; i++) {
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      const body = base.replace(/(DeviceId\s*:\s*)\S+/, `$1${id}`);
      const failing = body.replace(/(AzureAdJoined\s*:\s*)YES/, '$1NO');
      posts.push(a.checkin(body, 'text/plain'), b.checkin(failing, 'text/plain'));
    }
    const answers = await Promise.all(posts);
    expect(answers.map((r) => r.status)).toEqual(posts.map(() => 202));
    const sum = (await (await a.admin('/api/v1/summary')).json()) as {
      devices: number;
      verdicts: Record<string, number>;
      checkinsByDay: { checkins: number }[];
    };
    const list = (await (await b.admin('/api/v1/devices?limit=500')).json()) as {
      devices: { verdict: string }[];
    };
    expect(sum.devices).toBe(20);
    expect(list.devices).toHaveLength(20);
    const byVerdict = tally(list.devices.map((x) => x.verdict));
    expect(sum.verdicts).toEqual(byVerdict);
    expect(sum.checkinsByDay.reduce((n, x) => n + x.checkins, 0)).toBe(40);
    await probe.close();
    await Promise.all([a.stop(), b.stop()]);
  }, 120_000);
});

describe('HTTPS', () => {
  it('serves the API over TLS with the certificate and key given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsreg-tls-'));
    const r = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    const cert = readFileSync(join(dir, 'cert.pem'));
    const d = await freshDb('embedded');
    const s = await startFleet(await d.open(), { tls: { cert, key: readFileSync(join(dir, 'key.pem')) } });
    expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const body = await new Promise<string>((ok, fail) => {
      const req = httpsRequest(`${s.url}/api/v1/checkins`, {
        method: 'POST',
        ca: cert,
        headers: { Authorization: `Bearer ${INGEST}`, 'Content-Type': 'text/plain' },
      });
      req.on('response', (res) => {
        let t = '';
        res.on('data', (c) => {
          t += c;
        });
        res.on('end', () => ok(`${res.statusCode} ${t}`));
      });
      req.on('error', fail);
      req.end(read(NOT_SYNCED));
    });
    expect(body).toMatch(/^202 \{"id":/);
    await s.stop();
    d.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
