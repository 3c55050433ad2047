// `dsreg-doctor serve`: the fleet server (src/server) on the embedded database in --data, or on
// PostgreSQL when DATABASE_URL is set; `serve tokens rotate` replaces the tokens.
import cluster from 'node:cluster';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { openDatabase } from '../../server/db.js';
import { createFleet, type Fleet } from '../../server/http.js';
import { migrate } from '../../server/migrations.js';
import { ensureTokens, rotateTokens, TOKEN_ENV, TOKEN_KINDS, type TokenKind } from '../../server/tokens.js';
import type { CliIO } from '../io.js';
import type { CommandState } from '../main.js';
import { helpFooter } from '../options.js';
import { findWebRoot } from './web.js';

export const DEFAULT_DATA = './dsreg-doctor-data';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1e6,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1e9,
  gib: 1024 ** 3,
};

/** "5MiB", "512KiB", "1048576", "2MB" -> bytes. */
export function parseSize(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new InvalidArgumentError('give a size such as 5MiB, 512KiB or 1048576');
  const n = Math.floor(Number(m[1]) * unit);
  if (n < 1024 || n > 1024 ** 3) throw new InvalidArgumentError('give a size from 1KiB to 1GiB');
  return n;
}

function wholeNumber(min: number, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`give a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

interface ServeOpts {
  data: string;
  host: string;
  port: number;
  maxBody: number;
  retentionDays: number;
  redactAtRest?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  maxConcurrent: number;
  workers: number;
}

const where = (io: CliIO, data: string) =>
  io.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `the embedded database in ${data}`;

function printTokens(io: CliIO, tokens: Partial<Record<TokenKind, string>>, why: string): void {
  for (const kind of TOKEN_KINDS) {
    const t = tokens[kind];
    if (t) io.stdout(`${kind} token (${why}; shown once, only its hash is stored): ${t}\n`);
  }
}

/**
 * `--workers N`: this process migrates the database and makes the tokens, then runs N server
 * processes (node:cluster) that share the port and the database, prints `listening on` once all
 * listen, and stops them all on SIGTERM/SIGINT (each finishing its accepted check-ins).
 */
async function runWorkers(io: CliIO, opts: ServeOpts): Promise<number> {
  if (!io.env.DATABASE_URL) {
    io.stderr(
      'dsreg-doctor serve: --workers needs PostgreSQL (DATABASE_URL): the embedded database is one process’s\n',
    );
    return 2;
  }
  try {
    const db = await openDatabase(io.env, opts.data);
    try {
      await migrate(db);
      printTokens(io, await ensureTokens(db, io.env), 'made now');
    } finally {
      await db.close();
    }
  } catch (err) {
    io.stderr(
      `dsreg-doctor serve: cannot start the server on ${where(io, opts.data)}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`,
    );
    return 2;
  }
  const workers = Array.from({ length: opts.workers }, () => cluster.fork());
  let stopping = false;
  const exited = Promise.all(
    workers.map((w) => new Promise<number>((done) => w.once('exit', (c) => done(c ?? 0)))),
  );
  const stop = () => {
    stopping = true;
    for (const w of workers) w.process.kill('SIGTERM');
  };
  let listening = 0;
  cluster.on('listening', (_w, address) => {
    if (++listening !== workers.length) return;
    const host = address.address?.includes(':') ? `[${address.address}]` : (address.address ?? opts.host);
    io.stdout(`listening on ${opts.tlsCert ? 'https' : 'http'}://${host}:${address.port}\n`);
  });
  // A worker that cannot start (its own message said why) stops the others.
  cluster.on('exit', () => {
    if (!stopping) stop();
  });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const codes = await exited;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  io.stderr('dsreg-doctor serve: stopped\n');
  return Math.max(...codes);
}

export function registerServe(program: Command, io: CliIO, state: CommandState): void {
  const serve = program
    .command('serve')
    .summary('run the fleet server: devices check in, the dashboard shows the fleet')
    .description(
      'Run the fleet server: devices (or scripts for them) post `dsregcmd /status` output and event ' +
        'logs to /api/v1/checkins, the server diagnoses each check-in with the same checks as ' +
        '`diagnose`, keeps every device’s latest diagnosis and its history, and shows the fleet at /. ' +
        'The data lives in an embedded database in --data, or in PostgreSQL when DATABASE_URL is set.',
    )
    .option('--data <dir>', 'folder of the embedded database', DEFAULT_DATA)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', wholeNumber(0, 65535), 8080)
    .option('--max-body <size>', 'largest check-in body accepted', parseSize, 5 * 1024 * 1024)
    .option('--retention-days <days>', 'days of check-in history kept', wholeNumber(1, 3650), 90)
    .option('--redact-at-rest', 'store captures with identifiers replaced (diagnosed before)')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)')
    .option('--tls-key <file>', 'and this private key (PEM)')
    .option('--max-concurrent <n>', 'check-ins handled at once; past this, 429', wholeNumber(1, 10000), 32)
    .option(
      '--workers <n>',
      'server processes sharing the port (PostgreSQL only; each takes --max-concurrent)',
      wholeNumber(1, 64),
      1,
    )
    .addHelpText(
      'after',
      helpFooter({
        sections: [
          {
            title: 'Environment',
            rows: [
              ['DATABASE_URL', 'postgres://… to use PostgreSQL instead of the embedded database'],
              [TOKEN_ENV.ingest, 'the token devices post with (else made at first start)'],
              [TOKEN_ENV.admin, 'the token of the read API and dashboard (else made at first start)'],
            ],
          },
        ],
        examples: [
          'dsreg-doctor serve --data /var/lib/dsreg-doctor',
          'DATABASE_URL=postgres://dsreg@db/fleet dsreg-doctor serve --host 0.0.0.0 \\',
          '    --tls-cert c.pem --tls-key k.pem',
          'dsreg-doctor serve tokens rotate',
        ],
      }),
    )
    .action(async (opts: ServeOpts) => {
      state.code = await runServe(opts, io);
    });
  registerTokens(serve, io, state);
}

/** `serve tokens rotate`. */
function registerTokens(serve: Command, io: CliIO, state: CommandState): void {
  serve
    .command('tokens')
    .description('manage the ingest and admin tokens')
    .addHelpText('after', helpFooter({ examples: ['dsreg-doctor serve tokens rotate --only ingest'] }))
    .command('rotate')
    .description(
      'Replace the tokens with new ones (printed once; servers sharing the database take them within ' +
        'seconds). A token set in the environment still wins over the stored one at the next start.',
    )
    .addHelpText(
      'after',
      helpFooter({
        examples: [
          'dsreg-doctor serve tokens rotate',
          'dsreg-doctor serve tokens rotate --only admin --data /var/lib/dsreg-doctor',
        ],
      }),
    )
    .option('--only <kind>', 'rotate only the ingest or the admin token', (v: string) => {
      if (v !== 'ingest' && v !== 'admin') throw new InvalidArgumentError('give ingest or admin');
      return v;
    })
    .action(async (_opts: unknown, cmd: Command) => {
      // --data is the serve command's own option (given before or after `tokens rotate`).
      const opts = cmd.optsWithGlobals() as { data: string; only?: TokenKind };
      try {
        const db = await openDatabase(io.env, opts.data);
        try {
          await migrate(db);
          printTokens(io, await rotateTokens(db, opts.only ? [opts.only] : TOKEN_KINDS), 'new');
        } finally {
          await db.close();
        }
      } catch (err) {
        io.stderr(
          `dsreg-doctor serve: cannot rotate the tokens on ${where(io, opts.data)}: ${err instanceof Error ? err.message : String(err)}\n`,
        );
        state.code = 2;
      }
    });
}

/** Runs the server until SIGINT or SIGTERM; the exit code. */
async function runServe(opts: ServeOpts, io: CliIO): Promise<number> {
  if (Boolean(opts.tlsCert) !== Boolean(opts.tlsKey)) {
    io.stderr('dsreg-doctor serve: give both --tls-cert and --tls-key, or neither\n');
    return 2;
  }
  let tls: { cert: Buffer; key: Buffer } | undefined;
  if (opts.tlsCert && opts.tlsKey) {
    try {
      tls = { cert: readFileSync(opts.tlsCert), key: readFileSync(opts.tlsKey) };
    } catch (err) {
      io.stderr(
        `dsreg-doctor serve: cannot read the TLS files (${(err as { code?: string }).code ?? String(err)})\n`,
      );
      return 2;
    }
  }
  if (opts.workers > 1 && cluster.isPrimary) return runWorkers(io, opts);
  const worker = cluster.isWorker;
  const webRoot = findWebRoot();
  let fleet: Fleet;
  let url: string;
  try {
    const db = await openDatabase(io.env, opts.data);
    fleet = await createFleet({
      db,
      env: io.env,
      maxBody: opts.maxBody,
      maxConcurrent: opts.maxConcurrent,
      retentionDays: opts.retentionDays,
      redactAtRest: opts.redactAtRest === true,
      ...(webRoot && existsSync(join(webRoot, 'dashboard', 'index.html')) ? { webRoot } : {}),
      ...(tls ? { tls } : {}),
    });
    url = await fleet.listen(opts.port, opts.host);
  } catch (err) {
    const code = (err as { code?: string }).code;
    io.stderr(
      code === 'EADDRINUSE'
        ? `dsreg-doctor serve: port ${opts.port} is busy on ${opts.host}: pick another with --port\n`
        : `dsreg-doctor serve: cannot start the server on ${where(io, opts.data)}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`,
    );
    return 2;
  }
  printTokens(io, fleet.createdTokens, 'made now');
  // A worker tells its primary, which prints the one line once every worker listens.
  if (!worker) io.stdout(`listening on ${url}\n`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void fleet.close().then(done, (err: unknown) => {
        io.stderr(`dsreg-doctor serve: stopping: ${err instanceof Error ? err.message : String(err)}\n`);
        done();
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  if (!worker) io.stderr('dsreg-doctor serve: stopped\n');
  return 0;
}
