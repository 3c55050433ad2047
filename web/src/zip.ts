// A dropped .zip log collection, opened in the browser (this module loads when a .zip is dropped):
// the same reader and limits as the CLI's (src/input/zip.ts), with a lower total for a browser tab.
// The core's classifyBundle then says which files are captures or event logs.
import { type Bundle, type BundleLimits, DEFAULT_LIMITS, readZip } from '../../src/input/zip.js';

/** Lower than the CLI's: a browser tab has less memory to spare than a command. */
export const BROWSER_LIMITS: BundleLimits = { ...DEFAULT_LIMITS, maxTotalBytes: 512 * 1024 * 1024 };

export type ZipContents = Bundle;

/** Every file of the archive, named `label/path/in/zip`. Rejects with InputError when it cannot be read. */
export function readZipBytes(
  label: string,
  bytes: Uint8Array,
  limits: BundleLimits = BROWSER_LIMITS,
): Promise<Bundle> {
  return readZip(label, [bytes], limits);
}
