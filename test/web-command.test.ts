// `dsreg-doctor web`: the built bin serves web/dist on loopback, only GET/HEAD of the page's own
// files, with the page's security headers; a busy port is a clear one-line error, exit 2.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWebRoot, startWebServer } from '../src/cli/commands/web.js';
import { main } from '../src/cli/main.js';
import { memoryIO } from './helpers.js';

/** A file beside the served folder, which the server must never send. */
function secretOf(dir: string): string {
  return `${dir}-secret.txt`;
}

/** A folder standing in for web/dist, so these tests do not depend on the page's build. */
function fakeDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dsreg-doctor-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>page</title>');
  writeFileSync(join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
  writeFileSync(secretOf(dir), 'outside');
  return dir;
}

/** The status of a GET sent with the path exactly as written (fetch would resolve the dots first). */
function rawStatus(base: string, path: string): Promise<number> {
  const { hostname, port } = new URL(base);
  return new Promise((ok, fail) => {
    const req = request({ host: hostname, port, path, method: 'GET' }, (res) => {
      res.resume();
      ok(res.statusCode ?? 0);
    });
    req.once('error', fail);
    req.end();
  });
}

function listenOn(port: number, host: string): Promise<Server> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(port, host, () => ok(s));
  });
}

describe('web server', () => {
  const root = fakeDist();
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(secretOf(root), { force: true });
  });

  it('serves the page and its assets on loopback, with the security headers', async () => {
    const web = await startWebServer(root, 0, '127.0.0.1');
    try {
      expect(web.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await fetch(web.url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(page.headers.get('cache-control')).toBe('no-cache');
      expect(await page.text()).toContain('<title>page</title>');
      const js = await fetch(new URL('assets/app-1234.js', web.url));
      expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(js.headers.get('cache-control')).toContain('immutable');
    } finally {
      await web.close();
    }
  });

  it('sends nothing outside its folder and accepts nothing', async () => {
    const web = await startWebServer(root, 0, '127.0.0.1');
    try {
      const name = secretOf(root).split(/[\\/]/).pop()!;
      for (const path of [
        `/../${name}`,
        `/%2e%2e/${name}`,
        `/..%2f${name}`,
        '/assets/../../etc/passwd',
        '/nope.js',
      ]) {
        expect({ path, status: await rawStatus(web.url, path) }).toEqual({ path, status: 404 });
      }
      expect(await rawStatus(web.url, '/assets/../index.html')).toBe(200);
      const post = await fetch(web.url, { method: 'POST', body: 'data' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
      const head = await fetch(web.url, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
    } finally {
      await web.close();
    }
  });

  it('finds web/dist under the package root from the source file and from the bundled bin', () => {
    const root = process.cwd();
    expect(findWebRoot(join(root, 'src', 'cli', 'commands', 'web.ts'))).toBe(join(root, 'web', 'dist'));
    expect(findWebRoot(join(root, 'dist', 'chunks', 'web-abc.js'))).toBe(join(root, 'web', 'dist'));
    expect(findWebRoot(join(tmpdir(), 'elsewhere', 'x.js'))).toBeUndefined();
  });
});

describe('dsreg-doctor web', () => {
  let busy: Server;
  let busyPort: number;
  beforeAll(async () => {
    busy = await listenOn(0, '127.0.0.1');
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((done) => busy.close(() => done())));

  it('says which port is busy and exits 2', async () => {
    if (!existsSync(join(findWebRoot()!, 'index.html'))) {
      // The command checks the build first; these tests need the page built (npm run build).
      throw new Error('web/dist is not built: run `npm run build:web` first');
    }
    const m = memoryIO();
    expect(await main(['web', '--port', String(busyPort)], m.io)).toBe(2);
    expect(m.err()).toBe(
      `dsreg-doctor web: port ${busyPort} is busy on 127.0.0.1: pick another with --port (0 picks a free one)\n`,
    );
    expect(m.out()).toBe('');
  });

  it('rejects a port that is no port', async () => {
    const m = memoryIO();
    expect(await main(['web', '--port', '70000'], m.io)).toBe(2);
    expect(m.err()).toContain('give a port number from 0 to 65535');
  });

  it('runs from the bundled bin, serves the page and stops on SIGTERM', async () => {
    // The bin as it ships (an esbuild bundle with chunks, run by bin/dsreg-doctor.js), built from
    // the current sources into test-results/ (inside the package, so the root is found the same way).
    const dir = join('test-results', 'web-bin');
    rmSync(dir, { recursive: true, force: true });
    await build({
      entryPoints: { cli: 'src/cli/main.ts' },
      outdir: join(dir, 'dist'),
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'error',
      chunkNames: 'chunks/[name]-[hash]',
    });
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'dsreg-doctor.js'), readFileSync('bin/dsreg-doctor.js', 'utf8'));
    // The bin is CommonJS by bin/package.json.
    writeFileSync(join(dir, 'bin', 'package.json'), readFileSync('bin/package.json', 'utf8'));
    const child: ChildProcess = spawn(
      process.execPath,
      [join(dir, 'bin', 'dsreg-doctor.js'), 'web', '--port', '0'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const url = await new Promise<string>((ok, fail) => {
        let out = '';
        child.stdout!.on('data', (d) => {
          out += String(d);
          const m = /page at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) ok(m[1]!);
        });
        child.stderr!.on('data', (d) => fail(new Error(String(d))));
        child.once('exit', (code) => fail(new Error(`exited with ${code}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('Content-Security-Policy');
      const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html);
      expect(script).not.toBeNull();
      expect((await fetch(new URL(script![1]!, url))).status).toBe(200);
    } finally {
      const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 30_000);
});
