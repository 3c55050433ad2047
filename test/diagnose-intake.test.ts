// One intake of a log collection for the CLI and the page: the files of a bundle classified by
// content, captures and event logs in reading order, the rest listed with the reason.
import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analyze.js';
import { intakeBundle } from '../src/input/bundle.js';
import { readZip } from '../src/input/zip.js';

const bytes = (p: string) => new Uint8Array(readFileSync(p));

describe('intakeBundle', () => {
  it('gives the captures and logs of a zip, sniffed once, and the files left out', async () => {
    const zip = zipSync({
      'auth/dsregcmd_status.txt': bytes('examples/dsregcmd/wks0417-join-fail-public-key-system.txt'),
      'auth/events/udr.xml': bytes('test/fixtures/events/join-fail.wevtutil.xml'),
      'auth/readme.txt': new TextEncoder().encode('collected by the auth scripts\n'),
      'auth/empty.log': new Uint8Array(0),
    });
    const intake = intakeBundle('logs.zip', await readZip('logs.zip', [zip]));
    expect(intake.inputs.map((i) => [i.name, i.sniffed.kind])).toEqual([
      ['logs.zip/auth/dsregcmd_status.txt', 'dsregcmd'],
      ['logs.zip/auth/events/udr.xml', 'xml'],
    ]);
    expect(intake.inputs.every((i) => i.fromBundle)).toBe(true);
    expect(intake.leftOut).toEqual([
      { name: 'logs.zip/auth/empty.log', kind: 'other', used: false, reason: 'empty file' },
      {
        name: 'logs.zip/auth/readme.txt',
        kind: 'other',
        used: false,
        reason: 'text without `dsregcmd /status` fields or event records',
      },
    ]);
    // What the analysis makes of it: one device, both files used.
    const a = analyze(intake.inputs);
    expect(a.devices).toHaveLength(1);
    expect(a.inputs.map((r) => r.used)).toEqual([true, true]);
  });

  it('refuses a bundle with no capture and no event log, in one line naming it', async () => {
    const zip = zipSync({ 'notes.txt': new TextEncoder().encode('nothing here\n') });
    const bundle = await readZip('x.zip', [zip]);
    expect(() => intakeBundle('x.zip', bundle)).toThrow(
      /^x\.zip: no `dsregcmd \/status` capture or event log export found in it$/,
    );
  });
});
