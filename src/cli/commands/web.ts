// `dsreg-doctor web`: serves the browser page (web/dist, built by `npm run build:web`) on this
// computer. Loopback only unless --host says otherwise. The server sends the page's own files and
// nothing else: everything the page does happens in the browser.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command, InvalidArgumentError } from 'commander';
import type { CliIO } from '../io.js';
import type { CommandState } from '../main.js';
import { addHelpFooter } from '../options.js';

export const DEFAULT_PORT = 8377;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

// The same policy as the page's meta tag, plus what only a header can say (no framing).
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:; font-src 'self'; " +
  "connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The folder of the built page: web/dist under the package root. The bin is an esbuild bundle in
 * dist/ (its chunks in dist/chunks/), the tests run this file from src/cli/commands/: walk up to
 * the package.json that names this package rather than count levels.
 */
export function findWebRoot(from: string = fileURLToPath(import.meta.url)): string | undefined {
  let dir = dirname(from);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'dsreg-doctor') {
          return join(dir, 'web', 'dist');
        }
      } catch {
        // Not ours: keep walking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

async function sendFile(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const security = {
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...security, Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Only GET and HEAD: this server sends the page and accepts nothing.\n');
    return;
  }
  let path: string;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    res.writeHead(400, { ...security, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Bad request.\n');
    return;
  }
  if (path.endsWith('/')) path += 'index.html';
  const file = resolve(root, `.${path}`);
  // Nothing outside the page's folder, however the path is spelled.
  if (path.includes('\0') || (file !== root && !file.startsWith(root + sep))) {
    res.writeHead(404, { ...security, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Not found.\n');
    return;
  }
  try {
    const info = await stat(file);
    if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
    const body = await readFile(file);
    // Hashed asset names never change content; the page itself is checked each time.
    const cache = /[\\/]assets[\\/]/.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache';
    res.writeHead(200, {
      ...security,
      'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': cache,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    res.writeHead(404, { ...security, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Not found.\n');
  }
}

export interface WebServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Serves `root` on host:port (port 0 picks a free one). Rejects with the listen error (EADDRINUSE ...). */
export function startWebServer(root: string, port: number, host: string): Promise<WebServer> {
  const server = createServer((req, res) => {
    sendFile(root, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      const addr = server.address() as AddressInfo;
      const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      ok({
        server,
        url: `http://${shown}:${addr.port}/`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('give a port number from 0 to 65535');
  return n;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function openBrowser(url: string, io: CliIO): void {
  const [cmd, args] =
    process.platform === 'win32'
      ? ['cmd', ['/c', 'start', '', url]]
      : process.platform === 'darwin'
        ? ['open', [url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => io.stderr(`dsreg-doctor web: could not open a browser; open ${url} yourself\n`));
    child.unref();
  } catch {
    io.stderr(`dsreg-doctor web: could not open a browser; open ${url} yourself\n`);
  }
}

interface WebOpts {
  port: number;
  host: string;
  open?: boolean;
}

export function registerWeb(program: Command, io: CliIO, state: CommandState): void {
  const cmd = program
    .command('web')
    .summary('serve the browser page on this computer')
    .description(
      'Serve the browser page: paste `dsregcmd /status` output or drop event logs and log ' +
        'collections, and read the diagnosis. Everything runs in the browser; this server only sends ' +
        'the page, and listens on the loopback address unless --host says otherwise. The built page ' +
        '(web/dist) also works from any static web server.',
    )
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', parsePort, DEFAULT_PORT)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--open', 'open the page in the default browser');
  addHelpFooter(cmd, {
    notes: ['Press Ctrl+C to stop the server.'],
    examples: [
      'dsreg-doctor web --open',
      'dsreg-doctor web --port 9000',
      'dsreg-doctor web --port 0 --host ::1',
    ],
  });
  cmd.action(async (opts: WebOpts) => {
    const root = findWebRoot();
    if (!root || !existsSync(join(root, 'index.html'))) {
      io.stderr(
        `dsreg-doctor web: the page is not built (no ${root ? join(root, 'index.html') : 'web/dist/index.html'}): run \`npm run build:web\`\n`,
      );
      state.code = 2;
      return;
    }
    let web: WebServer;
    try {
      web = await startWebServer(root, opts.port, opts.host);
    } catch (err) {
      const code = (err as { code?: string }).code;
      const where = `${opts.host}:${opts.port}`;
      io.stderr(
        code === 'EADDRINUSE'
          ? `dsreg-doctor web: port ${opts.port} is busy on ${opts.host}: pick another with --port (0 picks a free one)\n`
          : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
            ? `dsreg-doctor web: cannot listen on ${opts.host}: no such address on this computer\n`
            : code === 'EACCES'
              ? `dsreg-doctor web: not allowed to listen on ${where}: pick a port above 1023 with --port\n`
              : `dsreg-doctor web: cannot listen on ${where} (${code ?? (err instanceof Error ? err.message : String(err))})\n`,
      );
      state.code = 2;
      return;
    }
    io.stdout(
      `dsreg-doctor page at ${web.url}\n` +
        'Everything you paste or drop stays in your browser: this server only sends the page. Ctrl+C stops it.\n',
    );
    if (!LOOPBACK.has(opts.host)) {
      io.stderr(
        `dsreg-doctor web: listening on ${opts.host}, not only on this computer: others who can reach it can load the page (never the data anyone pastes into it)\n`,
      );
    }
    if (opts.open) openBrowser(web.url, io);
    // The command lasts as long as the server: the bin exits once main() returns.
    await new Promise<void>((done) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void web.close().then(done);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  });
}
