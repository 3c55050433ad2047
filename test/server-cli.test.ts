// `dsreg-doctor serve` as a real process (the built bin): its "listening on" line, tokens made once
// and printed once, `serve tokens rotate`, a clean stop on SIGTERM; and `dsreg-doctor push` sending a
// folder and a log collection to a server, device by device.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeIO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { openPostgres } from '../src/server/db.js';
import { freshDb, INGEST, postgres, type Running, startFleet, stopPostgres } from './server-helpers.js';

function serve(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['bin/dsreg-doctor.js', 'serve', ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c) => {
    out += c;
  });
  child.stderr!.on('data', (c) => {
    err += c;
  });
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  const ready = new Promise<string>((ok, fail) => {
    const timer = setInterval(() => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (m) {
        clearInterval(timer);
        ok(m[1]!);
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(timer);
      fail(new Error(`serve exited with ${code}: ${err}`));
    });
  });
  return { child: child as ChildProcess, ready, exited, out: () => out, err: () => err };
}

const tokensIn = (text: string) =>
  Object.fromEntries(
    [...text.matchAll(/^(ingest|admin) token \([^)]*\): (\S+)$/gm)].map((m) => [m[1], m[2]]),
  );

const post = (url: string, token: string) =>
  fetch(`${url}/api/v1/checkins`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/plain' },
    body: 'Device Name : PC-CLI-01\nAzureAdJoined : NO\nDomainJoined : YES\n',
  });

describe('dsreg-doctor serve', () => {
  const data = mkdtempSync(join(tmpdir(), 'dsreg-serve-'));
  beforeAll(() => {
    const r = spawnSync(process.execPath, ['scripts/build.mjs'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  }, 120_000);
  afterAll(() => rmSync(data, { recursive: true, force: true }));

  it('makes the tokens at first start, prints them once, and stops cleanly on SIGTERM', async () => {
    const first = serve(['--port', '0', '--data', data]);
    const url = await first.ready;
    const tokens = tokensIn(first.out());
    expect(Object.keys(tokens).sort()).toEqual(['admin', 'ingest']);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await post(url, tokens.ingest!)).status).toBe(202);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.err()).toMatch(/^(\{"time".*\n)*dsreg-doctor serve: stopped\n$/);

    const second = serve(['--port', '0', '--data', data]);
    const url2 = await second.ready;
    expect(second.out()).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    const list = await fetch(`${url2}/api/v1/devices`, {
      headers: { Authorization: `Bearer ${tokens.admin}` },
    });
    expect(((await list.json()) as { devices: { key: string }[] }).devices.map((d) => d.key)).toEqual([
      'pc-cli-01',
    ]);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);

    // Rotation: new tokens printed once; the old ones no longer open anything.
    const r = spawnSync(
      process.execPath,
      ['bin/dsreg-doctor.js', 'serve', 'tokens', 'rotate', '--data', data],
      {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '' },
      },
    );
    expect(r.status).toBe(0);
    const fresh = tokensIn(r.stdout);
    expect(Object.keys(fresh).sort()).toEqual(['admin', 'ingest']);
    const third = serve(['--port', '0', '--data', data]);
    const url3 = await third.ready;
    expect((await post(url3, tokens.ingest!)).status).toBe(401);
    expect((await post(url3, fresh.ingest!)).status).toBe(202);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  }, 120_000);

  it('says in one line what is wrong with its options', () => {
    for (const args of [
      ['--max-body', '5 apples'],
      ['--port', '99999'],
      ['--tls-cert', 'cert.pem'],
      ['--workers', '2'],
    ]) {
      const r = spawnSync(process.execPath, ['bin/dsreg-doctor.js', 'serve', ...args], { encoding: 'utf8' });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')[0]).toMatch(/^dsreg-doctor serve: /);
    }
  });
});

describe('dsreg-doctor serve --workers on PostgreSQL', () => {
  afterAll(() => stopPostgres());

  it('runs several processes on one port and database, prints one line when all listen, stops them all', async () => {
    const { url: pgUrl } = await postgres();
    const name = `fleet_workers_${process.pid}`;
    const admin = await openPostgres(pgUrl, 1);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.close();
    const env = { DATABASE_URL: pgUrl.replace(/\/postgres$/, `/${name}`) };
    const s = serve(['--port', '0', '--workers', '2'], env);
    const url = await s.ready;
    const tokens = tokensIn(s.out());
    expect(Object.keys(tokens).sort()).toEqual(['admin', 'ingest']);
    expect(s.out().match(/listening on/g)).toHaveLength(1);
    // Check-ins over separate connections (the processes take turns accepting them), each stored once.
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        fetch(`${url}/api/v1/checkins`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${tokens.ingest}`,
            'Content-Type': 'text/plain',
            Connection: 'close',
          },
          body: `Device Name : PC-W-${i}\nAzureAdJoined : NO\nDomainJoined : YES\n`,
        }),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 202));
    const sum = (await (
      await fetch(`${url}/api/v1/summary`, { headers: { Authorization: `Bearer ${tokens.admin}` } })
    ).json()) as { devices: number };
    expect(sum.devices).toBe(8);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.err()).toMatch(/dsreg-doctor serve: stopped\n$/);
    expect(s.err().match(/stopped/g)).toHaveLength(1);
  }, 120_000);
});

describe('dsreg-doctor push', () => {
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

  const run = async (args: string[], env: Record<string, string>) => {
    let out = '';
    let err = '';
    const io = {
      ...nodeIO(),
      isTTY: false,
      env,
      stdout: (t: string) => {
        out += t;
      },
      stderr: (t: string) => {
        err += t;
      },
    };
    const code = await main(['push', ...args], io);
    return { code, out, err };
  };

  it('sends each capture of a folder and a log collection, and sums up what the server said', async () => {
    const captures = readdirSync('examples/dsregcmd').filter((f) => f.endsWith('.txt'));
    const r = await run(['examples/dsregcmd', 'examples/bundles/authlogs-wks0417.zip', '--server', s.url], {
      DSREG_DOCTOR_INGEST_TOKEN: INGEST,
    });
    expect(r.err).toBe('');
    const m = /^(\d+) check-ins sent, (\d+) device check-ins stored \((\d+) failed.*\)\n$/.exec(r.out);
    expect(m, r.out).not.toBeNull();
    expect(Number(m![1])).toBe(captures.length + 1);
    // What the server counted is what push said it stored.
    const sum = (await (await s.admin('/api/v1/summary')).json()) as {
      checkinsByDay: { checkins: number; failed: number }[];
    };
    expect(sum.checkinsByDay.reduce((n, d) => n + d.checkins, 0)).toBe(Number(m![2]));
    expect(sum.checkinsByDay.reduce((n, d) => n + d.failed, 0)).toBe(Number(m![3]));
    expect(r.code).toBe(1);
    const again = await run(['examples/dsregcmd', '--server', s.url], { DSREG_DOCTOR_INGEST_TOKEN: INGEST });
    expect(again.out).toContain(`, ${captures.length} already stored before`);
  });

  it('refuses to run without a token or a server, and names a check-in the server refused', async () => {
    expect((await run(['examples/dsregcmd', '--server', s.url], {})).code).toBe(2);
    expect((await run(['examples/dsregcmd'], { DSREG_DOCTOR_INGEST_TOKEN: INGEST })).code).toBe(2);
    const bad = await run(['examples/dsregcmd/hybrid-healthy.txt', '--server', s.url], {
      DSREG_DOCTOR_INGEST_TOKEN: 'wrong',
    });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(
      /^dsreg-doctor push: not stored: examples\/dsregcmd\/hybrid-healthy\.txt: 401: a valid ingest token/,
    );
  });
});
