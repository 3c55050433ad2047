// A dropped .zip log collection, opened in the browser (this module loads when a .zip is dropped): every file in it, under limits that turn a
// zip bomb into a one-line message rather than a frozen tab. The core's classifyBundle then says
// which files are captures or event logs. The same limits as the CLI's reader (src/node/bundle-reader.ts,
// which reads from disk); nothing is written anywhere, entry names are only labels.
import { Unzip, type UnzipFile, UnzipInflate } from 'fflate';
import type { BundleEntry } from '../../src/input/bundle.js';
import { InputError } from '../../src/types.js';

export interface ZipLimits {
  maxEntries: number;
  maxTotalBytes: number;
  maxEntryBytes: number;
  /** Uncompressed to compressed, checked once 16 MiB have come out. */
  maxRatio: number;
}

/** Lower than the CLI's: a browser tab has less memory to spare than a command. */
export const BROWSER_LIMITS: ZipLimits = {
  maxEntries: 10_000,
  maxTotalBytes: 512 * 1024 * 1024,
  maxEntryBytes: 256 * 1024 * 1024,
  maxRatio: 200,
};

export interface ZipContents {
  entries: BundleEntry[];
  skipped: { name: string; reason: string }[];
}

const RATIO_FLOOR = 16 * 1024 * 1024;
const SLICE = 64 * 1024;
const mib = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;

function cleanName(name: string): string {
  return (
    name
      .replace(/\\/g, '/')
      .replace(/[\u0000-\u001f\u007f]/g, '?')
      .replace(/^\/+/, '') || '(unnamed)'
  );
}

/** Every file of the archive, named `label/path/in/zip`. Throws InputError when it cannot be read. */
export function readZipBytes(
  label: string,
  bytes: Uint8Array,
  limits: ZipLimits = BROWSER_LIMITS,
): ZipContents {
  const entries: BundleEntry[] = [];
  const skipped: ZipContents['skipped'] = [];
  let fatal: InputError | undefined;
  let count = 0;
  let totalOut = 0;
  let totalIn = 0;
  const fail = (message: string) => {
    fatal ??= new InputError(label, message);
  };
  const unzip = new Unzip((file: UnzipFile) => {
    if (fatal) return;
    if (file.name.endsWith('/')) {
      file.ondata = () => {};
      return;
    }
    count++;
    if (count > limits.maxEntries) {
      fail(`more than ${limits.maxEntries} files in the archive: not read (is it a zip bomb?)`);
      return;
    }
    const name = `${label}/${cleanName(file.name)}`;
    const declared = file.originalSize;
    const keep = declared === undefined || declared <= limits.maxEntryBytes;
    const parts: Uint8Array[] = [];
    let size = 0;
    let failed = false;
    file.ondata = (err, data, final) => {
      if (fatal || failed) return;
      if (err) {
        failed = true;
        skipped.push({
          name,
          reason: 'cannot be decompressed (encrypted, damaged or an unknown method): not read',
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
      if (keep && size <= limits.maxEntryBytes) parts.push(data);
      if (final) {
        if (!keep || size > limits.maxEntryBytes) {
          skipped.push({ name, reason: `larger than ${mib(limits.maxEntryBytes)}: not read` });
        } else {
          const out = new Uint8Array(size);
          let at = 0;
          for (const p of parts) {
            out.set(p, at);
            at += p.length;
          }
          entries.push({ name, bytes: out });
        }
      }
    };
    try {
      file.start();
    } catch (err) {
      failed = true;
      skipped.push({ name, reason: `cannot be read (${err instanceof Error ? err.message : String(err)})` });
    }
  });
  unzip.register(UnzipInflate);
  try {
    for (let i = 0; i < bytes.length; i += SLICE) {
      const slice = bytes.subarray(i, Math.min(bytes.length, i + SLICE));
      totalIn += slice.length;
      unzip.push(slice, false);
      if (fatal) throw fatal;
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
  if (count === 0) throw new InputError(label, 'an empty or unreadable zip archive: no file found in it');
  return { entries, skipped };
}
