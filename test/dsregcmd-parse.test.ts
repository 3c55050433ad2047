// The parser on the kinds of damage real pastes carry.
import { describe, expect, it } from 'vitest';
import { diagnoseInputs } from '../src/diagnose.js';
import { keyTableWork } from '../src/dsregcmd/lines.js';
import { parseDsregcmd } from '../src/dsregcmd/parse.js';
import { InputError } from '../src/types.js';

const MODERN = [
  '+----------------------------------------------------------------------+',
  '| Device State                                                         |',
  '+----------------------------------------------------------------------+',
  '',
  '             AzureAdJoined : YES',
  '          EnterpriseJoined : NO',
  '              DomainJoined : YES',
  '                DomainName : FABRIKAM',
  '',
  '+----------------------------------------------------------------------+',
  '| SSO State                                                            |',
  '+----------------------------------------------------------------------+',
  '',
  '                AzureAdPrt : YES',
  '      AzureAdPrtUpdateTime : 2024-03-01 08:00:00.000 UTC',
  '       AzureAdPrtAuthority : https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555',
  '',
].join('\n');

function utf16le(text: string, bom = true): Uint8Array {
  const out = new Uint8Array((bom ? 2 : 0) + text.length * 2);
  let i = 0;
  if (bom) {
    out[i++] = 0xff;
    out[i++] = 0xfe;
  }
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    out[i++] = c & 0xff;
    out[i++] = c >> 8;
  }
  return out;
}

const get = (text: string, key: string) => parseDsregcmd(text).fields.find((f) => f.key === key);

describe('dsregcmd parser', () => {
  it('reads sections, keys, values and line numbers', () => {
    const s = parseDsregcmd(MODERN, 'm.txt');
    expect(s.layout).toBe('boxed');
    expect(s.sections.map((x) => x.name)).toEqual(['Device State', 'SSO State']);
    const auth = s.fields.find((f) => f.normKey === 'azureadprtauthority')!;
    expect(auth.value).toBe('https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555');
    expect(auth.line).toBe(16);
    expect(auth.section).toBe('SSO State');
    expect(get(MODERN, 'AzureAdPrtUpdateTime')?.value).toBe('2024-03-01 08:00:00.000 UTC');
  });

  it('reads CRLF, tabs and a UTF-8 BOM', () => {
    const text = `\uFEFF${MODERN.replace(/\n/g, '\r\n').replace('             AzureAdJoined', '\t\tAzureAdJoined')}`;
    const d = diagnoseInputs([{ name: 'crlf', bytes: new TextEncoder().encode(text) }]);
    expect(d.joinType).toBe('hybrid');
  });

  it('reads UTF-16LE with a BOM, as PowerShell > writes it', () => {
    const d = diagnoseInputs([{ name: 'ps.txt', bytes: utf16le(MODERN.replace(/\n/g, '\r\n')) }]);
    expect(d.joinType).toBe('hybrid');
    expect(d.device?.domainName).toBe('FABRIKAM');
  });

  it('ignores the prompt, banners and trailing shell noise', () => {
    const text = `Microsoft Windows [Version 10.0.19045.3803]\n(c) Microsoft Corporation.\n\nC:\\Windows\\system32>dsregcmd /status\n${MODERN}\nC:\\Windows\\system32>echo Note: done\nNote: done\n`;
    const s = parseDsregcmd(text);
    expect(s.fields.map((f) => f.key)).not.toContain('Note');
    expect(s.fields.find((f) => f.key === 'AzureAdJoined')?.line).toBe(9);
  });

  it('keeps values that contain colons (URLs, times) whole', () => {
    expect(
      get('  Endpoint URI : https://login.microsoftonline.com:443/x/oauth2/token/', 'Endpoint URI')?.value,
    ).toBe('https://login.microsoftonline.com:443/x/oauth2/token/');
    expect(get('   Client Time : 2019-06-05 08:25:29.000 UTC', 'Client Time')?.value).toBe(
      '2019-06-05 08:25:29.000 UTC',
    );
  });

  it('reads the old layout: `Key: value`, `KeySignTest: : value`, `AadRecoveryEnabled: NO`', () => {
    const text =
      '    AzureAdJoined: YES\n     KeySignTest: : MUST Run elevated to test.\nAadRecoveryEnabled: NO\n';
    const s = parseDsregcmd(text);
    expect(s.fields.map((f) => [f.normKey, f.value])).toEqual([
      ['azureadjoined', 'YES'],
      ['keysigntest', 'MUST Run elevated to test.'],
      ['aadrecoveryenabled', 'NO'],
    ]);
  });

  it('strips Markdown and HTML residue from forums', () => {
    const md = '> **AzureAdJoined : YES**\n> `DomainJoined : YES`\n| WorkplaceJoined | NO |\n';
    const s = parseDsregcmd(md);
    expect(s.fields.map((f) => [f.key, f.value])).toEqual([
      ['AzureAdJoined', 'YES'],
      ['DomainJoined', 'YES'],
      ['WorkplaceJoined', 'NO'],
    ]);
    const html = '<p>AzureAdJoined : NO<br/>DomainJoined : YES<br>DomainName : A&amp;B</p>';
    const h = parseDsregcmd(html);
    expect(h.fields.map((f) => [f.key, f.value, f.line])).toEqual([
      ['AzureAdJoined', 'NO', 1],
      ['DomainJoined', 'YES', 1],
      ['DomainName', 'A&B', 1],
    ]);
  });

  it('keeps documentation placeholders and redactions as values', () => {
    expect(get('      SettingsUrl: eyJVc{lots of characters}JdfQ==', 'SettingsUrl')?.value).toBe(
      'eyJVc{lots of characters}JdfQ==',
    );
  });

  it('keeps unknown keys inside a known section, but not unknown text outside one', () => {
    const text = `Starting external process: C:\\x.exe\n${MODERN.replace('DomainName : FABRIKAM', 'DomainName : FABRIKAM\n        BrandNewKey2030 : 42')}`;
    const s = parseDsregcmd(text);
    expect(s.fields.find((f) => f.key === 'BrandNewKey2030')?.value).toBe('42');
    expect(s.fields.find((f) => f.key.startsWith('Starting'))).toBeUndefined();
  });

  it('keeps repeated keys of Work Account blocks apart', () => {
    const text =
      `${MODERN}\n+---+\n| Work Account 1 |\n+---+\n   NgcSet : YES\n   WorkplaceTenantId : abc\n`.replace(
        /\+---\+/g,
        '+----------------------------------------------------------------------+',
      );
    const s = parseDsregcmd(`| User State |\n   NgcSet : NO\n${text}`);
    const ngc = s.fields.filter((f) => f.normKey === 'ngcset');
    expect(ngc.map((f) => [f.section, f.value])).toEqual([
      ['User State', 'NO'],
      ['Work Account 1', 'YES'],
    ]);
  });

  it('survives a capture cut off in the middle of a line', () => {
    const cut = MODERN.slice(0, MODERN.indexOf('DomainName') + 8);
    const s = parseDsregcmd(cut);
    expect(s.fields.map((f) => f.key)).toEqual(['AzureAdJoined', 'EnterpriseJoined', 'DomainJoined']);
  });

  it('rejects text that is not dsregcmd output with one clear line', () => {
    const attempt = () => parseDsregcmd('Hello: world\nThis is a shopping list.\n', 'notes.txt');
    expect(attempt).toThrow(InputError);
    expect(attempt).toThrow(/^notes\.txt: does not look like `dsregcmd \/status` output/);
    expect(() => parseDsregcmd('', 'empty.txt')).toThrow(/empty\.txt/);
    expect(() => parseDsregcmd('\u0000\u0001\u0002binary', 'b.bin')).toThrow(InputError);
  });

  it('handles a large input in linear time', { timeout: 20_000 }, () => {
    // The key table's work on 2000 copies is 2000 times its work on one (no clock: a counter).
    const before = keyTableWork.chars;
    parseDsregcmd(MODERN);
    const one = keyTableWork.chars - before;
    const big = MODERN.repeat(2000);
    const s = parseDsregcmd(big);
    expect(s.fields.length).toBe(7 * 2000);
    expect(one).toBeGreaterThan(0);
    expect(keyTableWork.chars - before - one).toBe(2000 * one);
  });
});

describe('parseDsregcmd: labels and section names in ASCII and beyond', () => {
  const box = (name: string, lines: string[]) =>
    [
      '+----------------------------------------------------------------------+',
      `| ${name} |`,
      '+-----------------------------------------------------------------------+',
      ...lines,
    ].join('\n');

  it('reads the same unknown keys and section names whether the text is ASCII or not', () => {
    const lines = [
      '             AzureAdJoined : YES',
      '        Some New Field (x) : value one',
      '          Old.Style-Key/2: : PASSED',
      '               Empty Label :',
      '             Länge Feld : wert',
      '             Key Wide ： ： wide value',
      '             Key Half : ： half value',
    ];
    const s = parseDsregcmd(
      `${box('Device State', lines)}\n${box('Gerätestatus', ['  DomainJoined : NO', '  Zustand : ja'])}`,
    );
    expect(s.sections.map((x) => x.name)).toEqual(['Device State', 'Gerätestatus']);
    expect(s.fields.map((f) => [f.key, f.value])).toEqual([
      ['AzureAdJoined', 'YES'],
      ['Some New Field (x)', 'value one'],
      ['Old.Style-Key/2', 'PASSED'],
      ['Empty Label', ''],
      ['Länge Feld', 'wert'],
      ['Key Wide', 'wide value'],
      ['Key Half', 'half value'],
      ['DomainJoined', 'NO'],
      // (An unknown label in an unknown section stays tentative and is dropped: none is matched.)
    ]);
  });
});
