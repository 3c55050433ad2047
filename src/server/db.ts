// One small interface over the two ways the fleet server stores its data: PGlite (PostgreSQL
// compiled to WebAssembly, embedded in a folder) and PostgreSQL through node-postgres. The schema
// and every query are the same SQL; only opening, transactions and closing differ.
import { mkdirSync } from 'node:fs';

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs several statements (no parameters): migrations. */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  /** 'embedded' (PGlite in a folder) or 'postgres'. */
  readonly kind: 'embedded' | 'postgres';
  /** Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` holding a session-level advisory lock on one connection (migrations, partition
   * creation), so that several servers starting on one database take turns.
   */
  withLock<T>(lock: number, fn: (conn: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Opens the embedded database in `dir` (created when missing). */
export async function openEmbedded(dir: string): Promise<Db> {
  mkdirSync(dir, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const pg = await PGlite.create(dir);
  const wrap = (q: {
    query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[] }>;
    exec: (sql: string) => Promise<unknown>;
  }): Queryable => ({
    query: async <T>(sql: string, params?: unknown[]) => (await q.query(sql, params)).rows as T[],
    exec: async (sql: string) => {
      await q.exec(sql);
    },
  });
  const self = wrap(pg);
  return {
    kind: 'embedded',
    query: self.query,
    exec: self.exec,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    // One connection: PGlite runs one statement at a time, so the lock only orders this process
    // with itself; it is taken all the same to keep the code path the same as PostgreSQL's.
    withLock: async (lock, fn) => {
      await self.query('SELECT pg_advisory_lock($1)', [lock]);
      try {
        return await fn(self);
      } finally {
        await self.query('SELECT pg_advisory_unlock($1)', [lock]);
      }
    },
    close: () => pg.close(),
  };
}

/** Connects to PostgreSQL (`postgres://…`); `max` connections in the pool. */
export async function openPostgres(url: string, max = 10): Promise<Db> {
  const { default: pg } = await import('pg');
  // int8 (counts) and numeric as numbers: every count the API returns fits in a double.
  pg.types.setTypeParser(20, (v: string) => Number(v));
  const pool = new pg.Pool({ connectionString: url, max });
  // A connection that the server drops (a restart) must not crash the process.
  pool.on('error', () => {});
  const client = await pool.connect().catch((err: Error) => {
    void pool.end();
    throw new Error(`cannot connect to PostgreSQL: ${err.message}`);
  });
  client.release();
  const on = (c: {
    query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[] }>;
  }): Queryable => ({
    query: async <T>(sql: string, params?: unknown[]) => (await c.query(sql, params)).rows as T[],
    // Without parameters node-postgres sends the simple protocol, which takes several statements.
    exec: async (sql: string) => {
      await c.query(sql);
    },
  });
  const poolQ = on(pool);
  return {
    kind: 'postgres',
    query: poolQ.query,
    exec: poolQ.exec,
    transaction: async (fn) => {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const out = await fn(on(c));
        await c.query('COMMIT');
        return out;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        c.release();
      }
    },
    withLock: async (lock, fn) => {
      const c = await pool.connect();
      try {
        await c.query('SELECT pg_advisory_lock($1)', [lock]);
        try {
          return await fn(on(c));
        } finally {
          await c.query('SELECT pg_advisory_unlock($1)', [lock]);
        }
      } finally {
        c.release();
      }
    },
    close: () => pool.end(),
  };
}

/** The database the environment asks for: PostgreSQL when DATABASE_URL is set, else embedded in `dir`. */
export function openDatabase(env: Record<string, string | undefined>, dir: string): Promise<Db> {
  const url = env.DATABASE_URL;
  if (url) return openPostgres(url);
  return openEmbedded(dir);
}
