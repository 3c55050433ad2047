// The file header (libevtx "File header"): the first 4096 bytes, of which 128 are used.
//
//   0 signature "ElfFile\0"         8 first chunk number        16 last chunk number
//  24 next record identifier       32 header size (128)        36 minor version, 38 major version
//  40 header block size (4096)     42 number of chunks         120 file flags (0x1 dirty, 0x2 full)
// 124 CRC-32 of bytes 0-119
//
// The reader trusts none of the counts: a dirty file (copied while Windows had it open) often has a
// stale chunk count and next record identifier, so chunks are found by scanning the file.
import { hasSignature, u16, u32, u64 } from './bytes.js';
import { type Crc32, crc32With } from './crc32.js';

export const FILE_SIGNATURE = [0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00] as const;
export const FILE_HEADER_SIZE = 4096;
export const FILE_FLAG_DIRTY = 0x1;
export const FILE_FLAG_FULL = 0x2;

export interface FileHeader {
  /** False when the file does not start with "ElfFile\0". */
  signatureValid: boolean;
  firstChunkNumber: number | bigint;
  lastChunkNumber: number | bigint;
  nextRecordIdentifier: number | bigint;
  headerSize: number;
  minorVersion: number;
  majorVersion: number;
  headerBlockSize: number;
  numberOfChunks: number;
  fileFlags: number;
  checksum: number;
  /** Whether the stored CRC-32 matches bytes 0-119. */
  checksumValid: boolean;
}

/**
 * The header from the first bytes of a file; null when fewer than 128 bytes are given. `crc`: the
 * CRC-32 to check it with (see EvtxReadOptions.crc32); absent: crc32.ts's.
 */
export function readFileHeader(b: Uint8Array, crc?: Crc32): FileHeader | null {
  if (b.length < 128) return null;
  const checksum = u32(b, 124);
  return {
    signatureValid: hasSignature(b, 0, FILE_SIGNATURE),
    firstChunkNumber: u64(b, 8),
    lastChunkNumber: u64(b, 16),
    nextRecordIdentifier: u64(b, 24),
    headerSize: u32(b, 32),
    minorVersion: u16(b, 36),
    majorVersion: u16(b, 38),
    headerBlockSize: u16(b, 40),
    numberOfChunks: u16(b, 42),
    fileFlags: u32(b, 120),
    checksum,
    checksumValid: crc32With(crc, b, 0, 120) === checksum,
  };
}
