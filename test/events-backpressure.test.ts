// Output through a pipe: every writer waits for 'drain', so a slow reader gets every line and the
// output never piles up in memory (issue 12: `events --format jsonl big.evtx | wc -l` lost lines).
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { drainingWriter, lineWriter, nodeIO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';

const SECURITY = '../shared/samples/evtx/security.evtx';

/** The sample's chunks repeated `times` times behind its file header: a larger log of real records. */
function repeatedEvtx(times: number): Uint8Array {
  const b = readFileSync(SECURITY);
  const chunks: Buffer[] = [];
  for (let o = 4096; o + 65536 <= b.length; o += 65536)
    if (b[o] === 0x45 && b[o + 3] === 0x43) chunks.push(b.subarray(o, o + 65536));
  return new Uint8Array(Buffer.concat([b.subarray(0, 4096), ...Array(times).fill(chunks).flat()]));
}

describe('drainingWriter', () => {
  it('resolves at once while the stream takes more, and only on drain once it is full', async () => {
    const stream = Object.assign(new EventEmitter(), { full: false, write: (_: string) => !stream.full });
    const write = drainingWriter(stream);
    await write('a');
    stream.full = true;
    let done = false;
    const p = write('b').then(() => {
      done = true;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(done).toBe(false);
    stream.emit('drain');
    await p;
    expect(done).toBe(true);
    expect(stream.listenerCount('drain') + stream.listenerCount('close')).toBe(0);
  });

  it('does not wait forever for a stream that closes instead of draining', async () => {
    const stream = Object.assign(new EventEmitter(), { write: (_: string) => false });
    const p = drainingWriter(stream)('x');
    stream.emit('close');
    await expect(p).resolves.toBeUndefined();
  });
});

describe('lineWriter', () => {
  it('writes lines in pieces, in order, and the rest on flush', async () => {
    const pieces: string[] = [];
    const lines = lineWriter(async (t) => {
      pieces.push(t);
    }, 10);
    for (const l of ['one', 'two', 'three', 'four']) await lines.push(l);
    await lines.flush();
    expect(pieces.join('')).toBe('one\ntwo\nthree\nfour\n');
    expect(pieces.length).toBeGreaterThan(1);
  });
});

describe('events waits for a slow reader', () => {
  it('never has more than one write outstanding, and every record arrives', async () => {
    const base = nodeIO();
    let outstanding = 0;
    let most = 0;
    let text = '';
    const io = {
      ...base,
      isTTY: false,
      env: {},
      stderr: () => {},
      // A reader slower than the writer: each write is taken a few milliseconds later.
      stdout: (t: string) => {
        outstanding++;
        most = Math.max(most, outstanding);
        text += t;
        return new Promise<void>((resolve) =>
          setTimeout(() => {
            outstanding--;
            resolve();
          }, 2),
        );
      },
    };
    expect(await main(['events', SECURITY, '--format', 'jsonl'], io)).toBe(0);
    const lines = text.trim().split('\n');
    expect(lines.length).toBeGreaterThan(2000);
    expect(new Set(lines.map((l) => JSON.parse(l).recordId)).size).toBe(lines.length);
    expect(most).toBe(1);
  });

  it('a child process piping into a slow reader gets every line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dsreg-bp-'));
    try {
      const file = path.join(dir, 'big.evtx');
      writeFileSync(file, repeatedEvtx(4));
      const expected = 4 * (await countRecords());
      const child = spawn(process.execPath, ['bin/dsreg-doctor.js', 'events', '--format', 'jsonl', file], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let lines = 0;
      // Read a piece, then pause: the pipe fills and the writer must wait for it to drain.
      child.stdout.on('data', (d: Buffer) => {
        for (const b of d) if (b === 10) lines++;
        child.stdout.pause();
        setTimeout(() => child.stdout.resume(), 1);
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(0);
      expect(lines).toBe(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

async function countRecords(): Promise<number> {
  let n = 0;
  const m = { ...nodeIO(), isTTY: false, env: {}, stderr: () => {} };
  await main(['events', SECURITY, '--format', 'jsonl'], {
    ...m,
    stdout: (t: string) => {
      for (const c of t) if (c === '\n') n++;
    },
  });
  return n;
}
