// The kinds of input `sniff` tells apart, and how each is named when a report or the page lists the
// files it read.

/** What an input is: a capture, an event log (.evtx or an XML, CSV or JSON export), or something else. */
export type InputKind =
  | 'dsregcmd'
  | 'evtx'
  | 'xml'
  | 'csv'
  | 'json'
  /** A .zip archive: a log collection to open. */
  | 'zip'
  /** A binary file that is no .evtx (a network trace, a PDF, a program ...). */
  | 'binary'
  | 'empty'
  /** Text that is neither a capture nor an event log export. */
  | 'text';

/** The kinds whose records the event readers read. */
export type EventKind = 'evtx' | 'xml' | 'csv' | 'json';

export const EVENT_KINDS: readonly EventKind[] = ['evtx', 'xml', 'csv', 'json'];

export function isEventKind(kind: string): kind is EventKind {
  return (EVENT_KINDS as readonly string[]).includes(kind);
}

export const KIND_TEXT: Readonly<Record<string, string>> = {
  dsregcmd: 'dsregcmd /status output',
  evtx: 'event log (.evtx)',
  xml: 'event log export (XML)',
  csv: 'event log export (CSV)',
  json: 'event log export (JSON)',
};

/** One file of a bundle: its name (a path inside the bundle, for people) and its bytes. */
export interface BundleEntry {
  name: string;
  bytes: Uint8Array;
}
