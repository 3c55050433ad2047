// What the first bytes of an input say about it: the signatures of the containers and binary formats
// an administrator's log collection holds. Only bytes, no decoding: the readers below the pipeline's
// first step (the zip reader, the folder reader) use it to keep just the head of a large binary file;
// `sniff` (sniff.ts) builds its decision on it.

const ZIP_LOCAL = [0x50, 0x4b, 0x03, 0x04];
const ZIP_EMPTY = [0x50, 0x4b, 0x05, 0x06];
/** "ElfFile\0": the .evtx file header signature. */
const EVTX = [0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00];

const at = (b: Uint8Array, i: number, sig: readonly number[]) => sig.every((v, k) => b[i + k] === v);

/** A .zip archive (a log collection), by its signature. */
export function isZip(head: Uint8Array): boolean {
  return at(head, 0, ZIP_LOCAL) || at(head, 0, ZIP_EMPTY);
}

/** An .evtx event log, by its file signature. */
export function isEvtxHead(head: Uint8Array): boolean {
  return head.length >= 8 && at(head, 0, EVTX);
}

/** A byte order mark: the text is UTF-8 or UTF-16 whatever its bytes look like. */
function hasBom(head: Uint8Array): boolean {
  return at(head, 0, [0xff, 0xfe]) || at(head, 0, [0xfe, 0xff]) || at(head, 0, [0xef, 0xbb, 0xbf]);
}

/**
 * Known binary formats that are not read, with the reason people should see (a zip is not one of
 * them: the callers open it or say why not).
 */
export function knownBinary(b: Uint8Array): string | undefined {
  if (at(b, 0, [0x4d, 0x53, 0x43, 0x46])) return 'a cabinet (.cab) archive: not opened';
  if (at(b, 4, [0x4c, 0x66, 0x4c, 0x65])) {
    return 'an .evt event log (the format before Windows Vista): not supported';
  }
  if (at(b, 0, [0x25, 0x50, 0x44, 0x46])) return 'a PDF document: not read';
  if (at(b, 0, [0x89, 0x50, 0x4e, 0x47]) || at(b, 0, [0xff, 0xd8, 0xff])) return 'an image: not read';
  if (at(b, 0, [0x4d, 0x5a])) return 'a Windows program or library: not read';
  if (at(b, 0, [0x0a, 0x0d, 0x0d, 0x0a])) return 'a network capture (.pcapng): not read';
  return undefined;
}

/**
 * Whether the first bytes of a file show a binary format that is not an .evtx: readers keep only the
 * head of such a file (enough to say what it is), not the hundreds of megabytes of a network trace.
 */
export function binaryHead(head: Uint8Array): boolean {
  if (head.length === 0 || isEvtxHead(head) || hasBom(head)) return false;
  const n = Math.min(head.length, 4096);
  let control = 0;
  let oddNul = 0;
  let evenNul = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i]!;
    if (b === 0) {
      if (i % 2) oddNul++;
      else evenNul++;
    }
    if (b < 0x09 || (b > 0x0d && b < 0x20)) control++;
  }
  // UTF-16 text without a byte order mark: NULs in every other position.
  if (oddNul > n / 3 || evenNul > n / 3) return oddNul > n / 8 && evenNul > n / 8;
  return control > n / 20;
}
