// Reading a log collection from disk: a folder (recursively) or a .zip (streamed from the file into
// the pure reader in src/input/zip.ts, with its limits).
import { createReadStream } from 'node:fs';
import { lstat, open, readdir, readFile } from 'node:fs/promises';
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

/** Reads a zip file from disk as a stream. */
export function readZipFile(path: string, limits: BundleLimits = DEFAULT_LIMITS): Promise<Bundle> {
  const stream = createReadStream(path, { highWaterMark: 64 * 1024 });
  return readZip(path, stream as AsyncIterable<Uint8Array>, limits).finally(() => stream.destroy());
}

/**
 * Reads every file under a folder. Symbolic links are not followed (listed as skipped); files over
 * the size limit are listed, not read; the number of files and the total size are bounded.
 */
export async function readFolder(path: string, limits: BundleLimits = DEFAULT_LIMITS): Promise<Bundle> {
  const entries: BundleEntry[] = [];
  const skipped: SkippedEntry[] = [];
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
      if (st.size > HEAD && binaryHead(await readHead(full, HEAD))) {
        // A large binary file that is no event log (a network trace): its head says enough.
        entries.push({ name, bytes: await readHead(full, HEAD) });
        continue;
      }
      if (st.size > limits.maxEntryBytes) {
        skipped.push({ name, reason: `larger than ${mib(limits.maxEntryBytes)}: not read` });
        continue;
      }
      total += st.size;
      if (total > limits.maxTotalBytes) {
        throw new InputError(path, `more than ${mib(limits.maxTotalBytes)} of files in the folder: not read`);
      }
      try {
        entries.push({ name, bytes: new Uint8Array(await readFile(full)) });
      } catch (err) {
        const code = (err as { code?: string }).code;
        skipped.push({ name, reason: `cannot be read (${code ?? 'error'})` });
      }
    }
  };
  await walk(base, '', 0);
  return { entries, skipped };
}
