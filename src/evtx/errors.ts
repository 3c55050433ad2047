// The reader's errors and warnings, typed as the Rust evtx crate types its errors: every warning
// the reader gives carries one of these codes (ReadWarning.code) besides its message, and the
// byte offset in the file where the problem starts.
//
// EvtxFormatError is thrown inside the reader only, with an offset relative to the chunk (the chunk
// reader turns it into a file offset); readEvtx turns it into a ReadWarning and carries on with the
// next record.

/** What a warning of the .evtx reader is about. */
export type EvtxWarningCode =
  /** The file is shorter than its 4096-byte header: nothing is read. */
  | 'evtx-file-too-short'
  /** The file header lacks "ElfFile": chunks are looked for anyway. */
  | 'evtx-file-signature'
  | 'evtx-file-checksum'
  /** A format version other than 3.1 or 3.2. */
  | 'evtx-file-version'
  /** The file ends before its first chunk. */
  | 'evtx-file-no-chunks'
  | 'evtx-chunk-cut-short'
  /** A chunk lacks "ElfChnk": it is scanned for records. */
  | 'evtx-chunk-signature'
  | 'evtx-chunk-free-space'
  | 'evtx-chunk-checksum'
  | 'evtx-records-checksum'
  /** A record's signature or size is wrong: the reader skips to the next plausible record. */
  | 'evtx-record-header'
  /** A second copy of a record already read in the chunk. */
  | 'evtx-record-copy'
  /** A record's binary XML cannot be read: the record is skipped. */
  | 'evtx-record-unreadable'
  /** A record expands past the reader's bounds (elements, nesting, text): it is skipped. */
  | 'evtx-record-too-large'
  /** A value too small for its type: rendered empty, the record is kept. */
  | 'evtx-value-too-small'
  /** A substitution past the template instance's values: left empty, the record is kept. */
  | 'evtx-value-missing'
  /** An array value whose bytes do not divide into items: the record is kept. */
  | 'evtx-array-items'
  /** More problems in one record than are reported one by one. */
  | 'evtx-record-more-problems';

/** The codes of EvtxFormatError: what makes a record unreadable. */
export type EvtxFormatCode = 'evtx-record-unreadable' | 'evtx-record-too-large';

export class EvtxFormatError extends Error {
  constructor(
    message: string,
    /** Offset of the problem, relative to the start of the chunk. */
    readonly offset: number,
    readonly code: EvtxFormatCode = 'evtx-record-unreadable',
  ) {
    super(message);
    this.name = 'EvtxFormatError';
  }
}

export function fail(message: string, offset: number, code?: EvtxFormatCode): never {
  throw new EvtxFormatError(message, offset, code);
}
