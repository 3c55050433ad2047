// Bytes in chunks to text in chunks: the encoding is settled from the first bytes (a BOM, or NUL
// bytes every other byte for UTF-16 without one), then each chunk is decoded as it comes, so a
// character split between two chunks is still read whole.

export class ChunkDecoder {
  private decoder: TextDecoder | undefined;
  private head = new Uint8Array(0);

  /** Text decoded so far from this chunk (empty while fewer than 4 bytes have come). */
  push(chunk: Uint8Array): string {
    if (this.decoder) return this.decoder.decode(chunk, { stream: true });
    const joined = new Uint8Array(this.head.length + chunk.length);
    joined.set(this.head);
    joined.set(chunk, this.head.length);
    if (joined.length < 4) {
      this.head = joined;
      return '';
    }
    return this.start(joined);
  }

  end(): string {
    if (!this.decoder) return this.head.length ? this.start(this.head) + this.decoder!.decode() : '';
    return this.decoder.decode();
  }

  private start(b: Uint8Array): string {
    let label = 'utf-8';
    let skip = 0;
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) skip = 3;
    else if (b[0] === 0xff && b[1] === 0xfe) [label, skip] = ['utf-16le', 2];
    else if (b[0] === 0xfe && b[1] === 0xff) [label, skip] = ['utf-16be', 2];
    else if (b.length >= 4 && b[1] === 0 && b[3] === 0 && b[0] !== 0) label = 'utf-16le';
    else if (b.length >= 4 && b[0] === 0 && b[2] === 0 && b[1] !== 0) label = 'utf-16be';
    this.decoder = new TextDecoder(label);
    return this.decoder.decode(b.subarray(skip), { stream: true });
  }
}
