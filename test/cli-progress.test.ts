// Progress of long work on a terminal (issue 16): `diagnose`, `events` and `redact` of a folder or a
// .zip show the shared progress line (src/cli/progress.ts) on standard error, and only there: never
// in standard output, never when standard error is piped, never in CI. The commands run in process
// with a clock that moves a second a call, so the line shows however quick the work is.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeIO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';

const FOLDER = 'test/fixtures/bundles/authlogs-wks0417';
const tmp = mkdtempSync(join(tmpdir(), 'dsreg-progress-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The real CLI's io, standard error a terminal or a pipe, what it prints captured. */
function run(stderrIsTTY: boolean, env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  let ms = 0;
  const io = {
    ...nodeIO(),
    stdout: (t: string) => out.push(t),
    stderr: (t: string) => err.push(t),
    isTTY: false,
    stderrIsTTY,
    env,
    clock: () => (ms += 1000),
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

/** The line as cli-progress draws it: from column 1, the label, a bar of 20, what follows, erase to the right. */
function line(label: string, rest: string): RegExp {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\u001b\\[1G${esc(label)} [=-]{20} ${rest}\\u001b\\[0K`);
}

const ESC = /\u001b|\r/;

function folderZip(): string {
  const files: Record<string, Uint8Array> = {};
  for (const name of [
    'dsregcmd_status_system.txt',
    'dsregcmd_status_user.txt',
    'Events/Microsoft-Windows-User Device Registration%4Admin.xml',
  ]) {
    files[relative(FOLDER, join(FOLDER, name))] = new Uint8Array(readFileSync(join(FOLDER, name)));
  }
  const path = join(tmp, 'authlogs.zip');
  writeFileSync(path, zipSync(files));
  return path;
}

describe('progress of a folder or a .zip', () => {
  it('diagnose of a folder: the files read, then the logs read, in bytes; erased; stdout untouched', async () => {
    const tty = run(true);
    expect(await main(['diagnose', FOLDER], tty.io)).toBe(1);
    expect(tty.err()).toMatch(line(`Reading ${FOLDER}`, '100% 18 KB of 18 KB'));
    expect(tty.err()).toMatch(line(`Reading the logs of ${FOLDER}`, '100% \\d+ KB of \\d+ KB'));
    // Each line is erased before the command's own lines, which are as they are without it.
    expect(tty.err()).toMatch(/\u001b\[2Kdsreg-doctor diagnose: test\/fixtures.*: 3 of 8 files used\n/);
    const piped = run(false);
    expect(await main(['diagnose', FOLDER], piped.io)).toBe(1);
    expect(piped.err()).not.toMatch(ESC);
    expect(tty.err().replace(/\u001b7[\s\S]*?\u001b\[2K/g, '')).toBe(piped.err());
    expect(tty.out()).toBe(piped.out());
    expect(tty.out()).not.toMatch(ESC);
  });

  it('diagnose of a .zip on disk: the bytes of the archive read of its size', async () => {
    const zip = folderZip();
    const kb = Math.round(readFileSync(zip).length / 1024);
    const tty = run(true);
    expect(await main(['diagnose', zip], tty.io)).toBe(1);
    expect(tty.err()).toMatch(line(`Reading ${zip}`, `100% ${kb} KB of ${kb} KB`));
    const piped = run(false);
    expect(await main(['diagnose', zip], piped.io)).toBe(1);
    expect(piped.err()).not.toMatch(ESC);
    expect(tty.out()).toBe(piped.out());
  });

  it('events of a folder and of a .zip: the bytes read, then the records', async () => {
    for (const path of [FOLDER, folderZip()]) {
      const tty = run(true);
      expect(await main(['events', path, '-f', 'json'], tty.io)).toBe(0);
      expect(tty.err()).toMatch(line(`Reading ${path}`, '100% \\d+ KB of \\d+ KB'));
      expect(tty.err()).toContain(`\u001b[1GReading ${path}: 8 records\u001b[0K`);
      const piped = run(false);
      expect(await main(['events', path, '-f', 'json'], piped.io)).toBe(0);
      expect(piped.err()).not.toMatch(ESC);
      expect(tty.out()).toBe(piped.out());
      expect(tty.out().trim().split('\n')).toHaveLength(8);
    }
  });

  it('redact of a .zip: the files redacted of the files; nothing in CI or piped', async () => {
    const zip = folderZip();
    const tty = run(true);
    expect(await main(['redact', zip, '--out', join(tmp, 'r1.zip')], tty.io)).toBe(0);
    // Percent only (each file is gone through twice), drawn on the way and at the end.
    expect(tty.err()).toMatch(line(`Redacting ${zip}`, '[1-9]\\d?%'));
    expect(tty.err()).toMatch(line(`Redacting ${zip}`, '100%'));
    for (const [n, stderrIsTTY, env] of [
      [2, false, {}],
      [3, true, { CI: 'true' }],
      [4, true, { TERM: 'dumb' }],
    ] as const) {
      const quiet = run(stderrIsTTY, env);
      expect(await main(['redact', zip, '--out', join(tmp, `r${n}.zip`)], quiet.io)).toBe(0);
      expect(quiet.err()).not.toMatch(ESC);
      expect(quiet.err()).toMatch(/wrote 3 files to .*\.zip\n$/);
    }
  });
});

/**
 * Resolves once `test` holds of the file's text (true), or when `over()` says to stop looking or
 * after `ms` milliseconds (false).
 */
async function until(path: string, test: (text: string) => boolean, over: () => boolean, ms: number) {
  for (let waited = 0; waited < ms && !over(); waited += 50) {
    if (existsSync(path) && test(readFileSync(path, 'latin1'))) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return existsSync(path) && test(readFileSync(path, 'latin1'));
}

describe('progress of reconcile and push', () => {
  it('reconcile: each export on disk read with the shared line, erased; piped shows none', async () => {
    const files = [
      'examples/reconcile/ad-computers.csv',
      'examples/reconcile/entra-devices.csv',
      '--now',
      '2026-11-01T00:00:00Z',
    ];
    const exports = files.slice(0, 2);
    const tty = run(true);
    const code = await main(['reconcile', ...files], tty.io);
    for (const f of exports) {
      const kb = Math.round(readFileSync(f).length / 1024);
      expect(tty.err()).toMatch(line(`Reading ${f}`, `100% ${kb} KB of ${kb} KB`));
    }
    const piped = run(false);
    expect(await main(['reconcile', ...files], piped.io)).toBe(code);
    expect(piped.err()).not.toMatch(ESC);
    expect(tty.out()).toBe(piped.out());
    expect(tty.out()).not.toMatch(ESC);
    const quiet = run(true);
    await main(['reconcile', '--no-progress', ...files], quiet.io);
    expect(quiet.err()).not.toMatch(ESC);
  });

  it('push: the check-ins sent counted on the shared line, then the summary on standard output', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ device: 'd', verdict: 'healthy' }));
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as { port: number }).port;
    try {
      const files = ['examples/dsregcmd/hybrid-healthy.txt', 'examples/reconcile/wks-left-status.txt'];
      const args = ['push', ...files, '--server', `http://127.0.0.1:${port}`];
      const tty = run(true, { DSREG_DOCTOR_INGEST_TOKEN: 't' });
      expect(await main(args, tty.io)).toBe(0);
      expect(tty.err()).toMatch(line('Sending check-ins', '100% 2 check-ins of 2 check-ins'));
      expect(tty.out()).toBe('2 check-ins sent, 2 device check-ins stored (2 healthy)\n');
      const piped = run(false, { DSREG_DOCTOR_INGEST_TOKEN: 't' });
      expect(await main(args, piped.io)).toBe(0);
      expect(piped.err()).not.toMatch(ESC);
      expect(piped.out()).toBe(tty.out());
    } finally {
      server.close();
    }
  });
});

describe('the built bin on a real pseudo-terminal (script(1))', () => {
  it('draws the line on the terminal while it waits for input, and never in the output file', async () => {
    // A FIFO fed in two parts: the bin reads the first, then waits, and its progress line shows
    // (half a second on, by its timer); only once the line is seen does the rest come. No sleep.
    const fifo = join(tmp, 'slow.xml');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const out = join(tmp, 'records.jsonl');
    const typescript = join(tmp, 'typescript');
    const unit = readFileSync('examples/events/join-fail.wevtutil.xml', 'utf8');
    const command = `${process.execPath} bin/dsreg-doctor.js events ${fifo} -f json > ${out}`;
    const env = { PATH: process.env.PATH ?? '', TERM: 'xterm' };
    const child = spawn('script', ['-qfec', command, typescript], { env, stdio: 'ignore' });
    let over = false;
    const exited = new Promise<number | null>((r) =>
      child.on('exit', (code) => {
        over = true;
        r(code);
      }),
    );
    const writer = createWriteStream(fifo);
    // A bin that ended early (the bug this guards against) leaves the FIFO without a reader.
    writer.on('error', () => {});
    writer.write(unit.repeat(40));
    const shown = await until(
      typescript,
      (t) => /Reading \S+slow\.xml: \d+ records/.test(t),
      () => over,
      60_000,
    );
    writer.end(unit.repeat(10));
    expect(await exited).toBe(0);
    const terminal = readFileSync(typescript, 'latin1');
    expect(shown).toBe(true);
    expect(terminal).not.toMatch(/TypeError|at .*\.cjs/);
    // Erased at the end; the records went to the file, 8 a copy of the export, with no escape code.
    expect(terminal).toContain('\u001b[2K');
    const records = readFileSync(out, 'utf8');
    expect(records.trim().split('\n')).toHaveLength(8 * 50);
    expect(records).not.toMatch(ESC);
  }, 120_000);
});
