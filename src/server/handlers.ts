// The fleet server's request handlers, one function a route: each takes the server's context and
// moves bytes between HTTP and the store (store.ts) or the core (diagnose.ts, reconcile.ts).
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { decodeText } from '../input/decode.js';
import { redactText } from '../redact/index.js';
import { InputError } from '../types.js';
import { type BodyLimits, HttpError, parseCheckin, readBody } from './body.js';
import { toCsv } from './csv.js';
import type { Db } from './db.js';
import { type DeviceCheckin, diagnoseCheckin } from './diagnose.js';
import type { ReconciliationCache } from './reconcile.js';
import { DASHBOARD_CSP, filtersOf, JSON_TYPE, limitOf, SECURITY_HEADERS, send } from './respond.js';
import {
  type CheckinWriter,
  decodeCursor,
  getDevice,
  type ImportKind,
  listDevices,
  putImport,
  type StoredInput,
  summary,
} from './store.js';
import type { TokenCheck, TokenKind } from './tokens.js';

/** What every handler may use: the database, the limits, the clock and the server's state. */
export interface Context {
  db: Db;
  writer: CheckinWriter;
  tokens: TokenCheck;
  reconciliation: ReconciliationCache;
  limits: BodyLimits;
  maxConcurrent: number;
  redactAtRest: boolean;
  webRoot?: string;
  clock: () => Date;
  /** Check-ins being handled now, and whether the server is stopping. */
  state: { active: number; closing: boolean };
}

/** Facts about the request for its log line (never capture contents). */
export type LogInfo = Record<string, unknown>;

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': JSON_TYPE,
  '.woff2': 'font/woff2',
};

export async function needs(ctx: Context, kind: TokenKind, req: IncomingMessage): Promise<void> {
  if (!(await ctx.tokens.allows(kind, req.headers.authorization))) {
    throw new HttpError(401, `a valid ${kind} token is required (Authorization: Bearer <token>)`, {
      'WWW-Authenticate': 'Bearer',
    });
  }
}

/** What a check-in keeps of each input: text (redacted on request), or base64 for a binary log. */
function storedInputs(inputs: DeviceCheckin['inputs'], redact: boolean): StoredInput[] {
  return inputs.map((i) => {
    if (i.sniffed?.kind === 'evtx') {
      return redact
        ? { name: i.name, omitted: 'a binary event log is not kept when captures are redacted at rest' }
        : { name: i.name, base64: Buffer.from(i.bytes).toString('base64') };
    }
    // Everything else the core read is text, decoded once by sniff.
    const text = i.sniffed?.text ?? decodeText(i.bytes).text;
    return { name: i.name, text: redact ? redactText(text) : text };
  });
}

/** POST /api/v1/checkins: read, diagnose, store each device; 429 past the bound on concurrency. */
export async function checkin(
  ctx: Context,
  req: IncomingMessage,
  res: ServerResponse,
  info: LogInfo,
): Promise<void> {
  await needs(ctx, 'ingest', req);
  if (ctx.state.closing)
    throw new HttpError(503, 'the server is stopping: try again shortly', { 'Retry-After': '5' });
  if (ctx.state.active >= ctx.maxConcurrent) {
    throw new HttpError(429, `more than ${ctx.maxConcurrent} check-ins at once: try again shortly`, {
      'Retry-After': '1',
    });
  }
  ctx.state.active++;
  try {
    const receivedAt = ctx.clock();
    const body = await readBody(req, ctx.limits);
    info.bytes = body.length;
    const header = req.headers['x-device-name'];
    const parsed = await parseCheckin(
      req.headers['content-type'],
      body,
      Array.isArray(header) ? header[0] : header,
      ctx.limits,
    );
    let devices: DeviceCheckin[];
    try {
      devices = diagnoseCheckin(parsed.inputs, parsed.hints);
    } catch (err) {
      if (err instanceof InputError) throw new HttpError(400, err.message);
      throw err;
    }
    const stored = await Promise.all(
      devices.map((d) =>
        ctx.writer.store(d, {
          receivedAt,
          inputs: storedInputs(d.inputs, ctx.redactAtRest),
          ...(parsed.collectedAt ? { collectedAt: parsed.collectedAt } : {}),
          ...(parsed.context ? { context: parsed.context } : {}),
        }),
      ),
    );
    const answers = devices.map((d, i) => {
      const a: Record<string, unknown> = {
        id: stored[i]!.id,
        device: d.key,
        verdict: d.diagnosis.verdict,
        phase: d.diagnosis.phase,
        joinType: d.diagnosis.joinType,
      };
      if (d.unidentified) a.unidentified = true;
      if (stored[i]!.duplicate) a.duplicate = true;
      return a;
    });
    info.devices = answers.length;
    send(res, 202, answers.length === 1 ? answers[0] : { checkins: answers });
  } finally {
    ctx.state.active--;
  }
}

/** POST /api/v1/imports?kind=entra|ad&name=: an export kept for the reconciliation. */
export async function imports(ctx: Context, req: IncomingMessage, res: ServerResponse, url: URL) {
  await needs(ctx, 'admin', req);
  const kind = url.searchParams.get('kind');
  if (kind !== 'entra' && kind !== 'ad') {
    throw new HttpError(
      400,
      'say which export this is: ?kind=entra (Entra devices) or ?kind=ad (AD computers)',
    );
  }
  const max = ctx.limits.maxInflated;
  const body = await readBody(req, { maxBody: max, maxInflated: max * 4 });
  if (body.length === 0) throw new HttpError(400, 'the body is empty');
  const at = ctx.clock();
  const name = url.searchParams.get('name');
  await putImport(ctx.db, kind as ImportKind, name, req.headers['content-type'] ?? null, body, at);
  ctx.reconciliation.invalidate();
  send(res, 201, { kind, name, receivedAt: at.toISOString(), bytes: body.length });
}

/** GET /api/v1/devices.csv: the filtered device list, a thousand rows a query, written as it comes. */
export async function devicesCsv(ctx: Context, res: ServerResponse, url: URL): Promise<void> {
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
    const page = await listDevices(ctx.db, filters, 1000, after);
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
}

/** The read API under /api/ (admin token): summary, device list and page, CSV, reconciliation. */
export async function readApi(
  ctx: Context,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const path = url.pathname;
  await needs(ctx, 'admin', req);
  if (path === '/api/v1/summary') return send(res, 200, await summary(ctx.db, ctx.clock()));
  if (path === '/api/v1/devices') {
    const cursor = url.searchParams.get('cursor');
    const after = cursor ? decodeCursor(cursor) : undefined;
    if (cursor && !after) throw new HttpError(400, 'cursor is not one this server gave');
    return send(res, 200, await listDevices(ctx.db, filtersOf(url), limitOf(url, 50, 500), after));
  }
  if (path === '/api/v1/devices.csv') return devicesCsv(ctx, res, url);
  if (path === '/api/v1/reconciliation') {
    const out = await ctx.reconciliation.get();
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
    const device = await getDevice(ctx.db, key);
    if (!device) throw new HttpError(404, `no device ${key.slice(0, 80)}`);
    return send(res, 200, device);
  }
  throw new HttpError(404, `no such API: ${path.slice(0, 80)}`);
}

/** GET / and /assets/…: the built dashboard, under its CSP; nothing outside the web root. */
export async function staticFile(
  ctx: Context,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const root = ctx.webRoot;
  if (!root && path === '/') throw new HttpError(404, 'the dashboard is not built: run `npm run build:web`');
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
}
