// Bytes to text, for every text export an administrator can hand over. Windows tools write several
// encodings: PowerShell 5.1's `>` and Out-File write UTF-16LE with a BOM, Notepad and PowerShell 7
// write UTF-8 with or without a BOM, Set-Content in 5.1 writes the ANSI code page, and some copy-paste
// paths lose the BOM of a UTF-16 file. The text is returned as decoded: line endings are untouched.

export type TextEncoding =
  | 'utf-8'
  | 'utf-8-bom'
  | 'utf-16le-bom'
  | 'utf-16be-bom'
  | 'utf-16le'
  | 'utf-16be'
  | 'windows-1252';

export interface DecodedText {
  text: string;
  /** How the bytes were read; ends in "-bom" when a byte order mark was found (and dropped). */
  encoding: TextEncoding;
}

/** How many leading bytes an encoding's byte order mark takes. */
export function bomLength(encoding: TextEncoding): number {
  if (encoding === 'utf-8-bom') return 3;
  if (encoding === 'utf-16le-bom' || encoding === 'utf-16be-bom') return 2;
  return 0;
}

/**
 * Decodes the bytes of a text file. Order of checks: a BOM; then UTF-16 without a BOM, recognised
 * by NUL bytes in every other position (ASCII text in UTF-16LE puts them at odd offsets); then
 * UTF-8; then, when the bytes are not valid UTF-8, the Windows ANSI code page 1252, which is what
 * Windows PowerShell 5.1 writes in western locales. Never throws: bad sequences become U+FFFD.
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf) {
    return { text: decode('utf-8', bytes.subarray(3)), encoding: 'utf-8-bom' };
  }
  if (b0 === 0xff && b1 === 0xfe) {
    return { text: decode('utf-16le', bytes.subarray(2)), encoding: 'utf-16le-bom' };
  }
  if (b0 === 0xfe && b1 === 0xff) {
    return { text: decode('utf-16be', bytes.subarray(2)), encoding: 'utf-16be-bom' };
  }
  // nulPattern needs NULs in the first 1,024 bytes: without one (almost every file that has no
  // BOM), a native search says so and its counting loop is skipped. The order of the checks stays.
  const nul = bytes.subarray(0, 1024).indexOf(0) < 0 ? null : nulPattern(bytes);
  if (nul === 'le') return { text: decode('utf-16le', bytes), encoding: 'utf-16le' };
  if (nul === 'be') return { text: decode('utf-16be', bytes), encoding: 'utf-16be' };
  const utf8 = strictUtf8Or(bytes);
  if (utf8 !== undefined) return { text: utf8, encoding: 'utf-8' };
  return { text: decodeWindows1252(bytes), encoding: 'windows-1252' };
}

/** The bytes as UTF-8, or undefined when they are not valid UTF-8. */
function strictUtf8Or(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8().decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * The byte offset, in the original file, of a character index in the decoded text: for positions
 * in warnings. UTF-16 takes two bytes per code unit; UTF-8 is measured by encoding the prefix.
 */
export function byteOffsetOf(text: string, index: number, encoding: TextEncoding): number {
  const bom = bomLength(encoding);
  if (encoding.startsWith('utf-16')) return bom + 2 * index;
  if (encoding === 'windows-1252') return index;
  return bom + new TextEncoder().encode(text.slice(0, index)).length;
}

/**
 * byteOffsetOf for many indexes in one text, in linear time when the indexes mostly increase
 * (as warnings about a file do).
 */
export function byteOffsetCounter(text: string, encoding: TextEncoding): (index: number) => number {
  if (encoding !== 'utf-8' && encoding !== 'utf-8-bom') return (index) => byteOffsetOf(text, index, encoding);
  let at = 0;
  let bytes = bomLength(encoding);
  return (index) => {
    if (index < at) {
      at = 0;
      bytes = bomLength(encoding);
    }
    for (; at < index && at < text.length; at++) {
      const c = text.charCodeAt(at);
      if (c < 0x80) bytes += 1;
      else if (c < 0x800) bytes += 2;
      else if (c >= 0xd800 && c <= 0xdbff && at + 1 < index) {
        const d = text.charCodeAt(at + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          bytes += 4;
          at++;
        } else bytes += 3;
      } else bytes += 3;
    }
    return bytes;
  };
}

// One decoder a label, made on first use: a call without `stream` starts from a fresh state, so a
// decoder is safely reused (a fatal error included), and making one costs more than a small input's decoding.
const decoders = new Map<string, TextDecoder>();
let strict: TextDecoder | undefined;

function strictUtf8(): TextDecoder {
  strict ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  return strict;
}

function decode(label: string, bytes: Uint8Array): string {
  let d = decoders.get(label);
  if (!d) {
    d = new TextDecoder(label, { ignoreBOM: true });
    decoders.set(label, d);
  }
  return d.decode(bytes);
}

// 0x80-0x9F of code page 1252 (Node's TextDecoder reads 'windows-1252' as Latin-1, so map it here).
const CP1252_HIGH =
  '\u20ac\ufffd\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\ufffd\u017d\ufffd' +
  '\ufffd\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\ufffd\u017e\u0178';

export function decodeWindows1252(bytes: Uint8Array): string {
  const parts: string[] = [];
  const step = 8192;
  for (let start = 0; start < bytes.length; start += step) {
    const end = Math.min(bytes.length, start + step);
    let s = '';
    for (let i = start; i < end; i++) {
      const b = bytes[i]!;
      s += b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80] : String.fromCharCode(b);
    }
    parts.push(s);
  }
  return parts.join('');
}

/**
 * Looks at up to the first 512 byte pairs: text in UTF-16 without a BOM has a NUL in one half of
 * most pairs (any Latin script) and almost never in the other. Requires a clear majority so that a
 * UTF-8 file with a stray NUL is not misread.
 */
export function nulPattern(bytes: Uint8Array): 'le' | 'be' | null {
  const pairs = Math.min(512, Math.floor(bytes.length / 2));
  if (pairs === 0) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < pairs; i++) {
    if (bytes[2 * i] === 0) evenNul++;
    if (bytes[2 * i + 1] === 0) oddNul++;
  }
  if (oddNul >= pairs * 0.4 && evenNul <= pairs * 0.05) return 'le';
  if (evenNul >= pairs * 0.4 && oddNul <= pairs * 0.05) return 'be';
  return null;
}
