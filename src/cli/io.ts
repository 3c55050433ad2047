// What the CLI needs from the outside world, passed in so that commands can be tested in-process.
import type { ByteSource } from '../evtx/index.js';
import { openFileSource } from '../node/file-source.js';
import { openChunks, readFile } from './fs.js';
import { fdColumns, fdIsTTY, fdWritable, writeFd } from './stdio.js';

/** A file or standard input opened for reading in pieces (see CliIO.stream). */
export interface InputStream {
  /** The size on disk of a regular file; undefined for standard input, a FIFO or a device. */
  size?: number;
  /** Whether the input is a terminal (standard input typed at a prompt). */
  isTTY?: boolean;
  chunks: AsyncIterable<Uint8Array>;
  close(): void;
}

export interface CliIO {
  /**
   * Writes to standard output. The Node IO returns a promise that resolves once the stream can
   * take more (it waits for 'drain' when the reader is slower than we are): await it, or print
   * through `outputWriter(io)` / `lineWriter(...)`, so output piped into a slow reader never piles
   * up in memory. In-process test IOs may return nothing.
   */
  stdout(text: string): void;
  stderr(text: string): void;
  /** Reads a path, or standard input for '-'. */
  read(path: string): Promise<Uint8Array>;
  /**
   * Opens a path (or '-', standard input) to be read in pieces, so that an input limit can stop a
   * read of /dev/zero and a large export is never held whole; undefined in in-memory tests.
   */
  stream?(path: string): Promise<InputStream>;
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
  /** The clock of progress lines (milliseconds, default Date.now): tests pass one that runs fast. */
  clock?: () => number;
  /** The wall clock, used only where the user did not pass --now and the input has no time of its own. */
  now(): Date;
}

/** How text reaches a writable stream with back-pressure: resolves when the stream wants more. */
export interface Drainable {
  write(chunk: string): boolean;
  once(event: 'drain' | 'close' | 'error', listener: () => void): unknown;
  removeListener(event: 'drain' | 'close' | 'error', listener: () => void): unknown;
}

/**
 * A writer that respects back-pressure: when write() says the stream's buffer is full, the promise
 * resolves only on 'drain' (or when the stream closes or fails, so that a reader that went away
 * never leaves us waiting). Without this, output piped into a slow reader piles up in memory.
 */
export function drainingWriter(stream: Drainable): (text: string) => Promise<void> {
  return (text) => {
    if (stream.write(text)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        stream.removeListener('drain', done);
        stream.removeListener('close', done);
        stream.removeListener('error', done);
        resolve();
      };
      stream.once('drain', done);
      stream.once('close', done);
      stream.once('error', done);
    });
  };
}

/** The one writer for standard output, for every command: resolves when the output can take more. */
export function outputWriter(io: CliIO): (text: string) => Promise<void> {
  return async (text) => {
    const done: unknown = io.stdout(text);
    if (done instanceof Promise) await done;
  };
}

/**
 * Lines gathered into pieces of about 64 KiB and written through a writer that respects
 * back-pressure: `await lines.push(line)` waits only when a piece was written and the reader is
 * slow; `await lines.flush()` writes what is left (call it before anything goes to standard error,
 * so that the two streams stay in order on a terminal).
 */
export interface LineWriter {
  push(line: string): Promise<void>;
  flush(): Promise<void>;
}

export function lineWriter(write: (text: string) => Promise<void>, pieceSize = 65536): LineWriter {
  let parts: string[] = [];
  let size = 0;
  const flush = async (): Promise<void> => {
    if (parts.length === 0) return;
    const text = `${parts.join('\n')}\n`;
    parts = [];
    size = 0;
    await write(text);
  };
  return {
    push: (line) => {
      parts.push(line);
      size += line.length + 1;
      return size >= pieceSize ? flush() : Promise.resolve();
    },
    flush,
  };
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

/** A file or standard input as pieces of at most 64 KiB. */
async function streamInput(path: string): Promise<InputStream> {
  if (path === '-') {
    return {
      isTTY: Boolean(process.stdin.isTTY),
      chunks: process.stdin as AsyncIterable<Uint8Array>,
      close: () => process.stdin.pause(),
    };
  }
  // Opening errors (ENOENT, EACCES, EISDIR) are thrown here, as the caller expects.
  return openChunks(path, 64 * 1024);
}

/**
 * The IO of the real process. Standard output and error are written as src/cli/stdio.ts says
 * (straight to the descriptor into a file or a pipe), and whether they are terminals is asked
 * only when a command wants to know.
 */
export function nodeIO(): CliIO {
  return {
    stdout: drainingWriter(fdWritable(1)),
    stderr: (t) => writeFd(2, t),
    read: async (path) => (path === '-' ? readStdin() : new Uint8Array(await readFile(path))),
    stream: streamInput,
    open: (path) => openFileSource(path),
    get isTTY() {
      return fdIsTTY(1);
    },
    get stderrIsTTY() {
      return fdIsTTY(2);
    },
    get columns() {
      return fdColumns(1) || 80;
    },
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
