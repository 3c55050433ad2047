// Standard output and standard error, written straight to their file descriptors where that is
// what Node itself would do.
//
// The first read of process.stdout (or stderr) makes Node build a stream for it: for a file or a
// pipe that loads node:stream and every stream module with it, for a terminal node:tty and
// node:net too, about a fifth of a bare `node -e ''` start-up before a line is written. Into a
// file, a pipe, a socket or /dev/null, Node's own stream writes synchronously on Linux anyway
// (fs.writeSync for files, a blocking write for pipes); here the same write is made without the
// stream. A terminal, and anything else, still gets Node's stream, as does the rest of the output
// once a write would block (a pipe left non-blocking by whoever made it), so that no byte is lost
// or reordered.
//
// A reader that went away (`dsreg-doctor events big.evtx | head`) is not an error: the process
// ends with the exit code it had, as it does for an EPIPE on Node's stream.
import { fstatSync, statSync, writeSync } from 'node:fs';

type Fd = 1 | 2;

/** How each descriptor is written: straight with writeSync, or through Node's stream. */
type Way = 'direct' | 'stream';

const ways: Partial<Record<Fd, Way>> = {};

/** The device number of /dev/null, or -1 where there is none (not on a POSIX system). */
let nullDevice: number | undefined;
function nullRdev(): number {
  if (nullDevice === undefined) {
    try {
      nullDevice = statSync('/dev/null').rdev;
    } catch {
      nullDevice = -1;
    }
  }
  return nullDevice;
}

/**
 * Whether Node's own stream would write this descriptor synchronously and never be a terminal: a
 * regular file, a pipe, a socket, /dev/null. Windows keeps Node's stream (its pipes are
 * asynchronous there).
 */
function directWay(fd: Fd): Way {
  if (process.platform === 'win32') return 'stream';
  try {
    const st = fstatSync(fd);
    if (st.isFile() || st.isFIFO() || st.isSocket()) return 'direct';
    if (st.isCharacterDevice() && st.rdev === nullRdev()) return 'direct';
  } catch {
    // A closed descriptor: Node's stream knows what to do with it.
  }
  return 'stream';
}

function wayOf(fd: Fd): Way {
  let way = ways[fd];
  if (way === undefined) {
    way = directWay(fd);
    ways[fd] = way;
  }
  return way;
}

/** Whether Node's stream of this descriptor was ever made (then it must be flushed before exit). */
function streamed(fd: Fd): boolean {
  return ways[fd] === 'stream';
}

function nodeStream(fd: Fd): NodeJS.WriteStream {
  ways[fd] = 'stream';
  const stream = fd === 1 ? process.stdout : process.stderr;
  if (stream.listenerCount('error') === 0) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  return stream;
}

/** The end of the process when its reader went away: quietly, with the exit code it had. */
function brokenPipe(): never {
  process.exit(process.exitCode ?? 0);
}

/**
 * Writes text to standard output (1) or standard error (2). True when it was written whole; false
 * when Node's stream holds some of it until the stream drains (as Writable.write answers).
 */
export function writeFd(fd: Fd, text: string): boolean {
  if (wayOf(fd) === 'stream') return nodeStream(fd).write(text);
  const bytes = Buffer.from(text, 'utf8');
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done, bytes.length - done);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') brokenPipe();
      if (code !== 'EAGAIN') throw err;
      // The descriptor is non-blocking and full: Node's stream takes the rest, and what follows.
      return nodeStream(fd).write(bytes.subarray(done));
    }
  }
  return true;
}

/** Standard output or error as the drainable stream that drainingWriter (io.ts) writes to. */
export function fdWritable(fd: Fd): {
  write(chunk: string): boolean;
  once(event: 'drain' | 'close' | 'error', listener: () => void): unknown;
  removeListener(event: 'drain' | 'close' | 'error', listener: () => void): unknown;
} {
  return {
    write: (chunk) => writeFd(fd, chunk),
    // Only asked for after write() said false, which only Node's stream says.
    once: (event, listener) => nodeStream(fd).once(event, listener),
    removeListener: (event, listener) => nodeStream(fd).removeListener(event, listener),
  };
}

/** Whether the descriptor is a terminal (never building a stream for a file, a pipe or /dev/null). */
export function fdIsTTY(fd: Fd): boolean {
  return wayOf(fd) === 'stream' && Boolean(nodeStream(fd).isTTY);
}

/** The terminal's width, or 0 where the descriptor is no terminal. */
export function fdColumns(fd: Fd): number {
  return fdIsTTY(fd) ? (fd === 1 ? process.stdout : process.stderr).columns || 0 : 0;
}

/**
 * Calls `done` once everything written has left the process: at once when nothing went through
 * Node's streams, else when both have flushed what they hold.
 */
export function whenFlushed(done: () => void): void {
  const pending = ([1, 2] as const).filter(streamed);
  let left = pending.length;
  if (left === 0) {
    done();
    return;
  }
  for (const fd of pending) {
    nodeStream(fd).write('', () => {
      left -= 1;
      if (left === 0) done();
    });
  }
}
