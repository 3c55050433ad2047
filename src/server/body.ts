// A check-in's body, read under limits: the bytes on the wire (--max-body) and, for gzip, the bytes
// once inflated (streamed through zlib with a cap, so a gzip bomb costs at most the cap in memory),
// then turned into the core's inputs by content type.
import type { IncomingMessage } from 'node:http';
import { PassThrough, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { AnalyzeInput } from '../diagnose.js';
import { classifyBundle } from '../input/bundle.js';
import { DEFAULT_LIMITS, mib, readZip } from '../input/zip.js';
import { InputError } from '../types.js';
import type { DeviceHints } from './diagnose.js';

/** An answer other than success: its status, its one line, and headers (Retry-After). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface BodyLimits {
  /** Most bytes on the wire. */
  maxBody: number;
  /** Most bytes once a gzip body is inflated or a zip is unpacked. */
  maxInflated: number;
}

function cap(limit: number, what: string): Transform {
  let n = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      n += chunk.length;
      if (n > limit) done(new HttpError(413, `${what} is larger than ${mib(limit)}`));
      else done(null, chunk);
    },
  });
}

/** Reads the whole body under the limits; 413 past them, 400 for a damaged gzip stream. */
export async function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBody) {
    throw new HttpError(413, `the body is larger than ${mib(limits.maxBody)}`);
  }
  const encoding = String(req.headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== 'x-gzip') {
    throw new HttpError(415, `Content-Encoding ${encoding} is not accepted (gzip is)`);
  }
  if (encoding === 'identity') return readPlain(req, limits.maxBody);
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      size += chunk.length;
      done();
    },
  });
  // The request goes through a PassThrough so that a limit hit ends the pipeline without
  // destroying the socket: the client still reads its 413.
  const source = new PassThrough();
  req.pipe(source);
  const stages: NodeJS.ReadWriteStream[] = [
    cap(limits.maxBody, 'the body'),
    createGunzip(),
    cap(limits.maxInflated, 'the body once decompressed'),
  ];
  try {
    await pipeline(source, ...(stages as [Transform]), sink);
  } catch (err) {
    req.unpipe(source);
    if (err instanceof HttpError) throw err;
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('Z_')) throw new HttpError(400, 'the body is not a readable gzip stream');
    throw new HttpError(400, 'the body could not be read to its end');
  }
  return new Uint8Array(Buffer.concat(chunks, size));
}

/**
 * A body without Content-Encoding, read straight from the request (no stream stages: this is every
 * collector's check-in). Past the limit it stops reading and answers 413; the socket is left for
 * the error answer (which closes it, the rest of the body unread).
 */
function readPlain(req: IncomingMessage, max: number): Promise<Uint8Array> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err?: HttpError) => {
      req.off('data', data);
      req.off('end', end);
      req.off('error', broken);
      req.off('aborted', broken);
      if (err) {
        req.pause();
        fail(err);
      } else ok(Buffer.concat(chunks, size));
    };
    const data = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) done(new HttpError(413, `the body is larger than ${mib(max)}`));
      else chunks.push(chunk);
    };
    const end = () => done();
    const broken = () => done(new HttpError(400, 'the body could not be read to its end'));
    req.on('data', data);
    req.on('end', end);
    req.on('error', broken);
    req.on('aborted', broken);
  });
}

/** What a check-in body holds: the core's inputs and what the envelope says around them. */
export interface CheckinBody {
  /** With what sniff said of each where it has been asked already (a zip's entries). */
  inputs: AnalyzeInput[];
  hints: DeviceHints;
  context?: 'system' | 'user';
  collectedAt?: string;
}

const utf8 = new TextEncoder();

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Turns a body into inputs by its content type: 415 for another type, 400 for an unreadable one. */
export async function parseCheckin(
  contentType: string | undefined,
  body: Uint8Array,
  deviceName: string | undefined,
  limits: BodyLimits,
): Promise<CheckinBody> {
  const type = mediaType(contentType);
  const hints: DeviceHints = {};
  if (deviceName?.trim()) hints.name = deviceName.trim();
  if (body.length === 0) throw new HttpError(400, 'the body is empty');
  if (type === 'text/plain') {
    return { inputs: [{ name: 'dsregcmd-status.txt', bytes: body }], hints };
  }
  if (type === 'application/json') return parseEnvelope(body, hints);
  if (type === 'application/zip' || type === 'application/x-zip-compressed') {
    let bundle: Awaited<ReturnType<typeof readZip>>;
    try {
      bundle = await readZip('checkin.zip', [body], { ...DEFAULT_LIMITS, maxTotalBytes: limits.maxInflated });
    } catch (err) {
      if (err instanceof InputError) {
        throw new HttpError(/zip bomb/.test(err.message) ? 413 : 400, err.message);
      }
      throw err;
    }
    const used = classifyBundle(bundle.entries).filter((e) => e.kind !== 'ignored');
    if (used.length === 0) {
      throw new HttpError(400, 'checkin.zip: no `dsregcmd /status` capture or event log found in it');
    }
    // The classification sniffed each entry: the diagnosis reuses that rather than sniffing again.
    return { inputs: used.map((e) => ({ name: e.name, bytes: e.bytes, sniffed: e.sniffed })), hints };
  }
  throw new HttpError(
    415,
    `Content-Type ${type || '(none)'} is not accepted: send text/plain, application/json or application/zip`,
  );
}

function parseEnvelope(body: Uint8Array, hints: DeviceHints): CheckinBody {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (err) {
    const why = err instanceof SyntaxError ? err.message : 'not UTF-8';
    throw new HttpError(400, `the JSON body cannot be read (${why})`);
  }
  const bad = (what: string): never => {
    throw new HttpError(400, `the JSON body is not a check-in: ${what}`);
  };
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) bad('expected an object');
  const o = doc as Record<string, unknown>;
  const out: CheckinBody = { inputs: [], hints };
  if (o.device !== undefined) {
    if (typeof o.device !== 'object' || o.device === null) bad('"device" must be an object');
    const d = o.device as Record<string, unknown>;
    if (typeof d.name === 'string' && d.name.trim()) hints.name = d.name.trim();
    if (typeof d.domain === 'string' && d.domain.trim()) hints.domain = d.domain.trim();
  }
  if (o.collectedAt !== undefined) {
    const t = typeof o.collectedAt === 'string' ? Date.parse(o.collectedAt) : Number.NaN;
    if (Number.isNaN(t)) bad('"collectedAt" must be an ISO 8601 date and time');
    out.collectedAt = new Date(t).toISOString();
    hints.now = out.collectedAt;
  }
  if (o.context !== undefined) {
    if (o.context !== 'system' && o.context !== 'user') bad('"context" must be "system" or "user"');
    out.context = o.context as 'system' | 'user';
  }
  const list = (field: 'captures' | 'events', textField: 'text' | 'xml') => {
    const v = o[field];
    if (v === undefined) return;
    if (!Array.isArray(v)) bad(`"${field}" must be an array`);
    (v as unknown[]).forEach((item, i) => {
      const it = item as Record<string, unknown> | null;
      if (typeof it !== 'object' || it === null || typeof it[textField] !== 'string') {
        bad(`${field}[${i}] must be an object with a "${textField}" string`);
      }
      const name = typeof it!.name === 'string' && it!.name ? it!.name : `${field}-${i + 1}`;
      if ((it![textField] as string).trim() === '') return;
      out.inputs.push({ name, bytes: utf8.encode(it![textField] as string) });
    });
  };
  list('captures', 'text');
  list('events', 'xml');
  if (out.inputs.length === 0) bad('no capture text and no event XML in it');
  return out;
}
