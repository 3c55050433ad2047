// Reading a .zip log collection from bytes or a stream of chunks, in Node and in the browser alike:
// fflate's streaming Unzip, fed in small slices, under limits on the number of entries, the total
// uncompressed size and the compression ratio, so that a zip bomb ends in a one-line error instead of
// an exhausted machine or a frozen tab. Entry names are labels only: nothing is ever written, and no
// path from an entry is ever opened, so "../" or absolute names in an archive can do no harm.

import { Unzip, type UnzipFile, UnzipInflate } from 'fflate';
import { InputError } from '../types.js';
import { concatBytes } from './chunks.js';
import type { BundleEntry } from './kinds.js';
import { binaryHead } from './magic.js';

export interface BundleLimits {
  /** Most files (zip entries or folder files) read from one bundle. */
  maxEntries: number;
  /** Most bytes, uncompressed, read from one bundle in all. */
  maxTotalBytes: number;
  /** A larger file is skipped (and listed as skipped), not read. */
  maxEntryBytes: number;
  /** Uncompressed to compressed, over the whole archive (checked past 16 MiB of output). */
  maxRatio: number;
  /** Deepest folder level read. */
  maxDepth: number;
}

export const DEFAULT_LIMITS: BundleLimits = {
  maxEntries: 10_000,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxEntryBytes: 256 * 1024 * 1024,
  maxRatio: 200,
  maxDepth: 32,
};

/** A file of the bundle that was not read, and why. */
export interface SkippedEntry {
  name: string;
  reason: string;
}

export interface Bundle {
  entries: BundleEntry[];
  skipped: SkippedEntry[];
}

const RATIO_FLOOR = 16 * 1024 * 1024;
/** What is kept of a binary file that is not an event log: enough to say what it is. */
export const HEAD = 64 * 1024;
const SLICE = 16 * 1024;

export { isZip } from './magic.js';

/** An entry name as people should read it: forward slashes, no leading slash, no control characters. */
export function cleanEntryName(name: string): string {
  return (
    name
      .replace(/\\/g, '/')
      .replace(/[\u0000-\u001f\u007f]/g, '?')
      .replace(/^\/+/, '') || '(unnamed)'
  );
}

export const mib = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;

/**
 * Reads a zip archive from a stream of chunks (a file stream, or one buffer). `label` names the
 * archive in entry names (`label/path/in/zip`) and in errors.
 */
export async function readZip(
  label: string,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  limits: BundleLimits = DEFAULT_LIMITS,
): Promise<Bundle> {
  const entries: BundleEntry[] = [];
  const skipped: SkippedEntry[] = [];
  let fatal: InputError | undefined;
  let count = 0;
  let totalOut = 0;
  let totalIn = 0;
  const fail = (message: string) => {
    fatal ??= new InputError(label, message);
  };

  const unzip = new Unzip((file: UnzipFile) => {
    if (fatal) return;
    const raw = file.name;
    if (raw.endsWith('/')) {
      file.ondata = () => {};
      return;
    }
    count++;
    if (count > limits.maxEntries) {
      fail(`more than ${limits.maxEntries} files in the archive: not read (is it a zip bomb?)`);
      return;
    }
    const name = `${label}/${cleanEntryName(raw)}`;
    const declared = file.originalSize;
    const keep = declared === undefined || declared <= limits.maxEntryBytes;
    const parts: Uint8Array[] = [];
    let size = 0;
    let kept = 0;
    let headOnly = false;
    let checked = false;
    let failed = false;
    file.ondata = (err, data, final) => {
      if (fatal || failed) return;
      if (err) {
        failed = true;
        skipped.push({
          name,
          reason: /unknown compression/i.test(err.message)
            ? `compressed with a method that is not supported (${file.compression}): not read`
            : 'cannot be decompressed (encrypted or damaged): not read',
        });
        return;
      }
      size += data.length;
      totalOut += data.length;
      if (totalOut > limits.maxTotalBytes) {
        fail(`more than ${mib(limits.maxTotalBytes)} once uncompressed: not read (is it a zip bomb?)`);
        return;
      }
      if (totalOut > RATIO_FLOOR && totalOut / Math.max(1, totalIn) > limits.maxRatio) {
        fail(`compressed more than ${limits.maxRatio} to 1: not read (is it a zip bomb?)`);
        return;
      }
      if (keep && !headOnly && size <= limits.maxEntryBytes) {
        parts.push(data);
        kept += data.length;
        if (!checked && kept >= HEAD) {
          checked = true;
          headOnly = binaryHead(concatBytes(parts, kept).subarray(0, HEAD));
        }
      }
      if (final) {
        if (headOnly) entries.push({ name, bytes: concatBytes(parts, kept) });
        else if (!keep || size > limits.maxEntryBytes) {
          skipped.push({ name, reason: `larger than ${mib(limits.maxEntryBytes)}: not read` });
        } else entries.push({ name, bytes: concatBytes(parts, size) });
      }
    };
    try {
      file.start();
    } catch (err) {
      // fflate reports an unknown method through ondata and then throws as well: one line is enough.
      if (!failed) {
        failed = true;
        skipped.push({
          name,
          reason: `cannot be read (${err instanceof Error ? err.message : String(err)})`,
        });
      }
    }
  });
  unzip.register(UnzipInflate);

  try {
    for await (const chunk of chunks) {
      for (let i = 0; i < chunk.length; i += SLICE) {
        const slice = chunk.subarray(i, Math.min(chunk.length, i + SLICE));
        totalIn += slice.length;
        unzip.push(slice, false);
        if (fatal) throw fatal;
      }
    }
    unzip.push(new Uint8Array(0), true);
    if (fatal) throw fatal;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(
      label,
      `not a readable zip archive (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  if (count === 0 && entries.length === 0 && skipped.length === 0) {
    throw new InputError(label, 'an empty or unreadable zip archive: no file found in it');
  }
  return { entries, skipped };
}
