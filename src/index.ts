// The library: the pure core that the CLI and the browser page share.

export type { EventRecord, ReadWarning } from './events/types.js';
export * from './types.js';
export * from './kb/lookup.js';
export * from './evtx/index.js';
export { diagnose, diagnoseInputs, diagnoseText, type DiagnoseOptions, type TextInput } from './diagnose.js';
export { parseDsregcmd, type DsregField, type DsregStatus } from './dsregcmd/parse.js';
export { renderText } from './report/text.js';
export { RULES } from './rules/index.js';
export { GUIDE_CODES, SERVER_ERRORS, guideCode, matchServerError } from './kb/guide-codes.js';
export * from './kb/lookup.js';
