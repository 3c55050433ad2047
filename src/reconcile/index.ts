// Reconcile: what Active Directory, Microsoft Entra ID and the devices each say, matched device by
// device. Pure core: readers over bytes, matching over rows; the CLI and the fleet server share it.
export { diagnoseDevice, reportOf } from './devices.js';
export { FINDINGS, MIN_STALE_DAYS, RECENT_HOURS } from './findings.js';
export { type ReconcileInput, type ReconcileOptions, reconcile } from './match.js';
export {
  createExportReader,
  type ExportReader,
  type ExportRows,
  type ReaderOptions,
  readExport,
  readerOptionsAfter,
  sniffExport,
} from './read.js';
export {
  renderActionLists,
  renderReconcileCsv,
  renderReconcileHtml,
  renderReconcileMarkdown,
  renderReconcileText,
  STATE_TEXT,
} from './render.js';
export * from './types.js';
