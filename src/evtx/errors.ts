// The reader's own error: what went wrong and where (a byte offset relative to the chunk, which the
// chunk reader turns into a file offset). Thrown inside the reader only; readEvtx turns it into a
// ReadWarning and carries on with the next record.

export class EvtxFormatError extends Error {
  constructor(
    message: string,
    /** Offset of the problem, relative to the start of the chunk. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'EvtxFormatError';
  }
}

export function fail(message: string, offset: number): never {
  throw new EvtxFormatError(message, offset);
}
