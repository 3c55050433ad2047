// The file system functions the CLI awaits, made from node:fs's callback functions: importing
// node:fs/promises loads Node's readline, file watchers and directory modules with it (about 3% of
// a bare `node -e ''` start-up), none of which a command uses. Same results, same errors.
import {
  close as closeCallback,
  open as openCallback,
  read as readCallback,
  readFile as readFileCallback,
  stat as statCallback,
  writeFile as writeFileCallback,
} from 'node:fs';
import { promisify } from 'node:util';

export const stat = promisify(statCallback);
export const readFile = promisify(readFileCallback);
export const writeFile = promisify(writeFileCallback);

const open = promisify(openCallback);
const close = promisify(closeCallback);
const read = (fd: number, buf: Uint8Array) =>
  new Promise<number>((resolve, reject) =>
    readCallback(fd, buf, 0, buf.length, 0, (err, n) => (err ? reject(err) : resolve(n))),
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
