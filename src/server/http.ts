// The fleet server's HTTP side: routes, tokens, limits, back-pressure and request logs. Storage is
// store.ts, judgement is the core's (through diagnose.ts); this file only moves bytes between them.
import {
  createServer as createHttp,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { HttpError } from './body.js';
import type { Db } from './db.js';
import { type Context, checkin, imports, type LogInfo, readApi, staticFile } from './handlers.js';
import { migrate } from './migrations.js';
import { OPENAPI } from './openapi.js';
import { ReconciliationCache } from './reconcile.js';
import { fail, oneLine, send } from './respond.js';
import { applyRetention, CheckinWriter, Partitions } from './store.js';
import { ensureTokens, TokenCheck, type TokenKind } from './tokens.js';

export interface FleetOptions {
  db: Db;
  env?: Record<string, string | undefined>;
  /** Most bytes of a request body on the wire (default 5 MiB). */
  maxBody?: number;
  /** Most bytes of a body once inflated (gzip) or unpacked (zip); default 4 × maxBody. */
  maxInflated?: number;
  /** Check-ins handled at once; past this, 429 with Retry-After (default 32). */
  maxConcurrent?: number;
  /** Days of history kept (default 90). */
  retentionDays?: number;
  /** Store captures redacted (the diagnosis is computed from the original first). */
  redactAtRest?: boolean;
  /** The built dashboard (web/dist): `dashboard/index.html` and `assets/`. */
  webRoot?: string;
  tls?: { cert: Buffer | string; key: Buffer | string };
  /** One JSON line per request (default: standard error). */
  log?: (line: string) => void;
  /** The clock (tests move it). */
  now?: () => Date;
}

export interface Fleet {
  server: Server;
  /** Tokens made at this start (print them once). */
  createdTokens: Partial<Record<TokenKind, string>>;
  listen(port: number, host: string): Promise<string>;
  /** Stops accepting, finishes every accepted check-in, closes the database. */
  close(): Promise<void>;
  /** Drops history past the retention (also run at start and every hour). */
  retention(): Promise<string[]>;
}

const MIB = 1024 * 1024;

// The dashboard's policy, kept importable from here for the tests and the CLI.
export { DASHBOARD_CSP } from './respond.js';

/** Log lines gathered over one turn of the event loop and written together (one write, not one a request). */
function bufferedLines(write: (text: string) => void) {
  let lines: string[] = [];
  const flush = () => {
    if (lines.length === 0) return;
    const text = `${lines.join('\n')}\n`;
    lines = [];
    write(text);
  };
  return {
    line: (line: string) => {
      if (lines.push(line) === 1) setImmediate(flush);
    },
    flush,
  };
}

/** Sends the request to its handler by path and method (405 naming the method a path takes). */
async function route(ctx: Context, req: IncomingMessage, res: ServerResponse, info: LogInfo) {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://server');
  } catch {
    throw new HttpError(400, 'the request URL cannot be read');
  }
  const path = url.pathname;
  info.path = path;
  const method = req.method ?? 'GET';
  const only = (m: string) => {
    if (method !== m && !(m === 'GET' && method === 'HEAD')) {
      throw new HttpError(405, `${path} takes ${m} only`, { Allow: m });
    }
  };
  if (path === '/healthz') {
    only('GET');
    return send(res, 200, { status: 'ok' });
  }
  if (path === '/api/v1/checkins') {
    only('POST');
    return checkin(ctx, req, res, info);
  }
  if (path === '/api/v1/openapi.json') {
    only('GET');
    return send(res, 200, OPENAPI);
  }
  if (path === '/api/v1/imports') {
    only('POST');
    return imports(ctx, req, res, url);
  }
  only('GET');
  if (path.startsWith('/api/')) return readApi(ctx, req, res, url);
  return staticFile(ctx, req, res, path);
}

/** Answers an error as one line of JSON (500 without its details), and logs the request. */
function handler(ctx: Context, inFlight: Set<Promise<unknown>>, log: (line: string) => void) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const info: LogInfo = { method: req.method, path: '?' };
    const work = route(ctx, req, res, info)
      .catch((err: unknown) => {
        const status = err instanceof HttpError ? err.status : 500;
        if (status === 500) info.error = err instanceof Error ? oneLine(err.message) : String(err);
        if (res.headersSent) {
          res.destroy();
          return;
        }
        const headers = err instanceof HttpError ? { ...err.headers } : {};
        // A body left unread (a 413 mid-stream, a 401 before reading): close rather than read it all.
        if (!req.complete) headers.Connection = 'close';
        fail(res, status, err instanceof HttpError ? err.message : 'internal error', headers);
      })
      .finally(() => {
        inFlight.delete(work);
        log(
          JSON.stringify({
            time: ctx.clock().toISOString(),
            ...info,
            status: res.statusCode,
            ms: Math.round((performance.now() - started) * 10) / 10,
          }),
        );
      });
    inFlight.add(work);
  };
}

export async function createFleet(options: FleetOptions): Promise<Fleet> {
  const db = options.db;
  const clock = options.now ?? (() => new Date());
  const maxBody = options.maxBody ?? 5 * MIB;
  const retentionDays = options.retentionDays ?? 90;
  const stderr = bufferedLines((text) => process.stderr.write(text));
  const log = options.log ?? stderr.line;

  await migrate(db);
  const createdTokens = await ensureTokens(db, options.env ?? {});
  const partitions = new Partitions(db);
  const ctx: Context = {
    db,
    writer: new CheckinWriter(db, partitions),
    tokens: new TokenCheck(db, () => clock().getTime()),
    reconciliation: new ReconciliationCache(db, clock),
    limits: { maxBody, maxInflated: options.maxInflated ?? 4 * maxBody },
    maxConcurrent: options.maxConcurrent ?? 32,
    redactAtRest: options.redactAtRest === true,
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
    clock,
    state: { active: 0, closing: false },
  };
  const inFlight = new Set<Promise<unknown>>();
  const handle = handler(ctx, inFlight, log);
  const server = options.tls
    ? createHttps({ cert: options.tls.cert, key: options.tls.key }, handle)
    : createHttp(handle);
  server.requestTimeout = 120_000;
  server.headersTimeout = 30_000;

  const retention = async () => {
    const dropped = await applyRetention(db, partitions, clock(), retentionDays);
    if (dropped.length > 0) log(JSON.stringify({ time: clock().toISOString(), retention: dropped }));
    return dropped;
  };
  await retention();
  const timer = setInterval(() => void retention().catch(() => {}), 3_600_000);
  timer.unref();

  return {
    server,
    createdTokens,
    retention,
    listen: (port, host) =>
      new Promise((ok, failed) => {
        server.once('error', failed);
        server.listen(port, host, () => {
          server.off('error', failed);
          const addr = server.address() as AddressInfo;
          const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
          ok(`${options.tls ? 'https' : 'http'}://${shown}:${addr.port}`);
        });
      }),
    close: async () => {
      ctx.state.closing = true;
      clearInterval(timer);
      const stopped = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      // Every accepted request runs to its end (its check-in stored) before the database closes.
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      server.closeAllConnections();
      await stopped;
      await db.close();
      stderr.flush();
    },
  };
}
