// The library: the pure core that the CLI and the browser page share.

export type { EventRecord, ReadWarning } from './events/types.js';
export * from './types.js';
