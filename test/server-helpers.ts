// Runs the fleet server in-process for the tests, on either database: PGlite in a temporary folder,
// or a real PostgreSQL started by scripts/test-postgres.mjs (one per test file, a fresh database
// per server). A machine without PostgreSQL fails the PostgreSQL tests with one line naming the
// package to install: they are never skipped.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: a plain .mjs script without types
import { startPostgres } from '../scripts/test-postgres.mjs';
import { type Db, openEmbedded, openPostgres } from '../src/server/db.js';
import { createFleet, type Fleet, type FleetOptions } from '../src/server/http.js';

export type Backend = 'embedded' | 'postgres';
export const BACKENDS: Backend[] = ['embedded', 'postgres'];

export const INGEST = 'test-ingest-token-0123456789';
export const ADMIN = 'test-admin-token-9876543210';

interface PgServer {
  url: string;
  stop(): Promise<void>;
}

let pg: Promise<PgServer> | undefined;
let dbCount = 0;

/** The PostgreSQL of this test file (started on first use; stop with stopPostgres in afterAll). */
export function postgres(): Promise<PgServer> {
  pg ??= startPostgres() as Promise<PgServer>;
  return pg;
}

export async function stopPostgres(): Promise<void> {
  if (pg) await (await pg).stop();
  pg = undefined;
}

/** A new, empty database of the given kind; `again` reopens the same one (a restart). */
export async function freshDb(backend: Backend): Promise<{ open: () => Promise<Db>; cleanup: () => void }> {
  if (backend === 'embedded') {
    const dir = mkdtempSync(join(tmpdir(), 'dsreg-fleet-'));
    return { open: () => openEmbedded(dir), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }
  const server = await postgres();
  const name = `fleet_${process.pid}_${++dbCount}`;
  const admin = await openPostgres(server.url, 1);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.close();
  const url = server.url.replace(/\/postgres$/, `/${name}`);
  return { open: () => openPostgres(url), cleanup: () => {} };
}

export interface Running {
  fleet: Fleet;
  url: string;
  logs: string[];
  /** fetch with the admin token. */
  admin(path: string, init?: RequestInit): Promise<Response>;
  /** POST a check-in with the ingest token. */
  checkin(body: BodyInit, type: string, headers?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

export async function startFleet(db: Db, options: Partial<FleetOptions> = {}): Promise<Running> {
  const logs: string[] = [];
  const fleet = await createFleet({
    db,
    env: { DSREG_DOCTOR_INGEST_TOKEN: INGEST, DSREG_DOCTOR_ADMIN_TOKEN: ADMIN },
    log: (l) => logs.push(l),
    ...options,
  });
  const url = await fleet.listen(0, '127.0.0.1');
  return {
    fleet,
    url,
    logs,
    admin: (path, init = {}) =>
      fetch(`${url}${path}`, {
        ...init,
        headers: { Authorization: `Bearer ${ADMIN}`, ...(init.headers ?? {}) },
      }),
    checkin: (body, type, headers = {}) =>
      fetch(`${url}/api/v1/checkins`, {
        method: 'POST',
        body,
        headers: { Authorization: `Bearer ${INGEST}`, 'Content-Type': type, ...headers },
      }),
    stop: () => fleet.close(),
  };
}
