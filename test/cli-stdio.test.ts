// Standard output and error of the built bin (src/cli/stdio.ts): into a file, a pipe or /dev/null
// they are written straight to the descriptor, without Node's stream modules; no byte is lost or
// reordered when the pipe is non-blocking and full, or when the reader is slow; and a start-up
// that writes into a pipe loads none of node:stream, node:tty, node:net or node:fs/promises
// (counted in the modules Node loaded, not timed).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = 'bin/dsreg-doctor.js';
const LOG = '../shared/samples/evtx/security.evtx';
const CAPTURE = 'examples/dsregcmd/join-fail-device-not-synced.txt';
const tmp = mkdtempSync(join(tmpdir(), 'dsreg-stdio-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The bin's output written to a file by the shell: what every other way must match. */
function intoFile(args: string[]): Buffer {
  const out = join(tmp, 'out.txt');
  spawnSync('bash', ['-c', `node ${BIN} ${args.join(' ')} > ${out}`]);
  return readFileSync(out);
}

describe('standard output of the bin', () => {
  it('into a non-blocking pipe that fills up: every byte, in order, exit code kept', () => {
    // The reader sets the pipe non-blocking and waits before it reads, so that writes meet EAGAIN.
    const script = join(tmp, 'nonblocking.py');
    writeFileSync(
      script,
      [
        'import os, subprocess, sys, time',
        'r, w = os.pipe()',
        'os.set_blocking(w, False)',
        'p = subprocess.Popen(sys.argv[1:], stdout=w)',
        'os.close(w)',
        'time.sleep(0.5)',
        'chunks = []',
        'while True:',
        '    b = os.read(r, 65536)',
        '    if not b: break',
        '    chunks.append(b)',
        'sys.stdout.buffer.write(b"".join(chunks))',
        'sys.exit(p.wait())',
      ].join('\n'),
    );
    const args = ['events', LOG, '--format', 'jsonl'];
    const expected = intoFile(args);
    expect(expected.length).toBeGreaterThan(1_000_000);
    const r = spawnSync('python3', [script, 'node', BIN, ...args], { maxBuffer: 64 * 1024 * 1024 });
    expect(r.status).toBe(0);
    expect(r.stdout.equals(expected)).toBe(true);
  });

  it('into a slow reader: the whole output, and the exit code of the diagnosis', () => {
    const expected = intoFile(['diagnose', CAPTURE]);
    const r = spawnSync('bash', ['-c', `node ${BIN} diagnose ${CAPTURE} | (sleep 0.3; cat)`], {
      encoding: 'buffer',
    });
    expect(r.stdout.equals(expected)).toBe(true);
    const code = spawnSync('bash', ['-c', `node ${BIN} diagnose ${CAPTURE} > /dev/null`]).status;
    expect(code).toBe(1); // the capture's device failed to join
  });

  it('errors on standard error, output on standard output, each whole', () => {
    const r = spawnSync('node', [BIN, 'diagnose', CAPTURE, 'missing.txt'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('dsreg-doctor diagnose: missing.txt: no such file\n');
  });

  it('loads no stream, terminal or socket module of Node when it writes into a pipe', () => {
    const probe = join(tmp, 'modules.cjs');
    writeFileSync(
      probe,
      "process.on('exit', () => require('node:fs').writeSync(2, JSON.stringify(process.moduleLoadList)));",
    );
    for (const args of [['diagnose', CAPTURE], ['--help'], ['lookup', '0x801c03f2']]) {
      const r = spawnSync('node', ['-r', probe, BIN, ...args], { encoding: 'utf8' });
      const loaded: string[] = JSON.parse(r.stderr);
      const heavy = loaded.filter((m) =>
        /^NativeModule (stream|tty|net|readline|internal\/fs\/promises|internal\/streams\/readable)$/.test(m),
      );
      expect(heavy, args.join(' ')).toEqual([]);
      expect(r.stdout.length, args.join(' ')).toBeGreaterThan(100);
    }
  });
});
