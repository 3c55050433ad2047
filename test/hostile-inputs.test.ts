// Inputs from strangers: nothing is read without a bound, binary data is refused from its first
// bytes, an empty file is called empty, and each ends in one line on standard error and exit 2.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatSize, parseSize } from '../src/cli/intake.js';
import { type CliIO, nodeIO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';

const dir = mkdtempSync(path.join(tmpdir(), 'dsreg-hostile-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** The Node IO with output captured, and the bytes it was asked for counted. */
function captured(extra: Partial<CliIO> = {}) {
  const base = nodeIO();
  let out = '';
  let err = '';
  let bytesRead = 0;
  const io: CliIO = {
    ...base,
    isTTY: false,
    env: {},
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    stream: async (p) => {
      const s = await base.stream!(p);
      return {
        ...s,
        chunks: (async function* () {
          for await (const c of s.chunks) {
            bytesRead += c.length;
            yield c;
          }
        })(),
      };
    },
    ...extra,
  };
  return { io, out: () => out, err: () => err, bytesRead: () => bytesRead };
}

/** A FIFO with a writer that never stops (killed after the test). */
function fifoFedBy(name: string, command: string): string {
  const fifo = path.join(dir, name);
  execFileSync('mkfifo', [fifo]);
  const child = spawn('bash', ['-c', `${command} > '${fifo}'`], { stdio: 'ignore' });
  child.on('error', () => {});
  children.push(child);
  return fifo;
}

describe('input sizes', () => {
  it('--max-input takes 500M, 2G, 64KiB or bytes, and says sizes back in binary units', () => {
    expect(parseSize('500M')).toBe(500 * 1024 * 1024);
    expect(parseSize('2G')).toBe(2 * 1024 ** 3);
    expect(parseSize('64KiB')).toBe(65536);
    expect(parseSize('1048576')).toBe(1048576);
    expect(() => parseSize('lots')).toThrow(/500M/);
    expect(formatSize(2 * 1024 ** 3)).toBe('2 GiB');
    expect(formatSize(256 * 1024 * 1024)).toBe('256 MiB');
  });

  it('a bad --max-input is one line and exit 2', async () => {
    const m = captured();
    expect(await main(['events', 'x.evtx', '--max-input', 'lots'], m.io)).toBe(2);
    expect(m.err()).toMatch(/--max-input/);
  });
});

describe('endless and binary inputs', () => {
  for (const cmd of ['events', 'diagnose']) {
    it(`${cmd} /dev/zero: refused as binary from its first bytes`, async () => {
      const m = captured();
      expect(await main([cmd, '/dev/zero'], m.io)).toBe(2);
      expect(m.err()).toMatch(
        /^dsreg-doctor[^\n]*\/dev\/zero: binary data, neither text nor an \.evtx event log: not read\n$/,
      );
      expect(m.bytesRead()).toBeLessThanOrEqual(1 << 20);
    });

    it(`${cmd} on a FIFO fed from /dev/zero ends, refused as binary`, async () => {
      const fifo = fifoFedBy(`zero-${cmd}`, 'cat /dev/zero');
      const m = captured();
      expect(await main([cmd, fifo], m.io)).toBe(2);
      expect(m.err()).toMatch(/binary data/);
      expect(m.bytesRead()).toBeLessThanOrEqual(1 << 20);
    });

    it(`${cmd} on a FIFO of endless text stops at --max-input`, async () => {
      const fifo = fifoFedBy(`yes-${cmd}`, "yes 'AzureAdJoined : YES'");
      const m = captured();
      expect(await main([cmd, fifo, '--max-input', '1M'], m.io)).toBe(2);
      expect(m.err()).toMatch(/larger than the input limit of 1 MiB[^\n]*--max-input[^\n]*\n$/);
      expect(m.err().trim().split('\n')).toHaveLength(1);
      expect(m.bytesRead()).toBeLessThanOrEqual(2 << 20);
    });

    it(`${cmd}: a 20 MiB random file is refused after reading its head only`, async () => {
      const file = path.join(dir, `random-${cmd}.bin`);
      writeFileSync(file, randomBytes(20 << 20));
      const m = captured();
      expect(await main([cmd, file], m.io)).toBe(2);
      expect(m.err()).toMatch(/binary data/);
      expect(m.bytesRead()).toBeLessThanOrEqual(1 << 20);
    });

    it(`${cmd}: an empty file is called empty`, async () => {
      const file = path.join(dir, `empty-${cmd}.txt`);
      writeFileSync(file, '');
      const m = captured();
      expect(await main([cmd, file], m.io)).toBe(2);
      expect(m.err()).toMatch(/empty-[a-z]+\.txt: empty file\n$/);
    });

    it(`${cmd}: a file larger than --max-input is refused before it is read`, async () => {
      const m = captured();
      expect(await main([cmd, '../shared/samples/evtx/security.evtx', '--max-input', '1M'], m.io)).toBe(2);
      expect(m.err()).toMatch(/security\.evtx: larger than the input limit of 1 MiB/);
      expect(m.bytesRead()).toBe(0);
    });
  }

  it('diagnose - < /dev/zero ends with one line and exit 2', () => {
    const zero = openSync('/dev/zero', 'r');
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, ['bin/dsreg-doctor.js', 'diagnose', '-'], {
        stdio: [zero, 'pipe', 'pipe'],
        timeout: 20_000,
        encoding: 'utf8',
      });
    } catch (e) {
      const err = e as { status: number; stderr: string };
      status = err.status;
      stderr = err.stderr;
    }
    expect(status).toBe(2);
    expect(stderr).toBe(
      'dsreg-doctor diagnose: -: binary data, neither text nor an .evtx event log: not read\n',
    );
  });

  it('diagnose - on a terminal says it reads standard input and how to end it', async () => {
    const m = captured({
      stream: async () => ({
        isTTY: true,
        chunks: (async function* () {})(),
        close: () => {},
      }),
    });
    expect(await main(['diagnose', '-'], m.io)).toBe(2);
    expect(m.err()).toBe(
      'dsreg-doctor diagnose: reading standard input (end it with Ctrl+D, or Ctrl+Z and Enter on Windows)\n' +
        'dsreg-doctor diagnose: -: standard input is empty\n',
    );
  });
});
