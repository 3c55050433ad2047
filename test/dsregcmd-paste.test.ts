// Pasted text, read as people send it: fixtures derived from the public samples
// (test/fixtures/pastes/make.mjs says how each was made) must give the clean sample's diagnosis,
// with every evidence line pointing at the line of the fixture that holds it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnoseInputs } from '../src/diagnose.js';
import { parseDsregcmd, parseDsregcmdAll } from '../src/dsregcmd/parse.js';
import type { Diagnosis } from '../src/types.js';

const SAMPLES = '../shared/samples/dsregcmd/';
const PASTES = 'test/fixtures/pastes/';
const S003 = '003-domain-joined-ws2022-scp-missing-0x801c001d.txt';
const S011 = '011-doc-join-fail-0x801c03f2-directoryerror-sync.txt';
const S013 = '013-doc-prt-fail-0xc000006d-aadsts50126.txt';
const S036 = '036-hybrid-joined-win11-26200-lab-device-details-misaligned.txt';
const S037 = '037-hybrid-joined-prt-fail-aadsts90002-nonsynced-admin-local-upn.txt';

const enc = (t: string) => new TextEncoder().encode(t);
const diag = (name: string, text: string) => diagnoseInputs([{ name, bytes: enc(text) }]);
const sample = (f: string) => readFileSync(SAMPLES + f, 'utf8');
const paste = (f: string) => readFileSync(PASTES + f, 'utf8');

function summary(d: Diagnosis) {
  return {
    joinType: d.joinType,
    verdict: d.verdict,
    phase: d.phase,
    findings: d.findings.map((f) => `${f.id}:${f.codes.map((c) => c.hex).join('/')}`),
  };
}

/** Every evidence line of the diagnosis is a line of `text` that holds the cited field's key. */
function expectEvidenceOnLines(d: Diagnosis, text: string) {
  const lines = text.split(/\r\n|\n|\r/);
  let cited = 0;
  for (const f of d.findings) {
    for (const e of f.evidence) {
      if (e.line === undefined) continue;
      const key = e.text.split(/\s:|:\s/)[0]!.trim();
      expect(lines[e.line - 1], `${f.id} cites line ${e.line} for "${key}"`).toContain(key);
      cited++;
    }
  }
  expect(cited).toBeGreaterThan(0);
}

describe('a prefix on every line', () => {
  it('reads a capture pasted as a comment block in a script', () => {
    const text = paste('script-comment-block.ps1.txt');
    const d = diag('script.ps1', text);
    expect(summary(d)).toEqual(summary(diag(S003, sample(S003))));
    expectEvidenceOnLines(d, text);
  });

  it('reads a log file with a timestamp and a level on every line (levels differ)', () => {
    const text = paste('detection-script.log');
    const d = diag('detect.log', text);
    expect(summary(d)).toEqual(summary(diag(S011, sample(S011))));
    expect(d.phase).toBe('join');
    expectEvidenceOnLines(d, text);
  });

  it('reads CMTrace lines', () => {
    const text = paste('cmtrace.log');
    const d = diag('cm.log', text);
    expect(summary(d)).toEqual(summary(diag(S037, sample(S037))));
    expectEvidenceOnLines(d, text);
  });

  it('reads lines numbered by an editor, with the numbers growing wider', () => {
    const text = paste('editor-line-numbers.txt');
    const d = diag('ed.txt', text);
    expect(summary(d)).toEqual(summary(diag(S013, sample(S013))));
    expectEvidenceOnLines(d, text);
  });

  it('finds prefixes no list names: any shared run of digits, spaces, words and punctuation', () => {
    const clean = sample(S013);
    const base = summary(diag(S013, clean));
    const prefixes: Array<(i: number) => string> = [
      () => '// ',
      () => 'REM ',
      () => ': ',
      () => '- ',
      () => '* ',
      () => '\\- ',
      (i) => `${i + 1}. `,
      (i) => `${i + 1}: `,
      (i) => `[${i}] >> `,
      () => '%% ~ ',
      (i) => `2024-05-01T10:00:${String(i % 60).padStart(2, '0')}.123Z [INFO] `,
    ];
    for (const p of prefixes) {
      const text = clean
        .split('\n')
        .map((l, i) => p(i) + l)
        .join('\n');
      const d = diag('p.txt', text);
      expect(summary(d), JSON.stringify(p(7))).toEqual(base);
      expectEvidenceOnLines(d, text);
    }
  });

  it('keeps the indentation of the capture under the prefix (a line wrapped by the console)', () => {
    const text = sample(S003)
      .split('\n')
      .map((l) => `# ${l}`)
      .join('\n');
    const pac = parseDsregcmd(text).fields.find((f) => f.key === 'Auto Detect PAC Status');
    expect(pac?.value).toBe(
      'Failed to auto detect the Proxy Auto-Configuration (PAC) script using WPAD. code: 0x80072f94',
    );
  });

  it('does not mistake text that shares no prefix for one', () => {
    const s = parseDsregcmd(sample(S036));
    expect(s.fields.find((f) => f.normKey === 'devicename')?.text.trim()).toMatch(/^Device Name :/);
  });
});

describe('the text inside something else', () => {
  it('reads each JSON string of an Intune export as its own capture, all on the line of its string', () => {
    const text = paste('intune-remediation-output.json');
    const all = parseDsregcmdAll(text, 'intune.json');
    expect(all).toHaveLength(2);
    expect(all.map((s) => s.fields.find((f) => f.normKey === 'domainjoined')?.value)).toEqual(['YES', 'YES']);
    expect(all.map((s) => s.fields.find((f) => f.normKey === 'azureadjoined')?.value)).toEqual(['NO', 'YES']);
    expect(new Set(all[0]!.fields.map((f) => f.line))).toEqual(new Set([4]));
    expect(new Set(all[1]!.fields.map((f) => f.line))).toEqual(new Set([8]));
    // One device alone reads as the sample does.
    const one = JSON.stringify({ Output: sample(S003).replace(/\n/g, '\r\n') });
    expect(summary(diag('one.json', one))).toEqual(summary(diag(S003, sample(S003))));
  });

  it('reads each CSV cell of a report of many devices as its own capture, on its own lines', () => {
    const text = paste('devices-report.csv');
    const all = parseDsregcmdAll(text, 'report.csv');
    expect(all).toHaveLength(2);
    const lines = text.split(/\r?\n/);
    for (const s of all) {
      for (const f of s.fields) expect(lines[f.line - 1]).toContain(f.key);
    }
    expect(all[0]!.fields.find((f) => f.normKey === 'clienterrorcode')?.value).toBe('0x801c001d');
    expect(all[1]!.fields.find((f) => f.normKey === 'attemptstatus')?.value).toBe('0xc00000d0');
  });

  it('reads a forum page: <pre>, entities (&#43; &nbsp; &amp;), a head with a style', () => {
    const text = paste('forum-post.html');
    const d = diag('post.html', text);
    expect(summary(d)).toEqual(summary(diag(S013, sample(S013))));
    expectEvidenceOnLines(d, text);
  });

  it('removes invisible Unicode inside lines: zero-width spaces, NBSP, BOMs in the middle, direction marks', () => {
    const clean = sample(S011);
    const dirty = clean
      .split('\n')
      .map((l, i) =>
        i % 3 === 0
          ? `\u200e${l.replace(' : ', '\u200b :\u00a0')}`
          : i % 3 === 1
            ? l.replace(/ {2}/, '\ufeff\u2060 ')
            : `${l}\u202f\u200f`,
      )
      .join('\n');
    const d = diag('zw.txt', dirty);
    expect(summary(d)).toEqual(summary(diag(S011, clean)));
    const s = parseDsregcmd(dirty);
    expect(s.fields.find((f) => f.normKey === 'clienterrorcode')?.value).toBe('0x801c03f2');
  });
});

describe('joined and re-flowed lines', () => {
  it('splits several `Key : value` pairs on one line at the known keys', () => {
    const text = paste('chat-joined.txt');
    const s = parseDsregcmd(text);
    expect(s.fields.map((f) => [f.key, f.value, f.line])).toEqual([
      ['AzureAdPrt', 'NO', 1],
      ['AcquirePrtDiagnostics', 'PRESENT', 1],
      ['Attempt Status', '0xc00000d0', 1],
      ['User Identity', 'Administrator@corp.local', 1],
      ['HTTP status', '400', 1],
      ['Server Error Code', 'invalid_request', 1],
      ['Server Error Description', "AADSTS90002: Tenant 'corp.local' not found.", 1],
    ]);
    expect(diag('chat.txt', text).findings.map((f) => f.id)).toContain('aadsts90002');
  });

  it('keeps a value whose words name no key whole (`KeySignTest: : PASSED`, URLs, times)', () => {
    const s = parseDsregcmd('KeySignTest: : PASSED  Client Time : 2019-06-05 08:25:29.000 UTC\n');
    expect(s.fields.map((f) => [f.normKey, f.value])).toEqual([
      ['keysigntest', 'PASSED'],
      ['clienttime', '2019-06-05 08:25:29.000 UTC'],
    ]);
  });

  it('joins a long value that a mail client wrapped between words', () => {
    const text = [
      '                AzureAdPrt : NO',
      '    Server Error Description : AADSTS50126: Error validating credentials due to',
      'invalid username or password.',
      '             EnterprisePrt : NO',
    ].join('\n');
    const s = parseDsregcmd(text);
    expect(s.fields.find((f) => f.normKey === 'servererrordescription')?.value).toBe(
      'AADSTS50126: Error validating credentials due to invalid username or password.',
    );
    expect(s.fields.map((f) => f.line)).toEqual([1, 2, 4]);
  });
});

describe('translated labels and localized values', () => {
  it('reads Ja/Nein, Oui/Non, はい/いいえ, Sí, Tak, Nej as YES and NO for flags, and says so', () => {
    const text =
      'AzureAdJoined : Oui\nDomainJoined : Non\nAzureAdPrt : はい\nWorkplaceJoined：いいえ\nNgcSet : Tak\nTpmProtected : Nej\nOnPremTgt : Sí\n';
    const s = parseDsregcmd(text);
    expect(s.fields.map((f) => [f.normKey, f.value])).toEqual([
      ['azureadjoined', 'YES'],
      ['domainjoined', 'NO'],
      ['azureadprt', 'YES'],
      ['workplacejoined', 'NO'],
      ['ngcset', 'YES'],
      ['tpmprotected', 'NO'],
      ['onpremtgt', 'YES'],
    ]);
    expect(s.notes).toContain('line 1: read AzureAdJoined "Oui" as YES');
    expect(diag('fr.txt', text).joinType).toBe('entra-joined');
  });

  it('does not read a value that is not a flag (DomainName : NEJ stays a name)', () => {
    const s = parseDsregcmd('DomainJoined : Ja\nDomainName : NEJ\n');
    expect(s.fields.map((f) => f.value)).toEqual(['YES', 'NEJ']);
  });

  it('reads translated labels by their place in the layout and the shape of their value', () => {
    const text = paste('translated-de.txt');
    const s = parseDsregcmd(text);
    const byKey = (k: string) => s.fields.find((f) => f.normKey === k);
    expect(byKey('azureadjoined')?.value).toBe('NO');
    expect(byKey('enterprisejoined')?.value).toBe('NO');
    expect(byKey('domainjoined')?.value).toBe('YES');
    expect(byKey('domainname')?.value).toBe('RCMLAB');
    expect(byKey('domainjoined')?.key).toBe('Domäne beigetreten');
    const d = diag('de.txt', text);
    expect(summary(d)).toEqual(summary(diag(S003, sample(S003))));
    expectEvidenceOnLines(d, text);
  });

  it('never reads a new English key of a later build as another key', () => {
    const text = [
      '| Device State |',
      '   AzureAdJoined : YES',
      '   BrandNewKey2030 : NO',
      '   DomainJoined : YES',
    ].join('\n');
    const s = parseDsregcmd(text);
    expect(s.fields.map((f) => f.normKey)).toEqual(['azureadjoined', 'brandnewkey2030', 'domainjoined']);
  });
});

describe('dsregcmd /join /debug', () => {
  it('reads a pre-check failure: no domain controller (preCheckResult DoNotJoin)', () => {
    const text = paste('join-debug-no-dc.txt');
    const s = parseDsregcmd(text, 'debug.txt');
    expect(s.layout).toBe('debug');
    const f = (k: string) => s.fields.find((x) => x.normKey === k);
    expect([f('errorphase')?.value, f('errorphase')?.line]).toEqual(['precheck', 6]);
    expect([f('clienterrorcode')?.value, f('clienterrorcode')?.line]).toEqual(['0x8007054b', 4]);
    // The report's own `keyProvider: undefined` is not the /status KeyProvider.
    expect(f('keyprovider')).toBeUndefined();
    const d = diag('debug.txt', text);
    expect(d.verdict).toBe('failed');
    expect(d.phase).toBe('precheck');
    expect(d.findings[0]!.codes.map((c) => c.hex)).toEqual(['0x8007054b']);
    expectEvidenceOnLines(d, text);
  });

  it('reads an authentication failure: errorPhase, adalResponseCode, registrationType', () => {
    const text = paste('join-debug-auth-fail.txt');
    const d = diag('debug.txt', text);
    expect(d.verdict).toBe('failed');
    expect(d.phase).toBe('auth');
    expect(d.findings[0]!.codes.map((c) => c.hex)).toContain('0xcaa1000e');
    const s = parseDsregcmd(text);
    expect(s.fields.find((x) => x.normKey === 'registrationtype')?.value).toBe('fed');
    expect(s.notes?.some((n) => n.includes('Error Phase auth'))).toBe(true);
  });

  it('is not UNKNOWN when the report says DoNotJoin without a code', () => {
    const text =
      'dsregcmd::wmain logging initialized.\nPreJoinChecks Complete.\npreCheckResult: DoNotJoin\nresultCode: 0x1\n';
    const d = diag('d.txt', text);
    expect(d.phase).toBe('precheck');
    expect(d.verdict).not.toBe('unknown');
  });
});

describe('a prefix on only some lines', () => {
  it('reads a known key after list marks or numbers on lines that carry them', () => {
    const s = parseDsregcmd('Our device:\n- AzureAdJoined : YES\n  DomainJoined : YES\n3) AzureAdPrt : NO\n');
    expect(s.fields.map((f) => [f.normKey, f.value, f.line])).toEqual([
      ['azureadjoined', 'YES', 2],
      ['domainjoined', 'YES', 3],
      ['azureadprt', 'NO', 4],
    ]);
  });

  it('does not take a known key that follows words (`Note the AzureAdPrt : NO`)', () => {
    const s = parseDsregcmd('DomainJoined : YES\nplease check AzureAdPrt : NO\n');
    expect(s.fields.map((f) => f.normKey)).toEqual(['domainjoined']);
  });
});
