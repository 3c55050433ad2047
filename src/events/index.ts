// The public API of event log reading: open any export, the field table, the filters, the table view.
export { csvFlavour, parseEventCsv } from './csv.js';
export {
  AAD_PROVIDER,
  canonicalProvider,
  fieldNames,
  KNOWN_PROVIDERS,
  type KnownProvider,
  nameValues,
  UDR_PROVIDER,
} from './fields.js';
export {
  type EventFilter,
  type EventFilterOptions,
  FilterError,
  matchesEventFilter,
  parseEventFilter,
} from './filter.js';
export { parseEventJson } from './json.js';
export { levelFromName, levelLabel } from './levels.js';
export {
  type EventExportKind,
  type EventInput,
  openEvents,
  readEvents,
  sniffEvents,
  sniffEventText,
} from './read.js';
export { detailItems, tableHeader, tableRow } from './table.js';
export type { EventRecord, ReadOptions, ReadWarning } from './types.js';
export { decodeEntities, parseEventXml } from './xml.js';
