// Shared by the server benchmarks: start `dsreg-doctor serve` as its own process (the built bin),
// wait for its "listening on" line, and measure requests on loopback.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

export const INGEST = 'bench-ingest-token';
export const ADMIN = 'bench-admin-token';

export function startServe(args, env = {}) {
  // BENCH_NODE_ARGS: options for the server's node (--cpu-prof, to profile it under the load).
  const node = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...node, 'bin/dsreg-doctor.js', 'serve', '--port', '0', ...args], {
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
          pid: child.pid,
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

/** CPU seconds a process has used (user + system), from /proc; `children` adds its reaped children's. */
export function cpuSeconds(pid, children = false) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14-17 of stat (utime, stime, cutime, cstime), counted from field 3 here.
    const t = Number(f[11]) + Number(f[12]) + (children ? Number(f[13]) + Number(f[14]) : 0);
    return t / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds of a process and its children (live ones, and those it has reaped). */
export function familyCpuSeconds(pid) {
  let total = cpuSeconds(pid, true);
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) total += cpuSeconds(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** CPU seconds of a PostgreSQL: the postmaster and its backends. */
export function postgresCpuSeconds(dataDir) {
  return familyCpuSeconds(Number(readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]));
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

/**
 * A load generator that costs little CPU: `concurrency` keep-alive sockets, each sending one raw
 * HTTP/1.1 request at a time and reading its answer by Content-Length (the server always sends
 * one). `make()` returns the request as a string. Returns completed requests per second.
 */
export async function rawRate(url, make, concurrency, seconds) {
  const u = new URL(url);
  const end = performance.now() + seconds * 1000;
  let done = 0;
  let failed = 0;
  const { connect } = await import('node:net');
  await Promise.all(
    Array.from(
      { length: concurrency },
      () =>
        new Promise((finish, fail) => {
          const socket = connect(Number(u.port), u.hostname);
          socket.setNoDelay(true);
          let buf = Buffer.alloc(0);
          const next = () => {
            if (performance.now() >= end) {
              socket.end();
              finish();
              return;
            }
            socket.write(make());
          };
          socket.on('connect', next);
          socket.on('error', fail);
          socket.on('data', (chunk) => {
            buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
            for (;;) {
              const head = buf.indexOf('\r\n\r\n');
              if (head < 0) return;
              const header = buf.subarray(0, head).toString('latin1');
              const length = Number(/\r\ncontent-length: *(\d+)/i.exec(header)?.[1] ?? 0);
              if (buf.length < head + 4 + length) return;
              const status = Number(header.slice(9, 12));
              buf = buf.subarray(head + 4 + length);
              if (status >= 200 && status < 300) done++;
              else failed++;
              if (/\r\nconnection: *close/i.test(header)) {
                fail(new Error(`the server closed the connection (status ${status})`));
                return;
              }
              next();
            }
          });
        }),
    ),
  );
  return { perSecond: done / seconds, failed };
}
