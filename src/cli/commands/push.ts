// `dsreg-doctor push`: sends what an administrator has already collected to a fleet server, one
// check-in per device: each capture file on its own, a folder that holds event logs as one log
// collection (zipped), a .zip as it is. Gzip on the wire, retries on 429 as Retry-After asks.
import { stat } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { type Command, InvalidArgumentError } from 'commander';
import { zipSync } from 'fflate';
import { classifyEntry } from '../../input/bundle.js';
import { isZip } from '../../input/zip.js';
import { readFolder } from '../../node/bundle-reader.js';
import { type CliIO, describeReadError } from '../io.js';
import type { CommandState } from '../main.js';
import { helpFooter } from '../options.js';
import { progressOn } from '../progress.js';

interface Push {
  /** What the summary and errors call it. */
  label: string;
  type: 'text/plain' | 'application/zip';
  bytes: Uint8Array;
}

interface Answer {
  device: string;
  verdict: string;
  duplicate?: boolean;
}

const dirOf = (name: string) => name.slice(0, Math.max(0, name.lastIndexOf('/')));

/** The check-ins a list of paths makes (files by content; folders grouped by the folder a file is in). */
export async function planPushes(paths: string[], io: CliIO): Promise<{ pushes: Push[]; skipped: string[] }> {
  const pushes: Push[] = [];
  const skipped: string[] = [];
  for (const path of paths) {
    const isDir = await stat(path).then(
      (s) => s.isDirectory(),
      () => false,
    );
    const files = isDir ? (await readFolder(path)).entries : [{ name: path, bytes: await io.read(path) }];
    const byDir = new Map<string, { name: string; bytes: Uint8Array; kind: string }[]>();
    for (const f of files) {
      if (isZip(f.bytes.subarray(0, 4))) {
        pushes.push({ label: f.name, type: 'application/zip', bytes: f.bytes });
        continue;
      }
      const c = classifyEntry(f);
      if (c.kind === 'ignored') {
        if (!isDir) skipped.push(`${f.name}: ${c.reason}`);
        continue;
      }
      const list = byDir.get(dirOf(f.name)) ?? [];
      list.push({ name: f.name, bytes: f.bytes, kind: c.kind });
      byDir.set(dirOf(f.name), list);
    }
    for (const [dir, list] of byDir) {
      if (list.some((f) => f.kind !== 'dsregcmd')) {
        // Event logs belong with the captures beside them: the folder goes as one collection.
        const zip = zipSync(
          Object.fromEntries(list.map((f) => [f.name.slice(dir.length + 1) || f.name, f.bytes])),
        );
        pushes.push({ label: dir || list[0]!.name, type: 'application/zip', bytes: zip });
      } else {
        for (const f of list) pushes.push({ label: f.name, type: 'text/plain', bytes: f.bytes });
      }
    }
  }
  return { pushes, skipped };
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

async function send(server: string, token: string, p: Push, retries: number): Promise<Answer[]> {
  const body = gzipSync(p.bytes);
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(new URL('/api/v1/checkins', server), {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': p.type, 'Content-Encoding': 'gzip' },
      body,
    });
    const text = await res.text();
    if ((res.status === 429 || res.status === 503) && attempt < retries) {
      const after = Number(res.headers.get('retry-after'));
      await sleep((Number.isFinite(after) && after > 0 ? Math.min(after, 60) : 1) * 1000);
      continue;
    }
    let doc: { error?: string; checkins?: Answer[] } & Partial<Answer>;
    try {
      doc = JSON.parse(text);
    } catch {
      throw new Error(`the server answered ${res.status} without JSON`);
    }
    if (!res.ok) throw new Error(`${res.status}: ${doc.error ?? 'no reason given'}`);
    return doc.checkins ?? [doc as Answer];
  }
}

interface PushOpts {
  server?: string;
  concurrency: number;
  retries: number;
}

interface Tally {
  verdicts: Record<string, number>;
  errors: string[];
  devices: number;
  duplicates: number;
}

/** The check-ins sent `concurrency` at a time, with the shared progress line on a terminal. */
async function sendAll(
  pushes: Push[],
  io: CliIO,
  opts: PushOpts & { server: string; token: string },
): Promise<Tally> {
  const tally: Tally = { verdicts: {}, errors: [], devices: 0, duplicates: 0 };
  const total = pushes.length;
  const progress = progressOn(io, 'Sending check-ins', 'check-ins', total);
  let done = 0;
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const p = pushes[next++]!;
      try {
        for (const a of await send(opts.server, opts.token, p, opts.retries)) {
          tally.devices++;
          if (a.duplicate) tally.duplicates++;
          tally.verdicts[a.verdict] = (tally.verdicts[a.verdict] ?? 0) + 1;
        }
      } catch (err) {
        const why =
          err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
        tally.errors.push(`${p.label}: ${why}`);
      }
      progress.update(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, total) }, worker));
  progress.stop();
  return tally;
}

/** "3 check-ins sent, 4 device check-ins stored (1 failed, 3 healthy), 1 already stored before". */
function summaryLine(total: number, t: Tally): string {
  const order = ['failed', 'warning', 'healthy', 'unknown'];
  const parts = order.filter((v) => t.verdicts[v]).map((v) => `${t.verdicts[v]} ${v}`);
  return (
    `${total} check-in${total === 1 ? '' : 's'} sent, ${t.devices} device check-in${t.devices === 1 ? '' : 's'} stored` +
    `${parts.length ? ` (${parts.join(', ')})` : ''}` +
    `${t.duplicates ? `, ${t.duplicates} already stored before` : ''}` +
    `${t.errors.length ? `, ${t.errors.length} not stored` : ''}`
  );
}

export function registerPush(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('push')
    .summary('send collected captures and logs to a fleet server')
    .description(
      'Send `dsregcmd /status` captures, event logs and log collections that you have already ' +
        'collected to a fleet server (`dsreg-doctor serve`), device by device: each capture on its ' +
        'own, a folder with event logs as one collection, a .zip as it is. The ingest token comes ' +
        'from DSREG_DOCTOR_INGEST_TOKEN.',
    )
    .argument('<paths...>', 'files or folders')
    .option('--server <url>', 'the fleet server, e.g. https://fleet.corp.example')
    .option(
      '--concurrency <n>',
      'check-ins sent at once',
      (v: string) => {
        const n = Number(v);
        if (!/^\d+$/.test(v) || n < 1 || n > 64)
          throw new InvalidArgumentError('give a whole number from 1 to 64');
        return n;
      },
      4,
    )
    .option(
      '--retries <n>',
      'retries of a check-in the server sheds (429)',
      (v: string) => {
        const n = Number(v);
        if (!/^\d+$/.test(v) || n > 20) throw new InvalidArgumentError('give a whole number from 0 to 20');
        return n;
      },
      5,
    )
    .addHelpText(
      'after',
      helpFooter({
        notes: [
          'Exit codes: 0 every check-in was stored, 1 a device stored as failed, 2 bad usage, an unreadable input, nothing to send, or a check-in the server did not store.',
        ],
        examples: [
          'DSREG_DOCTOR_INGEST_TOKEN=… dsreg-doctor push captures/ \\',
          '    --server http://127.0.0.1:8080',
          'dsreg-doctor push authlogs-wks0417.zip status.txt \\',
          '    --server https://fleet.corp.example',
        ],
      }),
    )
    .action(async (paths: string[], opts: PushOpts) => {
      const token = io.env.DSREG_DOCTOR_INGEST_TOKEN;
      if (!opts.server || !/^https?:\/\//i.test(opts.server)) {
        io.stderr('dsreg-doctor push: give the server with --server http(s)://HOST:PORT\n');
        state.code = 2;
        return;
      }
      if (!token) {
        io.stderr('dsreg-doctor push: set DSREG_DOCTOR_INGEST_TOKEN to the server’s ingest token\n');
        state.code = 2;
        return;
      }
      let plan: Awaited<ReturnType<typeof planPushes>>;
      try {
        plan = await planPushes(paths, io);
      } catch (err) {
        const path = paths.find((p) => String((err as Error).message).includes(p)) ?? paths[0]!;
        io.stderr(
          `dsreg-doctor push: ${err instanceof Error && err.name === 'InputError' ? err.message : describeReadError(path, err)}\n`,
        );
        state.code = 2;
        return;
      }
      for (const s of plan.skipped) io.stderr(`dsreg-doctor push: not sent: ${s}\n`);
      const tally = await sendAll(plan.pushes, io, { ...opts, server: opts.server, token });
      for (const e of tally.errors) io.stderr(`dsreg-doctor push: not stored: ${e}\n`);
      io.stdout(`${summaryLine(plan.pushes.length, tally)}\n`);
      state.code = tally.errors.length > 0 || plan.pushes.length === 0 ? 2 : tally.verdicts.failed ? 1 : 0;
    });
}
