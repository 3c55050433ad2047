// How the server answers: JSON with its security headers, errors as one line of JSON, and the
// query parameters of the read API checked into filters (400 naming the parameter otherwise).
import type { ServerResponse } from 'node:http';
import { HttpError } from './body.js';
import type { DeviceFilters } from './store.js';

export const JSON_TYPE = 'application/json; charset=utf-8';

// The dashboard's policy: its own files and its own API, nothing else, never framed.
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; " +
  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function send(
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

export const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

export function fail(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  send(res, status, { error: oneLine(message) }, headers);
}

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

export function filtersOf(url: URL): DeviceFilters {
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

export function limitOf(url: URL, dflt: number, max: number): number {
  const v = url.searchParams.get('limit');
  if (v === null || v === '') return dflt;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > max)
    throw new HttpError(400, `limit must be a whole number from 1 to ${max}`);
  return n;
}
