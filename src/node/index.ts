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
export { type FileSource, fdSource, openFileSource } from './file-source.js';
