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

  it('still reads text exports whole', async () => {
    const base = nodeIO();
    let wholeReads = 0;
    const io = {
      ...base,
      stdout: () => {},
      stderr: () => {},
      read: async (p: string) => {
        wholeReads++;
        return base.read(p);
      },
    };
    expect(await main(['events', 'examples/events/join-fail.wevtutil.xml'], io)).toBe(0);
    expect(wholeReads).toBe(1);
  });
});
