// Shared by the server benchmarks: start `dsreg-doctor serve` as its own process (the built bin),
// wait for its "listening on" line, and measure requests on loopback.
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';

export const INGEST = 'bench-ingest-token';
export const ADMIN = 'bench-admin-token';

export function startServe(args, env = {}) {
  const child = spawn(process.execPath, ['bin/dsreg-doctor.js', 'serve', '--port', '0', ...args], {
    env: { ...process.env, DSREG_DOCTOR_INGEST_TOKEN: INGEST, DSREG_DOCTOR_ADMIN_TOKEN: ADMIN, ...env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /listening on (\S+)/.exec(out);
      if (m)
        ok({
          url: m[1],
          stop: () =>
            new Promise((done) => {
              child.once('exit', done);
              child.kill('SIGTERM');
            }),
        });
    });
    child.once('exit', (code) => fail(new Error(`serve exited with ${code}`)));
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

export function send(url, { method = 'GET', path, headers = {}, body }) {
  const u = new URL(url);
  return new Promise((ok, fail) => {
    const req = request({ host: u.hostname, port: u.port, path, method, headers, agent }, (res) => {
      let n = 0;
      res.on('data', (c) => {
        n += c.length;
      });
      res.on('end', () => ok({ status: res.statusCode, bytes: n }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

/** Runs `fn` from `concurrency` loops for `seconds`; returns completed calls per second. */
export async function rate(fn, concurrency, seconds) {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const r = await fn();
        if (r.status >= 200 && r.status < 300) done++;
        else failed++;
      }
    }),
  );
  return { perSecond: done / seconds, failed };
}

export function percentiles(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
  return { p50: at(50), p95: at(95) };
}
