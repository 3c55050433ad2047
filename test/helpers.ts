import type { CliIO } from '../src/cli/io.js';

/** A CliIO over in-memory files, capturing what the CLI prints. */
export function memoryIO(files: Record<string, string | Uint8Array> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    read: async (path) => {
      const f = files[path];
      if (f === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      return typeof f === 'string' ? new TextEncoder().encode(f) : f;
    },
    isTTY: false,
    columns: 80,
    env: {},
    now: () => new Date('2026-01-01T00:00:00Z'),
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}
