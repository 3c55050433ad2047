// `diagnose` names codes outside the guide from the Windows headers' table, which it loads only
// for a device whose diagnosis asks for a code's name (src/cli/commands/diagnose.ts, diagnoseAll):
// the output is the one a diagnosis with the whole table gives, whether the table was needed or not.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analyze.js';
import { main } from '../src/cli/main.js';
import { diagnose } from '../src/diagnose.js';
import { guideNames, loadCodeNames } from '../src/kb/names.js';
import { memoryIO } from './helpers.js';

const FAILED = readFileSync('examples/dsregcmd/join-fail-device-not-synced.txt', 'utf8');
// The same capture with a code the guide does not name, only the headers do.
const HEADERS_ONLY = FAILED.replace('0x801c03f2', '0x80070005');
const HEALTHY = readFileSync('examples/dsregcmd/hybrid-healthy.txt', 'utf8');
const NOW = '2026-12-01T00:00:00Z';

/** The CLI's JSON diagnosis, without the list of inputs it adds. */
async function cli(text: string): Promise<string> {
  const m = memoryIO({ 'c.txt': text });
  await main(['diagnose', 'c.txt', '--format', 'json', '--now', NOW], m.io);
  const { inputs, ...diagnosis } = JSON.parse(m.out());
  expect(inputs).toHaveLength(1);
  return JSON.stringify(diagnosis);
}

async function withWholeTable(text: string): Promise<string> {
  const analysis = analyze([{ name: 'c.txt', bytes: new TextEncoder().encode(text) }]);
  const names = await loadCodeNames();
  return analysis.devices.map((g) => JSON.stringify(diagnose(g.evidence, { names, now: NOW }))).join('\n');
}

describe('diagnose and the Windows headers code names', () => {
  it('names a code only the headers know, as with the whole table from the start', async () => {
    expect(guideNames().byValue(0x80070005)).toEqual([]);
    const out = await cli(HEADERS_ONLY);
    expect(out).toContain('E_ACCESSDENIED');
    expect(out).toBe(await withWholeTable(HEADERS_ONLY));
  });
  it('gives the same diagnosis as the whole table where the guide names everything', async () => {
    for (const text of [FAILED, HEALTHY]) {
      expect(await cli(text)).toBe(await withWholeTable(text));
    }
  });
});
