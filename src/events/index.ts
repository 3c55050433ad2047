// The public API of event log reading: open any export, the field table, the filters, the table view.
export { csvFlavour, csvReader, MAX_CSV_FIELD, parseEventCsv } from './csv.js';
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
export { jsonReader, MAX_JSON_VALUE, parseEventJson } from './json.js';
export { levelFromName, levelLabel } from './levels.js';
export {
  type EventExportKind,
  type EventInput,
  type EventStream,
  openEventStream,
  openEvents,
  readEvents,
  sniffEvents,
  sniffEventText,
  textEventReader,
} from './read.js';
export { detailItems, tableHeader, tableRow } from './table.js';
export { ChunkDecoder, type PushReader, pushAll } from './text-stream.js';
export type { EventRecord, ReadOptions, ReadWarning } from './types.js';
export { formatWarning } from './warning.js';
export { decodeEntities, MAX_XML_EVENT, MAX_XML_FIELD, parseEventXml, xmlReader } from './xml.js';
