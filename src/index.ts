// The library: the pure core that the CLI and the browser page share.

export {
  type Analysis,
  type AnalyzeInput,
  type AnalyzeOptions,
  analyze,
  type DeviceGroup,
  type DeviceIdentity,
  type InputReport,
  type TextInput,
} from './analyze.js';
export {
  analyzeInputs,
  type DiagnoseOptions,
  diagnose,
  diagnoseInputs,
  diagnoseText,
  type OneDeviceAnalysis,
  type Subject,
  subjectOf,
} from './diagnose.js';
export { type DsregField, type DsregStatus, parseDsregcmd, parseDsregcmdAll } from './dsregcmd/parse.js';
export * from './events/index.js';
export * from './evtx/index.js';
export {
  type BundleEntry,
  type BundleIntake,
  type ClassifiedEntry,
  classifyBundle,
  classifyEntry,
  intakeBundle,
  type LeftOut,
} from './input/bundle.js';
export type { InputKind } from './input/kinds.js';
export { type Sniffed, sniff } from './input/sniff.js';
export { GUIDE_CODES, guideCode, matchServerError, SERVER_ERRORS } from './kb/guide-codes.js';
export * from './kb/lookup.js';
export { createRedactor, type RedactOptions, type Redactor, redactText } from './redact/index.js';
export {
  type BuildOptions,
  buildReport,
  bySeverity,
  type DeviceReport,
  deviceTitle,
  type ReportFormat,
} from './report/build.js';
export { type HtmlOptions, renderHtml } from './report/html.js';
export { type ReportFile, type ReportInput, type ReportOptions, renderMarkdown } from './report/markdown.js';
export { renderText } from './report/text.js';
export { RULES } from './rules/index.js';
export { joinAttempts, prtAttempts } from './story/attempts.js';
export * from './types.js';
