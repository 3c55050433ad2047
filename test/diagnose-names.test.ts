// The Windows code names reach the diagnosis as a table passed in (diagnose(evidence, { names })),
// not as module state: the same evidence gives the same diagnosis for the same table, whatever was
// loaded before, and the CLI loads the table once and diagnoses once.
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { diagnose, diagnoseText } from '../src/diagnose.js';
import { parseDsregcmd } from '../src/dsregcmd/parse.js';
import { guideNames, loadCodeNames } from '../src/kb/names.js';
import { RULES } from '../src/rules/index.js';
import { memoryIO } from './helpers.js';

// Two codes outside the guide: an NTSTATUS and a crypto HRESULT.
const CAPTURE =
  'AzureAdJoined : YES\nDomainJoined : YES\nAzureAdPrt : NO\nAttempt Status : 0xc0000022\nHTTP Error : 0x8009000b\n';

describe('code names passed in', () => {
  it('the guide names alone leave codes outside the guide unnamed; the loaded table names them', async () => {
    const ev = { captures: [parseDsregcmd(CAPTURE, 's.txt')], events: [] };
    const before = diagnose(ev);
    expect(before.findings[0]!.title).toBe('No PRT: the last attempt failed with 0xc0000022');
    expect(before.findings[0]!.codes.map((c) => c.name)).toEqual([undefined, undefined]);
    const names = await loadCodeNames();
    const named = diagnose(ev, { names });
    expect(named.findings[0]!.title).toBe('No PRT: the last attempt failed with STATUS_ACCESS_DENIED');
    expect(named.findings[0]!.codes.map((c) => c.name)).toEqual([
      'STATUS_ACCESS_DENIED',
      'NTE_BAD_KEY_STATE',
    ]);
    // Loading changed nothing for a caller that did not pass the table.
    expect(diagnose(ev)).toEqual(before);
    expect(diagnose(ev, { names: guideNames() })).toEqual(before);
    expect(diagnoseText(CAPTURE, 's.txt', { names })).toEqual(named);
  });

  it('the CLI names them, in every format', async () => {
    for (const format of ['text', 'json', 'md']) {
      const m = memoryIO({ 's.txt': CAPTURE });
      await main(['diagnose', 's.txt', '--format', format], m.io);
      expect(m.out(), format).toContain('STATUS_ACCESS_DENIED');
      expect(m.out(), format).toContain('NTE_BAD_KEY_STATE');
    }
  });

  it('a bare list of rules is read as { rules } (the rule tests pass one)', () => {
    const ev = { captures: [parseDsregcmd(CAPTURE, 's.txt')], events: [] };
    const prt = RULES.filter((r) => r.id === 'prt-attempt-failed');
    expect(prt).toHaveLength(1);
    expect(diagnose(ev, prt)).toEqual(diagnose(ev, { rules: prt }));
    expect(diagnose(ev, []).findings).toEqual([]);
    expect(diagnose(ev).findings.length).toBeGreaterThan(0);
  });
});
