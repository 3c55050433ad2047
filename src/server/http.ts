// The fleet server's HTTP side: routes, tokens, limits, back-pressure and request logs. Storage is
// store.ts, judgement is the core's (through diagnose.ts); this file only moves bytes between them.
import { readFile, stat } from 'node:fs/promises';
import {
  createServer as createHttp,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import type { TextInput } from '../diagnose.js';
import { decodeText } from '../input/decode.js';
import { redactText } from '../redact/index.js';
import { InputError } from '../types.js';
import { HttpError, parseCheckin, readBody } from './body.js';
import { toCsv } from './csv.js';
import type { Db } from './db.js';
import { diagnoseCheckin } from './diagnose.js';
import { migrate } from './migrations.js';
import { OPENAPI } from './openapi.js';
import { reconciliation } from './reconcile.js';
import {
  applyRetention,
  type DeviceFilters,
  decodeCursor,
  getDevice,
  getImports,
  type ImportKind,
  listDevices,
  Partitions,
  putImport,
  type StoredInput,
  storeCheckin,
  summary,
} from './store.js';
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

const JSON_TYPE = 'application/json; charset=utf-8';
const MIB = 1024 * 1024;

// The dashboard's policy: its own files and its own API, nothing else, never framed.
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; " +
  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': JSON_TYPE,
  '.woff2': 'font/woff2',
};

const VERDICTS = new Set(['healthy', 'warning', 'failed', 'unknown']);
const PHASES = new Set(['precheck', 'discover', 'auth', 'join', 'post-join', 'none']);
const JOIN_TYPES = new Set([
  'hybrid',
  'entra-joined',
  'domain-joined',
  'entra-registered',
  'not-joined',
  'unknown',
]);

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': JSON_TYPE,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

function fail(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  send(res, status, { error: oneLine(message) }, headers);
}

/** What a check-in keeps of each input: text (redacted on request), or base64 for a binary log. */
function storedInputs(inputs: readonly TextInput[], redact: boolean): StoredInput[] {
  return inputs.map((i) => {
    // An .evtx file starts with "ElfFile\0"; everything else the core read is text.
    if (i.bytes.length >= 8 && new TextDecoder().decode(i.bytes.subarray(0, 8)) === 'ElfFile\u0000') {
      return redact
        ? { name: i.name, omitted: 'a binary event log is not kept when captures are redacted at rest' }
        : { name: i.name, base64: Buffer.from(i.bytes).toString('base64') };
    }
    const text = decodeText(i.bytes).text;
    return { name: i.name, text: redact ? redactText(text) : text };
  });
}

function filtersOf(url: URL): DeviceFilters {
  const f: DeviceFilters = {};
  const get = (name: string, allowed?: Set<string>) => {
    const v = url.searchParams.get(name);
    if (v === null || v === '') return undefined;
    if (allowed && !allowed.has(v)) {
      throw new HttpError(400, `${name}=${v.slice(0, 40)} is not one of ${[...allowed].join(', ')}`);
    }
    if (v.length > 200) throw new HttpError(400, `${name} is longer than 200 characters`);
    return v;
  };
  const verdict = get('verdict', VERDICTS);
  const phase = get('phase', PHASES);
  const joinType = get('joinType', JOIN_TYPES);
  const code = get('code');
  const q = get('q');
  if (verdict) f.verdict = verdict;
  if (phase) f.phase = phase;
  if (joinType) f.joinType = joinType;
  if (code) {
    if (!/^0x[0-9a-f]{1,8}$/i.test(code))
      throw new HttpError(400, `code=${code} is not a hex code such as 0x801c03f2`);
    f.code = `0x${code
      .slice(2)
      .toLowerCase()
      .replace(/^0+(?=.)/, '')}`;
  }
  if (q) f.q = q;
  return f;
}

function limitOf(url: URL, dflt: number, max: number): number {
  const v = url.searchParams.get('limit');
  if (v === null || v === '') return dflt;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > max)
    throw new HttpError(400, `limit must be a whole number from 1 to ${max}`);
  return n;
}

export async function createFleet(options: FleetOptions): Promise<Fleet> {
  const db = options.db;
  const env = options.env ?? {};
  const clock = options.now ?? (() => new Date());
  const maxBody = options.maxBody ?? 5 * MIB;
  const limits = { maxBody, maxInflated: options.maxInflated ?? 4 * maxBody };
  const maxConcurrent = options.maxConcurrent ?? 32;
  const retentionDays = options.retentionDays ?? 90;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  await migrate(db);
  const createdTokens = await ensureTokens(db, env);
  const tokens = new TokenCheck(db, () => clock().getTime());
  const partitions = new Partitions(db);
  const inFlight = new Set<Promise<unknown>>();
  let active = 0;
  let closing = false;

  const needs = async (kind: TokenKind, req: IncomingMessage) => {
    if (!(await tokens.allows(kind, req.headers.authorization))) {
      throw new HttpError(401, `a valid ${kind} token is required (Authorization: Bearer <token>)`, {
        'WWW-Authenticate': 'Bearer',
      });
    }
  };

  const checkin = async (req: IncomingMessage, res: ServerResponse, info: Record<string, unknown>) => {
    await needs('ingest', req);
    if (closing)
      throw new HttpError(503, 'the server is stopping: try again shortly', { 'Retry-After': '5' });
    if (active >= maxConcurrent) {
      throw new HttpError(429, `more than ${maxConcurrent} check-ins at once: try again shortly`, {
        'Retry-After': '1',
      });
    }
    active++;
    try {
      const receivedAt = clock();
      const body = await readBody(req, limits);
      info.bytes = body.length;
      const header = req.headers['x-device-name'];
      const parsed = await parseCheckin(
        req.headers['content-type'],
        body,
        Array.isArray(header) ? header[0] : header,
        limits,
      );
      let devices: ReturnType<typeof diagnoseCheckin>;
      try {
        devices = diagnoseCheckin(parsed.inputs, parsed.hints);
      } catch (err) {
        if (err instanceof InputError) throw new HttpError(400, err.message);
        throw err;
      }
      const answers = [];
      for (const d of devices) {
        const meta = {
          receivedAt,
          inputs: storedInputs(d.inputs, options.redactAtRest === true),
          ...(parsed.collectedAt ? { collectedAt: parsed.collectedAt } : {}),
          ...(parsed.context ? { context: parsed.context } : {}),
        };
        const stored = await storeCheckin(db, partitions, d, meta);
        const a: Record<string, unknown> = {
          id: stored.id,
          device: d.key,
          verdict: d.diagnosis.verdict,
          phase: d.diagnosis.phase,
          joinType: d.diagnosis.joinType,
        };
        if (d.unidentified) a.unidentified = true;
        if (stored.duplicate) a.duplicate = true;
        answers.push(a);
      }
      info.devices = answers.length;
      send(res, 202, answers.length === 1 ? answers[0] : { checkins: answers });
    } finally {
      active--;
    }
  };

  const imports = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    await needs('admin', req);
    const kind = url.searchParams.get('kind');
    if (kind !== 'entra' && kind !== 'ad') {
      throw new HttpError(
        400,
        'say which export this is: ?kind=entra (Entra devices) or ?kind=ad (AD computers)',
      );
    }
    const body = await readBody(req, { maxBody: limits.maxInflated, maxInflated: limits.maxInflated * 4 });
    if (body.length === 0) throw new HttpError(400, 'the body is empty');
    const at = clock();
    const name = url.searchParams.get('name');
    await putImport(db, kind as ImportKind, name, req.headers['content-type'] ?? null, body, at);
    send(res, 201, { kind, name, receivedAt: at.toISOString(), bytes: body.length });
  };

  const csv = async (res: ServerResponse, url: URL) => {
    const filters = filtersOf(url);
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="devices.csv"',
      'Cache-Control': 'no-store',
    });
    res.write(
      toCsv([['key', 'name', 'domain', 'deviceId', 'joinType', 'verdict', 'phase', 'codes', 'lastCheckin']]),
    );
    let after: [string, string] | undefined;
    for (;;) {
      const page = await listDevices(db, filters, 1000, after);
      const rows = page.devices.map((d) => [
        d.key,
        d.name ?? '',
        d.domain ?? '',
        d.deviceId ?? '',
        d.joinType,
        d.verdict,
        d.phase ?? '',
        d.codes.join(' '),
        d.lastCheckin,
      ]);
      if (rows.length > 0 && !res.write(toCsv(rows))) await new Promise((ok) => res.once('drain', ok));
      const last = page.devices[page.devices.length - 1];
      if (!page.next || !last) break;
      after = [last.lastCheckin, last.key];
    }
    res.end();
  };

  const staticFile = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const root = options.webRoot;
    if (!root && path === '/')
      throw new HttpError(404, 'the dashboard is not built: run `npm run build:web`');
    const file = root ? resolve(root, path === '/' ? 'dashboard/index.html' : `.${path}`) : undefined;
    const allowed =
      file && root && (path === '/' || path.startsWith('/assets/')) && file.startsWith(resolve(root) + sep);
    if (!allowed || !file) throw new HttpError(404, `no such page: ${path.slice(0, 80)}`);
    let body: Buffer;
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      body = await readFile(file);
    } catch {
      if (path === '/') throw new HttpError(404, 'the dashboard is not built: run `npm run build:web`');
      throw new HttpError(404, `no such file: ${path.slice(0, 80)}`);
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Security-Policy': DASHBOARD_CSP,
      'Content-Type': STATIC_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': path === '/' ? 'no-cache' : 'public, max-age=31536000, immutable',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const route = async (req: IncomingMessage, res: ServerResponse, info: Record<string, unknown>) => {
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
      return checkin(req, res, info);
    }
    if (path === '/api/v1/openapi.json') {
      only('GET');
      return send(res, 200, OPENAPI);
    }
    if (path === '/api/v1/imports') {
      only('POST');
      return imports(req, res, url);
    }
    if (path.startsWith('/api/')) {
      only('GET');
      await needs('admin', req);
      if (path === '/api/v1/summary') return send(res, 200, await summary(db, clock()));
      if (path === '/api/v1/devices') {
        const cursor = url.searchParams.get('cursor');
        const after = cursor ? decodeCursor(cursor) : undefined;
        if (cursor && !after) throw new HttpError(400, 'cursor is not one this server gave');
        return send(res, 200, await listDevices(db, filtersOf(url), limitOf(url, 50, 500), after));
      }
      if (path === '/api/v1/devices.csv') return csv(res, url);
      if (path === '/api/v1/reconciliation') {
        const out = await reconciliation(db, await getImports(db));
        if (!out.ok) throw new HttpError(out.status, out.error);
        return send(res, 200, out.body);
      }
      const m = /^\/api\/v1\/devices\/([^/]+)$/.exec(path);
      if (m) {
        let key: string;
        try {
          key = decodeURIComponent(m[1]!);
        } catch {
          throw new HttpError(400, 'the device key in the URL cannot be read');
        }
        const device = await getDevice(db, key);
        if (!device) throw new HttpError(404, `no device ${key.slice(0, 80)}`);
        return send(res, 200, device);
      }
      throw new HttpError(404, `no such API: ${path.slice(0, 80)}`);
    }
    only('GET');
    return staticFile(req, res, path);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const info: Record<string, unknown> = { method: req.method, path: '?' };
    const work = route(req, res, info)
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
            time: clock().toISOString(),
            ...info,
            status: res.statusCode,
            ms: Math.round((performance.now() - started) * 10) / 10,
          }),
        );
      });
    inFlight.add(work);
  };

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
      closing = true;
      clearInterval(timer);
      const stopped = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      // Every accepted request runs to its end (its check-in stored) before the database closes.
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      server.closeAllConnections();
      await stopped;
      await db.close();
    },
  };
}
