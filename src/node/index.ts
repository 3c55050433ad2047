// The Node.js-only parts of the library (`dsreg-doctor/node`): file access for the pure core.

export {
  type Bundle,
  type BundleLimits,
  DEFAULT_LIMITS,
  isZip,
  readFolder,
  readZip,
  readZipFile,
} from './bundle-reader.js';
export { lazyCrc32, nodeCrc32, zlibCrc32 } from './crc32.js';
export { type FileSource, fdSource, openFileSource } from './file-source.js';
