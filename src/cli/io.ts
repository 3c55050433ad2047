// What the CLI needs from the outside world, passed in so that commands can be tested in-process.
import { readFile } from 'node:fs/promises';
import type { ByteSource } from '../evtx/index.js';
import { openFileSource } from '../node/file-source.js';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Reads a path, or standard input for '-'. */
  read(path: string): Promise<Uint8Array>;
  /**
   * Opens a path for random access (an .evtx read chunk by chunk, so memory stays bounded on a
   * 1 GB log); undefined where that is not possible (standard input, in-memory test files).
   */
  open?(path: string): ByteSource & { close(): void };
  /** Whether standard output is a terminal (colour, width). */
  isTTY: boolean;
  /** Whether standard error is a terminal (progress of long work is shown there, and only then). */
  stderrIsTTY?: boolean;
  columns: number;
  env: Record<string, string | undefined>;
  /** The wall clock, used only where the user did not pass --now and the input has no time of its own. */
  now(): Date;
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

export function nodeIO(): CliIO {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    read: async (path) => (path === '-' ? readStdin() : new Uint8Array(await readFile(path))),
    open: (path) => openFileSource(path),
    isTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    columns: process.stdout.columns || 80,
    env: process.env,
    now: () => new Date(),
  };
}

/** Turns a file system error into the one line a user should see. */
export function describeReadError(path: string, err: unknown): string {
  const code = (err as { code?: string }).code;
  switch (code) {
    case 'ENOENT':
      return `${path}: no such file`;
    case 'EISDIR':
      return `${path}: is a directory`;
    case 'EACCES':
    case 'EPERM':
      return `${path}: permission denied`;
    default:
      return `${path}: cannot read (${code ?? (err instanceof Error ? err.message : String(err))})`;
  }
}
