// A ByteSource over an open file, for the .evtx reader: each read is one fs.readSync into a fresh
// buffer, so reading a 1 GB log holds one 64 KiB chunk at a time, never the file.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ByteSource } from '../evtx/index.js';

export interface FileSource extends ByteSource {
  close(): void;
}

/** Open `path` for reading; call close() when done (the reader does not). */
export function openFileSource(path: string): FileSource {
  const fd = openSync(path, 'r');
  let size: number;
  try {
    size = fstatSync(fd).size;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  return fdSource(fd, size, () => closeSync(fd));
}

/** A ByteSource over a file descriptor the caller owns. */
export function fdSource(fd: number, size: number, close: () => void = () => {}): FileSource {
  return {
    size,
    read(offset: number, length: number): Uint8Array {
      const n = Math.max(0, Math.min(length, size - offset));
      const buf = new Uint8Array(n);
      let done = 0;
      while (done < n) {
        const got = readSync(fd, buf, done, n - done, offset + done);
        if (got === 0) break; // the file shrank while being read
        done += got;
      }
      return done === n ? buf : buf.subarray(0, done);
    },
    close,
  };
}
