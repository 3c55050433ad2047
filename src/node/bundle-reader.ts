// Reading a log collection from disk: a folder (recursively) or a .zip (streamed from the file into
// the pure reader in src/input/zip.ts, with its limits).
import { createReadStream } from 'node:fs';
import { lstat, open, readdir, readFile, stat } from 'node:fs/promises';
import { concatBytes } from '../input/chunks.js';
import type { BundleEntry } from '../input/kinds.js';
import { binaryHead } from '../input/magic.js';
import {
  type Bundle,
  type BundleLimits,
  DEFAULT_LIMITS,
  HEAD,
  mib,
  readZip,
  type SkippedEntry,
} from '../input/zip.js';
import { InputError } from '../types.js';

export {
  type Bundle,
  type BundleLimits,
  cleanEntryName,
  DEFAULT_LIMITS,
  isZip,
  readZip,
  type SkippedEntry,
} from '../input/zip.js';

/** The first bytes of a file on disk (fewer when it is shorter). */
export async function readHead(path: string, length = 4): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = new Uint8Array(length);
    const { bytesRead } = await fh.read(buf, 0, length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Told the bytes read so far of the bytes there are to read (a progress line). */
export type BundleProgress = (done: number, total: number) => void;

/**
 * Reads a zip file from disk as a stream; `onProgress` is told the bytes of the archive read so far
 * of its size, once a 64 KiB piece.
 */
export async function readZipFile(
  path: string,
  limits: BundleLimits = DEFAULT_LIMITS,
  onProgress?: BundleProgress,
): Promise<Bundle> {
  const size = onProgress ? (await stat(path)).size : 0;
  const stream = createReadStream(path, { highWaterMark: 64 * 1024 });
  const pieces = stream as AsyncIterable<Uint8Array>;
  return readZip(path, onProgress ? counted(pieces, size, onProgress) : pieces, limits).finally(() =>
    stream.destroy(),
  );
}

async function* counted(
  pieces: AsyncIterable<Uint8Array>,
  size: number,
  onProgress: BundleProgress,
): AsyncGenerator<Uint8Array> {
  let done = 0;
  for await (const piece of pieces) {
    done += piece.length;
    onProgress(done, Math.max(size, done));
    yield piece;
  }
}

/** A file of a folder, in reading order: its bytes already there (a binary head), or to be read. */
type Slot = { name: string; bytes: Uint8Array } | { name: string; full: string; size: number };

/**
 * Reads every file under a folder. Symbolic links are not followed (listed as skipped); files over
 * the size limit are listed, not read; the number of files and the total size are bounded, and
 * checked before any file is read. `onProgress` is told the bytes read of the bytes to read.
 */
export async function readFolder(
  path: string,
  limits: BundleLimits = DEFAULT_LIMITS,
  onProgress?: BundleProgress,
): Promise<Bundle> {
  const skipped: SkippedEntry[] = [];
  const slots = await listFolder(path, limits, skipped);
  const total = slots.reduce((n, s) => n + ('size' in s ? s.size : 0), 0);
  let done = 0;
  onProgress?.(0, total);
  const entries: BundleEntry[] = [];
  for (const slot of slots) {
    if (!('size' in slot)) {
      entries.push(slot);
      continue;
    }
    try {
      entries.push({
        name: slot.name,
        bytes: await readWhole(slot.full, slot.size, (n) => onProgress?.(done + n, total)),
      });
    } catch (err) {
      const code = (err as { code?: string }).code;
      skipped.push({ name: slot.name, reason: `cannot be read (${code ?? 'error'})` });
    }
    done += slot.size;
    onProgress?.(done, total);
  }
  return { entries, skipped };
}

/** A file read whole; one of 8 MiB or more in pieces of 1 MiB, each told to `onBytes`. */
async function readWhole(full: string, size: number, onBytes: (n: number) => void): Promise<Uint8Array> {
  if (size < 8 * 1024 * 1024) return new Uint8Array(await readFile(full));
  const pieces: Uint8Array[] = [];
  let n = 0;
  for await (const piece of createReadStream(full, { highWaterMark: 1024 * 1024 })) {
    pieces.push(piece as Uint8Array);
    n += (piece as Uint8Array).length;
    onBytes(Math.min(n, size));
  }
  return concatBytes(pieces, n);
}

/**
 * The files of a folder, recursively, in name order, with the limits applied: what cannot be read
 * goes to `skipped`; a large binary file that is no event log keeps its head only.
 */
async function listFolder(path: string, limits: BundleLimits, skipped: SkippedEntry[]): Promise<Slot[]> {
  const slots: Slot[] = [];
  const base = path.replace(/[\\/]+$/, '') || path;
  let count = 0;
  let total = 0;

  const walk = async (dir: string, rel: string, depth: number): Promise<void> => {
    if (depth > limits.maxDepth) {
      skipped.push({ name: `${base}/${rel}`, reason: `more than ${limits.maxDepth} folders deep: not read` });
      return;
    }
    const items = await readdir(dir, { withFileTypes: true });
    items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const item of items) {
      const relName = rel ? `${rel}/${item.name}` : item.name;
      const full = `${dir}/${item.name}`;
      const name = `${base}/${relName}`;
      if (item.isSymbolicLink()) {
        skipped.push({ name, reason: 'a symbolic link: not followed' });
        continue;
      }
      if (item.isDirectory()) {
        await walk(full, relName, depth + 1);
        continue;
      }
      if (!item.isFile()) {
        skipped.push({ name, reason: 'not a regular file' });
        continue;
      }
      count++;
      if (count > limits.maxEntries) {
        throw new InputError(path, `more than ${limits.maxEntries} files in the folder: not read`);
      }
      const st = await lstat(full);
      if (st.size > HEAD) {
        // A large binary file that is no event log (a network trace): its head says enough.
        const head = await readHead(full, HEAD);
        if (binaryHead(head)) {
          slots.push({ name, bytes: head });
          continue;
        }
      }
      if (st.size > limits.maxEntryBytes) {
        skipped.push({ name, reason: `larger than ${mib(limits.maxEntryBytes)}: not read` });
        continue;
      }
      total += st.size;
      if (total > limits.maxTotalBytes) {
        throw new InputError(path, `more than ${mib(limits.maxTotalBytes)} of files in the folder: not read`);
      }
      slots.push({ name, full, size: st.size });
    }
  };
  await walk(base, '', 0);
  return slots;
}
