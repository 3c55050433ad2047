// Byte pieces as streams deliver them: joined into one array, or split into a head (enough to tell
// what the input is) and the rest, to be read on. Pure: no Node stream types, any async iterable.

/** The pieces as one array (the piece itself when there is only one). */
export function concatBytes(parts: readonly Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Every piece of a stream, joined. */
export async function readAllChunks(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const c of chunks) {
    parts.push(c);
    length += c.length;
  }
  return concatBytes(parts, length);
}

/**
 * The head of a stream (at least `size` bytes, or all of it) and the whole stream again, head
 * first, to be read on; `ended` when the head is all there is.
 */
export async function splitHead(
  chunks: AsyncIterable<Uint8Array>,
  size: number,
): Promise<{ head: Uint8Array; rest: AsyncIterable<Uint8Array>; ended: boolean }> {
  const it = chunks[Symbol.asyncIterator]();
  const parts: Uint8Array[] = [];
  let length = 0;
  let ended = false;
  while (length < size) {
    const next = await it.next();
    if (next.done) {
      ended = true;
      break;
    }
    parts.push(next.value);
    length += next.value.length;
  }
  const head = concatBytes(parts, length);
  const rest = async function* (): AsyncGenerator<Uint8Array> {
    yield head;
    if (ended) return;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  };
  return { head, rest: rest(), ended };
}
