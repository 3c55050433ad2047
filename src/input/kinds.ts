// How each kind of input is named when a report or the page lists the files it read.
export const KIND_TEXT: Readonly<Record<string, string>> = {
  dsregcmd: 'dsregcmd /status output',
  evtx: 'event log (.evtx)',
  xml: 'event log export (XML)',
  csv: 'event log export (CSV)',
  json: 'event log export (JSON)',
};
