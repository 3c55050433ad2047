// What the streaming text readers (XML, CSV, JSON) share: bytes decoded piece by piece, and the
// line and byte offset of a position counted as the text goes by, so that a warning can say where
// the damage is without the reader ever holding the whole file. Pure.
import { concatBytes } from '../input/chunks.js';
import { bomLength, decodeWindows1252, nulPattern, type TextEncoding } from '../input/decode.js';

/** A reader of one text export, fed piece by piece: records come out as soon as they are whole. */
export interface PushReader<T> {
  push(text: string): T[];
  /** The end of the input: what is left, and the checks that need the whole input. */
  end(): T[];
}

/** Where a position lies in the file: 1-based line, byte offset in the file as it was encoded. */
export interface TextPlace {
  line: number;
  offset: number;
}

/**
 * Counts lines and bytes over the text in order. `advance` takes the characters since the last
 * call; `place` says where the counted text ends. Linear over a whole file.
 */
export class TextPositions {
  private line = 1;
  private bytes: number;
  private pendingHigh = false;

  constructor(private readonly encoding: TextEncoding = 'utf-8') {
    this.bytes = bomLength(encoding);
  }

  advance(text: string): void {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.line++;
    this.bytes += this.byteLength(text);
  }

  place(): TextPlace {
    return { line: this.line, offset: this.bytes };
  }

  /** Bytes a text takes in the file's encoding (a surrogate pair cut between two calls counts once as 4). */
  private byteLength(text: string): number {
    if (this.encoding.startsWith('utf-16')) return 2 * text.length;
    if (this.encoding === 'windows-1252') return text.length;
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (c >= 0xd800 && c <= 0xdbff) {
        n += 4;
        this.pendingHigh = true;
        continue;
      } else if (c >= 0xdc00 && c <= 0xdfff && this.pendingHigh) n += 0;
      else n += 3;
      this.pendingHigh = false;
    }
    return n;
  }
}

/**
 * A text buffer for a streaming reader: text is appended, the reader scans it from `pos`, and
 * what lies before a point is dropped once no longer needed, its lines and bytes counted on the
 * way out. `placeAt(i)` gives the line and offset of any index not yet dropped, in linear time
 * over a file when asked in increasing order (as warnings come).
 */
export class TextBuffer {
  text = '';
  /** Index in the whole input of text[0]. */
  base = 0;
  private counted = 0;
  private readonly positions: TextPositions;
  /** Characters removed by the reader (a field cut to its size limit), as (index, lines, bytes) so far. */
  private cuts: { at: number; lines: number; bytes: number }[] = [];
  private cutLines = 0;
  private cutBytes = 0;
  private cutIndex = 0;

  constructor(encoding: TextEncoding = 'utf-8') {
    this.positions = new TextPositions(encoding);
  }

  append(text: string): void {
    this.text = this.text.length === 0 ? text : this.text + text;
  }

  /** Drops text[0..k): the reader needs nothing before buffer index k any more. */
  drop(k: number): void {
    if (k <= 0) return;
    this.countTo(this.base + k);
    this.text = this.text.slice(k);
    this.base += k;
  }

  /** Notes that `removed` characters were left out of the input before global index `at`. */
  noteCut(at: number, removed: string, encoding: TextEncoding): void {
    const p = new TextPositions(encoding);
    p.advance(removed);
    const { line, offset } = p.place();
    this.cutLines += line - 1;
    this.cutBytes += offset - bomLength(encoding);
    this.cuts.push({ at, lines: this.cutLines, bytes: this.cutBytes });
  }

  /** Line and byte offset in the file of a global index (one not yet dropped). */
  placeAt(index: number): TextPlace {
    if (index > this.counted) this.countTo(index);
    const here = this.positions.place();
    // Indexes asked for out of order (behind the counted point) get the counted point's place.
    while (this.cutIndex < this.cuts.length && this.cuts[this.cutIndex]!.at <= this.counted) this.cutIndex++;
    const cut = this.cutIndex > 0 ? this.cuts[this.cutIndex - 1]! : undefined;
    return cut ? { line: here.line + cut.lines, offset: here.offset + cut.bytes } : here;
  }

  private countTo(index: number): void {
    if (index <= this.counted) return;
    const from = Math.max(0, this.counted - this.base);
    this.positions.advance(this.text.slice(from, index - this.base));
    this.counted = index;
  }
}

/**
 * Turns bytes into text piece by piece. The encoding is judged from the first bytes, as decodeText
 * does for a whole file (a BOM, NULs in every other byte for UTF-16 without a BOM, else UTF-8);
 * when the bytes turn out not to be UTF-8, the rest is read as Windows-1252.
 */
export class ChunkDecoder {
  encoding: TextEncoding | undefined;
  private head: Uint8Array[] = [];
  private headLength = 0;
  private decoder: TextDecoder | undefined;

  push(bytes: Uint8Array): string {
    if (this.decoder || this.encoding === 'windows-1252') return this.decode(bytes, true);
    this.head.push(bytes);
    this.headLength += bytes.length;
    if (this.headLength < 1024) return '';
    return this.start(true);
  }

  end(): string {
    if (!this.encoding) return this.start(false);
    if (this.encoding === 'windows-1252') return '';
    return this.decode(new Uint8Array(0), false);
  }

  private start(stream: boolean): string {
    const all = concatBytes(this.head, this.headLength);
    this.head = [];
    const b0 = all[0];
    const b1 = all[1];
    let skip = 0;
    let label = 'utf-8';
    if (b0 === 0xef && b1 === 0xbb && all[2] === 0xbf) {
      this.encoding = 'utf-8-bom';
      skip = 3;
    } else if (b0 === 0xff && b1 === 0xfe) {
      this.encoding = 'utf-16le-bom';
      label = 'utf-16le';
      skip = 2;
    } else if (b0 === 0xfe && b1 === 0xff) {
      this.encoding = 'utf-16be-bom';
      label = 'utf-16be';
      skip = 2;
    } else {
      const nul = nulPattern(all);
      this.encoding = nul === 'le' ? 'utf-16le' : nul === 'be' ? 'utf-16be' : 'utf-8';
      if (nul) label = this.encoding;
    }
    this.decoder = new TextDecoder(label, { fatal: label === 'utf-8', ignoreBOM: true });
    return this.decode(all.subarray(skip), stream);
  }

  private decode(bytes: Uint8Array, stream: boolean): string {
    if (this.encoding === 'windows-1252') return decodeWindows1252(bytes);
    try {
      return this.decoder!.decode(bytes, { stream });
    } catch {
      // Not UTF-8 after all: the rest is the ANSI code page, as Windows PowerShell 5.1 writes it.
      this.encoding = 'windows-1252';
      this.decoder = undefined;
      return decodeWindows1252(bytes);
    }
  }
}

/**
 * A whole text fed to a push reader in pieces of 1 MiB, records yielded as they come; `onProgress`
 * is told the characters read of the text after each piece.
 */
export function* pushAll<T>(
  reader: PushReader<T>,
  text: string,
  piece = 1 << 20,
  onProgress?: (done: number, total: number) => void,
): Generator<T> {
  for (let i = 0; i < text.length; i += piece) {
    yield* reader.push(text.slice(i, i + piece));
    onProgress?.(Math.min(i + piece, text.length), text.length);
  }
  yield* reader.end();
}
