// `events` reads an .evtx on disk chunk by chunk (memory bounded on a 1 GB log), never whole.
import { describe, expect, it } from 'vitest';
import { nodeIO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';

describe('events on an .evtx file', () => {
  it('reads it through a file source, 64 KiB at a time, and closes it', async () => {
    const base = nodeIO();
    let out = '';
    let wholeReads = 0;
    let largest = 0;
    let closed = 0;
    const io = {
      ...base,
      isTTY: false,
      env: {},
      stdout: (t: string) => {
        out += t;
      },
      stderr: () => {},
      read: async (p: string) => {
        wholeReads++;
        return base.read(p);
      },
      open: (p: string) => {
        const src = base.open!(p);
        return {
          size: src.size,
          read: (offset: number, length: number) => {
            largest = Math.max(largest, length);
            return src.read(offset, length);
          },
          close: () => {
            closed++;
            src.close();
          },
        };
      },
    };
    const code = await main(['events', '../shared/samples/evtx/security.evtx', '--format', 'jsonl'], io);
    expect(code).toBe(0);
    expect(out.trim().split('\n').length).toBeGreaterThan(2000);
    expect(wholeReads).toBe(0);
    expect(largest).toBeLessThanOrEqual(65536);
    expect(closed).toBe(1);
  });

  // Until issue 12 text exports were read whole (this test said so); now they stream as well.
  it('reads text exports in pieces of at most 64 KiB too, never whole', async () => {
    const base = nodeIO();
    let wholeReads = 0;
    let pieces = 0;
    let largest = 0;
    let out = '';
    const io = {
      ...base,
      stdout: (t: string) => {
        out += t;
      },
      stderr: () => {},
      read: async (p: string) => {
        wholeReads++;
        return base.read(p);
      },
      stream: async (p: string) => {
        const s = await base.stream!(p);
        return {
          ...s,
          chunks: (async function* () {
            for await (const c of s.chunks) {
              pieces++;
              largest = Math.max(largest, c.length);
              yield c;
            }
          })(),
        };
      },
    };
    expect(await main(['events', 'examples/events/join-fail.wevtutil.xml'], io)).toBe(0);
    expect(wholeReads).toBe(0);
    expect(pieces).toBeGreaterThan(0);
    expect(largest).toBeLessThanOrEqual(65536);
    expect(out).toMatch(/304/);
  });
});
