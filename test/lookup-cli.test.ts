import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { type CodeNames, loadCodeNames, lookup } from '../src/index.js';
import { memoryIO } from './helpers.js';
import { contract } from './schema.js';

let names: CodeNames;
beforeAll(async () => {
  names = await loadCodeNames();
});

const validate = contract('lookup');

async function run(...argv: string[]) {
  const m = memoryIO();
  const code = await main(['lookup', ...argv], m.io);
  return { code, out: m.out(), err: m.err() };
}

/** Lines wider than 80 columns, other than bare URLs (which cannot be wrapped). */
function wideLines(text: string): string[] {
  return text.split('\n').filter((l) => l.length > 80 && !/^\s*https?:\/\/\S+$/.test(l));
}

const ISSUE_QUERIES = [
  '0x801c03f2',
  '801C03F2',
  '-2145647630',
  '2149319666',
  '0xcaa82ee2',
  '12002',
  '0x801c0021/0x80072ee2',
  'STATUS_LOGON_FAILURE',
  'AADSTS50155',
  'DirectoryError',
  'TIMEOUT',
  '0x80070005',
  '0xc0000022',
  '0x8009000b',
  '12175',
  '0x801c0003',
  '50155',
  'AADSTS70011',
];

describe('dsreg-doctor lookup', () => {
  it('explains a code typed as a negative decimal, not mistaking it for an option', async () => {
    const r = await run('-2145647630');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out.split('\n')[0]).toBe('0x801c03f2  (signed -2145647630, unsigned 2149319666)');
    expect(r.out).toContain('DSREG_E_DIRECTORY_FAILURE (0x801c03f2)  [dsreg, join phase]');
    expect(r.out).toContain('What to do:');
    expect(r.out).toContain('#join-phase');
  });

  it('prints readable text at 80 columns for every form of the issue', async () => {
    const r = await run(...ISSUE_QUERIES);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(wideLines(r.out)).toEqual([]);
  });

  it('lists both meanings of 12002 and the forms the same error takes', async () => {
    const r = await run('12002');
    expect(r.out).toContain('ERROR_WINHTTP_TIMEOUT (0x2ee2)  [winhttp, post-join phase]');
    expect(r.out).toMatch(/ERROR_INTERNET_TIMEOUT\s+0x2ee2\s+wininet, wininet\.h/);
    expect(r.out).toContain('0x80072ee2 (HRESULT_FROM_WIN32): WININET_E_TIMEOUT');
    expect(r.out).toContain('0xcaa82ee2 (ADAL): ERROR_ADAL_INTERNET_TIMEOUT');
  });

  it('says that 0xcaa82ee2 and 0x80072ee2 both carry 12002, a timeout', async () => {
    const adal = await run('0xcaa82ee2');
    expect(adal.out).toMatch(
      /The low 16 bits, 0x2ee2 = 12002, are a WinINet\/WinHTTP error:\s+ERROR_WINHTTP_TIMEOUT/,
    );
    const hr = await run('0x80072ee2');
    expect(hr.out).toMatch(
      /HRESULT_FROM_WIN32 wraps Win32 error 12002 \(0x2ee2\): ERROR_WINHTTP_TIMEOUT,\s+ERROR_INTERNET_TIMEOUT/,
    );
  });

  it('names and decodes codes outside the guide', async () => {
    const r = await run('0x80070005', '0xc0000022', '0x8009000b', '12175');
    expect(r.out).toContain('HRESULT: failure, facility 7 (WIN32), code 0x5 (5).');
    expect(r.out).toMatch(/E_ACCESSDENIED\s+0x80070005\s+hresult, winerror\.h/);
    expect(r.out).toMatch(/ERROR_ACCESS_DENIED\s+0x5\s+win32, winerror\.h, via HRESULT_FROM_WIN32/);
    expect(r.out).toContain('NTSTATUS: error, facility 0, code 0x22 (34).');
    expect(r.out).toMatch(/STATUS_ACCESS_DENIED\s+0xc0000022/);
    expect(r.out).toContain('HRESULT: failure, facility 9 (SECURITY/SSPI), code 0xb (11).');
    expect(r.out).toMatch(/NTE_BAD_KEY_STATE\s+0x8009000b\s+crypto/);
    expect(r.out).toMatch(/ERROR_WINHTTP_SECURE_FAILURE\s+0x2f8f\s+winhttp/);
    expect(r.out).toMatch(/ERROR_INTERNET_DECODING_FAILED\s+0x2f8f\s+wininet/);
  });

  it('shows a code and its sub-code in order', async () => {
    const r = await run('0x801c0021/0x80072ee2');
    expect(r.code).toBe(0);
    const first = r.out.indexOf('[1/2] 0x801c0021');
    const second = r.out.indexOf('[2/2] 0x80072ee2');
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first);
    expect(r.out.indexOf('DSREG_AUTOJOIN_DISC_FAILED')).toBeGreaterThan(first);
    expect(r.out.indexOf('WININET_E_TIMEOUT')).toBeGreaterThan(second);
  });

  it('searches names for a word that is no code', async () => {
    const r = await run('TIMEOUT');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^TIMEOUT\n {2}\d+ known names contain "TIMEOUT"\./);
    expect(r.out).toMatch(/DSREG_AUTOJOIN_DISC_WAIT_TIMEOUT\s+0x801c001f\s+dsreg, guide/);
    expect(r.out).toMatch(/ERROR_INTERNET_TIMEOUT\s+0x2ee2/);
  });

  it('decodes an unknown but well-formed code and exits 0', async () => {
    const r = await run('0x801c0003');
    expect(r.code).toBe(0);
    expect(r.out).toContain('HRESULT: failure, facility 28, code 0x3 (3).');
    expect(r.out).toContain('No name is known for this value.');
  });

  it('exits 1 when a word matches no name', async () => {
    const r = await run('FROBNICATE');
    expect(r.code).toBe(1);
    expect(r.out).toContain('No known code name contains "FROBNICATE".');
  });

  it('refuses an unparseable query with one clear line and exit 2, still answering the others', async () => {
    const r = await run('0xZZ', '12002');
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^dsreg-doctor lookup: cannot read "0xZZ"; expected a hex code/);
    expect(r.out).toContain('ERROR_WINHTTP_TIMEOUT');
    expect((await run('0x1234567890')).code).toBe(2);
    expect((await run('4294967296')).err).toMatch(/outside the 32-bit range/);
  });

  it('refuses an unknown format with exit 2', async () => {
    const r = await run('12002', '--format', 'yaml');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown --format "yaml"/);
  });

  it('prints one JSON object per query, each valid against the contract', async () => {
    const r = await run(...ISSUE_QUERIES, '--format', 'json');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(ISSUE_QUERIES.length);
    for (const [i, line] of lines.entries()) {
      const obj = JSON.parse(line);
      expect(validate(obj), ISSUE_QUERIES[i]).toBe('');
      expect(obj.query).toBe(ISSUE_QUERIES[i]);
    }
    const compound = JSON.parse(lines[6]!);
    expect(compound.parts.map((p: { value: { hex: string } }) => p.value.hex)).toEqual([
      '0x801c0021',
      '0x80072ee2',
    ]);
    expect(compound.parts[0].matches[0].name).toBe('DSREG_AUTOJOIN_DISC_FAILED');
    expect(compound.parts[1].matches[0].name).toBe('WININET_E_TIMEOUT');
  });

  it('prints JSON for an unreadable query too, with its error, and exits 2', async () => {
    const r = await run('nope!', '--format', 'json');
    expect(r.code).toBe(2);
    const obj = JSON.parse(r.out);
    expect(validate(obj)).toBe('');
    expect(obj.error).toMatch(/cannot read "nope!"/);
    expect(obj.matches).toEqual([]);
  });

  it('is the same function the library exports', async () => {
    const r = await run('0xcaa82ee2', '--format', 'json');
    expect(JSON.parse(r.out)).toEqual(JSON.parse(JSON.stringify(lookup('0xcaa82ee2', names))));
    expect(lookup('0xcaa82ee2', names).value).toMatchObject({
      kind: 'hresult',
      adalGroup: '0xcaa8',
      code: 12002,
    });
  });

  it('shows in help how to use it', async () => {
    const m = memoryIO();
    expect(await main(['lookup', '--help'], m.io)).toBe(0);
    expect(m.out()).toContain('dsreg-doctor lookup 0x801c0021/0x80072ee2');
    expect(wideLines(m.out())).toEqual([]);
  });
});
