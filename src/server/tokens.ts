// The ingest and admin tokens: given in the environment, or made at first start and printed once.
// Only their SHA-256 is stored; a presented token is hashed and compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from './db.js';

export type TokenKind = 'ingest' | 'admin';
export const TOKEN_KINDS: readonly TokenKind[] = ['ingest', 'admin'];
export const TOKEN_ENV: Record<TokenKind, string> = {
  ingest: 'DSREG_DOCTOR_INGEST_TOKEN',
  admin: 'DSREG_DOCTOR_ADMIN_TOKEN',
};

export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
export const newToken = () => `dsd_${randomBytes(24).toString('base64url')}`;

/**
 * Makes sure each kind has a token: the environment's (its hash stored), else the stored one, else a
 * new one. Returns the tokens made now, which the caller prints once: they are never shown again.
 */
export async function ensureTokens(
  db: Queryable,
  env: Record<string, string | undefined>,
): Promise<Partial<Record<TokenKind, string>>> {
  const created: Partial<Record<TokenKind, string>> = {};
  for (const kind of TOKEN_KINDS) {
    const given = env[TOKEN_ENV[kind]];
    if (given) {
      await db.query(
        `INSERT INTO tokens (kind, hash) VALUES ($1, $2)
         ON CONFLICT (kind) DO UPDATE SET hash = EXCLUDED.hash, created_at = now() WHERE tokens.hash <> EXCLUDED.hash`,
        [kind, hashToken(given)],
      );
      continue;
    }
    const token = newToken();
    // Another server starting at the same moment may win: then its token stands and this one is unused.
    const rows = await db.query(
      'INSERT INTO tokens (kind, hash) VALUES ($1, $2) ON CONFLICT (kind) DO NOTHING RETURNING kind',
      [kind, hashToken(token)],
    );
    if (rows.length > 0) created[kind] = token;
  }
  return created;
}

/** Replaces the tokens of the given kinds with new ones; returns them (to print once). */
export async function rotateTokens(
  db: Queryable,
  kinds: readonly TokenKind[],
): Promise<Partial<Record<TokenKind, string>>> {
  const out: Partial<Record<TokenKind, string>> = {};
  for (const kind of kinds) {
    const token = newToken();
    await db.query(
      `INSERT INTO tokens (kind, hash) VALUES ($1, $2)
       ON CONFLICT (kind) DO UPDATE SET hash = EXCLUDED.hash, created_at = now()`,
      [kind, hashToken(token)],
    );
    out[kind] = token;
  }
  return out;
}

/**
 * Checks presented tokens against the stored hashes. The hashes are read again at most every
 * `ttlMs`, so a rotation reaches every server sharing the database within that time.
 */
export class TokenCheck {
  private hashes = new Map<TokenKind, Buffer>();
  private readAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: Queryable,
    private readonly clock: () => number,
    private readonly ttlMs = 5000,
  ) {}

  async refresh(): Promise<void> {
    const rows = await this.db.query<{ kind: TokenKind; hash: string }>('SELECT kind, hash FROM tokens');
    this.hashes = new Map(rows.map((r) => [r.kind, Buffer.from(r.hash, 'hex')]));
    this.readAt = this.clock();
  }

  /** Whether the Authorization header carries the token of this kind. */
  async allows(kind: TokenKind, authorization: string | undefined): Promise<boolean> {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!m) return false;
    if (this.clock() - this.readAt > this.ttlMs) await this.refresh();
    const want = this.hashes.get(kind);
    if (!want) return false;
    const got = Buffer.from(hashToken(m[1]!), 'hex');
    return got.length === want.length && timingSafeEqual(got, want);
  }
}
