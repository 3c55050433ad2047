// The examples shipped in examples/dsregcmd/, bundled into the page for the sample button.

const files = import.meta.glob<string>('../../examples/dsregcmd/*.txt', {
  query: '?raw',
  import: 'default',
  eager: true,
});

export interface Sample {
  file: string;
  label: string;
  text: string;
}

// Labels in the order the menu shows them; the first is what the sample button loads.
const LABELS: [string, string][] = [
  ['join-fail-device-not-synced.txt', 'Join failed: computer not synchronized yet (0x801c03f2)'],
  ['discover-timeout-unelevated-doc.txt', 'Discovery timed out, run unelevated (0x801c0021)'],
  ['prt-fail-bad-password-doc.txt', 'No PRT: wrong password (0xc000006d, AADSTS50126)'],
  ['hybrid-device-deleted-aadsts50155.txt', 'Device deleted or disabled (AADSTS50155)'],
  ['hybrid-healthy.txt', 'Healthy hybrid joined laptop'],
];

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export const SAMPLES: Sample[] = (() => {
  const byName = new Map(Object.entries(files).map(([path, text]) => [baseName(path), text]));
  const out: Sample[] = [];
  for (const [file, label] of LABELS) {
    const text = byName.get(file);
    if (text !== undefined) out.push({ file, label, text });
    byName.delete(file);
  }
  // Examples added later show under their file name.
  for (const [file, text] of byName) out.push({ file, label: file, text });
  return out;
})();
