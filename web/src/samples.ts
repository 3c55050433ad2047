// The examples shipped in examples/: `dsregcmd /status` captures, bundled into the page (they go into
// the text area), and event logs, files of their own that load when picked (they go in as files).

const captures = import.meta.glob<string>('../../examples/dsregcmd/*.txt', {
  query: '?raw',
  import: 'default',
  eager: true,
});

// Listed one by one, so that only the files the menu offers are shipped.
const eventLogs = import.meta.glob<string>(
  [
    '../../examples/events/join-fail.wevtutil.xml',
    '../../examples/events/aad-operational.evtx',
    '../../examples/events/aad-analytic.evtx',
    '../../examples/events/udr-admin.evtx',
  ],
  { query: '?url', import: 'default', eager: true },
);

export interface Sample {
  /** The file name (for an event sample, the names joined by '+'). */
  id: string;
  label: string;
  /** A capture: its text, for the text area. */
  text?: string;
  /** Event logs: their files, fetched from where the page came from. */
  files?: { name: string; url: string }[];
  group: 'dsregcmd' | 'events';
}

// Labels in the order the menu shows them; the first is what the sample button loads.
const CAPTURE_LABELS: [string, string][] = [
  ['join-fail-device-not-synced.txt', 'Join failed: computer not synchronized yet (0x801c03f2)'],
  ['discover-timeout-unelevated-doc.txt', 'Discovery timed out, run unelevated (0x801c0021)'],
  ['prt-fail-bad-password-doc.txt', 'No PRT: wrong password (0xc000006d, AADSTS50126)'],
  ['hybrid-device-deleted-aadsts50155.txt', 'Device deleted or disabled (AADSTS50155)'],
  ['hybrid-healthy.txt', 'Healthy hybrid joined laptop'],
];

const EVENT_SAMPLES: { files: string[]; label: string }[] = [
  {
    files: ['join-fail.wevtutil.xml'],
    label: 'Join attempts in the User Device Registration log (XML export)',
  },
  { files: ['aad-operational.evtx', 'aad-analytic.evtx'], label: 'PRT attempts in the AAD logs (.evtx)' },
  { files: ['udr-admin.evtx'], label: 'User Device Registration Admin log (.evtx)' },
];

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export const SAMPLES: Sample[] = (() => {
  const texts = new Map(Object.entries(captures).map(([path, text]) => [baseName(path), text]));
  const urls = new Map(Object.entries(eventLogs).map(([path, url]) => [baseName(path), url]));
  const out: Sample[] = [];
  for (const [file, label] of CAPTURE_LABELS) {
    const text = texts.get(file);
    if (text !== undefined) out.push({ id: file, label, text, group: 'dsregcmd' });
    texts.delete(file);
  }
  // Examples added later show under their file name.
  for (const [file, text] of texts) out.push({ id: file, label: file, text, group: 'dsregcmd' });
  for (const s of EVENT_SAMPLES) {
    if (!s.files.every((f) => urls.has(f))) continue;
    out.push({
      id: s.files.join('+'),
      label: s.label,
      files: s.files.map((name) => ({ name, url: urls.get(name)! })),
      group: 'events',
    });
  }
  return out;
})();

/** The bytes of a sample's event log file. */
export async function fetchSampleFile(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${baseName(url)}: not found where the page came from (HTTP ${r.status})`);
  return new Uint8Array(await r.arrayBuffer());
}
