// The file system functions the CLI awaits, made from node:fs's callback functions: importing
// node:fs/promises loads Node's readline, file watchers and directory modules with it (about 3% of
// a bare `node -e ''` start-up), none of which a command uses. Same results, same errors. Written
// out rather than made by util.promisify, which costs every start-up its first call of each.
import {
  close as closeCallback,
  fstat as fstatCallback,
  open as openCallback,
  read as readCallback,
  readFile as readFileCallback,
  type Stats,
  stat as statCallback,
  writeFile as writeFileCallback,
} from 'node:fs';

/** A promise settled by a Node callback: rejected with its error, else resolved with its value. */
function settle<T>(start: (done: (err: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => start((err, value) => (err ? reject(err) : resolve(value))));
}

export const stat = (path: string) => settle<Stats>((done) => statCallback(path, done));
export const readFile = (path: string) => settle<Buffer>((done) => readFileCallback(path, done));
export const writeFile = (path: string, data: string | Uint8Array) =>
  settle<void>((done) => writeFileCallback(path, data, (err) => done(err, undefined)));

const open = (path: string, flags: string) => settle<number>((done) => openCallback(path, flags, done));
const close = (fd: number) => settle<void>((done) => closeCallback(fd, (err) => done(err, undefined)));
const fstat = (fd: number) => settle<Stats>((done) => fstatCallback(fd, done));
/** Reads into buf at `position`, or (null) where the file is, as a pipe or a terminal is read. */
const read = (fd: number, buf: Uint8Array, position: number | null = 0) =>
  new Promise<number>((resolve, reject) =>
    readCallback(fd, buf, 0, buf.length, position, (err, n) => (err ? reject(err) : resolve(n))),
  );

/** The first bytes of a file (as readHead of src/node/bundle-reader.ts), to tell a zip from a capture. */
export async function readHead(path: string, length = 4): Promise<Uint8Array> {
  const fd = await open(path, 'r');
  try {
    const buf = new Uint8Array(length);
    return buf.subarray(0, await read(fd, buf));
  } finally {
    await close(fd);
  }
}

/** A file opened to be read in pieces (as io.ts's InputStream). */
export interface FileChunks {
  /** The size of a regular file; undefined for a FIFO or a device. */
  size?: number;
  chunks: AsyncIterable<Uint8Array>;
  /** Stops reading and closes the file (also done when the pieces run out or the reader stops). */
  close(): void;
}

/**
 * Opens a path to be read from start to end in pieces of at most `pieceSize` bytes, each a buffer
 * of its own. Node's fs.createReadStream does the same, but loads node:stream and node:fs/promises
 * (and readline with it) on first use, a sixth of a bare start-up, for what is here a loop of
 * reads. Errors of opening (ENOENT, EACCES, EISDIR) are thrown by this call; those of reading by
 * the iteration.
 */
export async function openChunks(path: string, pieceSize: number): Promise<FileChunks> {
  const fd = await open(path, 'r');
  let isFile = false;
  let size = 0;
  try {
    const st = await fstat(fd);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    isFile = st.isFile();
    size = st.size;
  } catch (err) {
    await close(fd);
    throw err;
  }
  let isOpen = true;
  let stopped = false;
  let reading = false;
  const release = (): void => {
    if (!isOpen) return;
    isOpen = false;
    closeCallback(fd, () => {});
  };
  async function* pieces(): AsyncGenerator<Uint8Array> {
    try {
      while (!stopped) {
        const buf = new Uint8Array(pieceSize);
        reading = true;
        const n = await read(fd, buf, null).finally(() => {
          reading = false;
        });
        if (n === 0 || stopped) return;
        yield n === pieceSize ? buf : buf.subarray(0, n);
      }
    } finally {
      release();
    }
  }
  return {
    ...(isFile ? { size } : {}),
    chunks: pieces(),
    close: () => {
      stopped = true;
      // A read in flight finishes first; the loop then sees `stopped` and closes the file.
      if (!reading) release();
    },
  };
}
