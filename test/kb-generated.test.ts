// The generic table generated from the mingw-w64 headers: values pinned by hand, the table's own
// integrity, the generator on fixture headers, and (where the headers are installed) that the
// committed table is what the generator makes from them.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERIC_BLOCKS, GENERIC_COUNT } from '../src/kb/generated/generic-codes.js';
import { decodeGenericBlocks } from '../src/kb/names.js';

const MINGW = '/usr/share/mingw-w64/include';

/**
 * Checked by hand against /usr/share/mingw-w64/include (mingw-w64-common 10.0.0-3): the header,
 * the definition as written there, and the value it comes to.
 */
const PINNED: [name: string, value: number, family: string, header: string][] = [
  ['ERROR_SUCCESS', 0, 'win32', 'winerror.h'], // __MSABI_LONG(0)
  ['ERROR_ACCESS_DENIED', 5, 'win32', 'winerror.h'], // __MSABI_LONG(5)
  ['ERROR_NO_SUCH_LOGON_SESSION', 1312, 'win32', 'winerror.h'],
  ['ERROR_NO_SUCH_USER', 1317, 'win32', 'winerror.h'],
  ['WSAETIMEDOUT', 10060, 'win32', 'winerror.h'], // (WSABASEERR + 60)
  ['E_ACCESSDENIED', 0x80070005, 'hresult', 'winerror.h'], // _HRESULT_TYPEDEF_(0x80070005)
  ['E_FAIL', 0x80004005, 'hresult', 'winerror.h'],
  ['E_NOT_SUFFICIENT_BUFFER', 0x8007007a, 'hresult', 'winerror.h'], // HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER)
  ['NTE_BAD_KEYSET', 0x80090016, 'crypto', 'winerror.h'],
  ['NTE_BAD_KEY_STATE', 0x8009000b, 'crypto', 'winerror.h'],
  ['NTE_AUTHENTICATION_IGNORED', 0x80090031, 'crypto', 'winerror.h'],
  ['TBS_E_INTERNAL_ERROR', 0x80284001, 'tpm', 'winerror.h'],
  ['STATUS_ACCESS_DENIED', 0xc0000022, 'ntstatus', 'ntstatus.h'], // ((NTSTATUS)0xC0000022)
  ['STATUS_LOGON_FAILURE', 0xc000006d, 'ntstatus', 'ntstatus.h'],
  ['STATUS_WRONG_PASSWORD', 0xc000006a, 'ntstatus', 'ntstatus.h'],
  ['STATUS_NO_SUCH_LOGON_SESSION', 0xc000005f, 'ntstatus', 'ntstatus.h'],
  ['STATUS_NETWORK_UNREACHABLE', 0xc000023c, 'ntstatus', 'ntstatus.h'],
  ['ERROR_INTERNET_TIMEOUT', 12002, 'wininet', 'wininet.h'], // (INTERNET_ERROR_BASE + 2)
  ['ERROR_INTERNET_NAME_NOT_RESOLVED', 12007, 'wininet', 'wininet.h'],
  ['ERROR_INTERNET_CANNOT_CONNECT', 12029, 'wininet', 'wininet.h'],
  ['ERROR_INTERNET_CONNECTION_ABORTED', 12030, 'wininet', 'wininet.h'],
  ['ERROR_WINHTTP_TIMEOUT', 12002, 'winhttp', 'winhttp.h'], // (WINHTTP_ERROR_BASE + 2)
  ['ERROR_WINHTTP_SECURE_FAILURE', 12175, 'winhttp', 'winhttp.h'], // (WINHTTP_ERROR_BASE + 175)
  ['ERROR_WINHTTP_CONNECTION_ERROR', 12030, 'winhttp', 'winhttp.h'],
  ['WC_E_DTDPROHIBITED', 0xc00cee4f, 'xmllite', 'xmllite.h'], // enum XmlError
  ['NERR_SetupNotJoined', 2692, 'win32', 'lmerr.h'], // (NERR_BASE+592)
  ['E_ADS_BAD_PATHNAME', 0x80005000, 'hresult', 'adserr.h'],
  ['ERROR_INTERNET_DECODING_FAILED', 12175, 'wininet', 'wininet.h (Windows SDK)'], // the one supplement
];

const decoded = decodeGenericBlocks(GENERIC_BLOCKS);

describe('generated generic table', () => {
  it('holds the pinned names with the values the headers give', () => {
    for (const [name, value, family, header] of PINNED) {
      const found = decoded.filter((n) => n.name === name);
      expect(found, name).toHaveLength(1);
      expect(found[0], name).toMatchObject({ value, family, source: header });
    }
  });

  it('decodes to GENERIC_COUNT entries, each block ascending, no name twice at one value', () => {
    expect(decoded).toHaveLength(GENERIC_COUNT);
    expect(GENERIC_COUNT).toBeGreaterThan(5000);
    const keys = new Set(decoded.map((n) => `${n.name}=${n.value}`));
    expect(keys.size).toBe(decoded.length);
    for (const [, , values] of GENERIC_BLOCKS) {
      expect(values.split(',').every((d) => /^[0-9a-z]+$/.test(d))).toBe(true);
    }
    for (const n of decoded) {
      expect(Number.isInteger(n.value) && n.value >= 0 && n.value <= 0xffffffff, n.name).toBe(true);
    }
  });

  it('stays small enough for the browser page', () => {
    expect(readFileSync('src/kb/generated/generic-codes.ts').length).toBeLessThan(200_000);
    expect(readFileSync('src/kb/generated/facilities.ts').length).toBeLessThan(4_000);
  });

  it('rejects a corrupt block instead of misnaming codes', () => {
    expect(() => decodeGenericBlocks([['win32', 'x.h', '1,1', 'ONLY_ONE']])).toThrow(/corrupt/);
  });
});

describe('scripts/gen-codes.mjs', () => {
  it('reads every definition form on fixture headers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gen-codes-'));
    execFileSync('node', [
      'scripts/gen-codes.mjs',
      '--include',
      'test/fixtures/lookup/include',
      '--out',
      dir,
    ]);
    const text = readFileSync(join(dir, 'generic-codes.ts'), 'utf8');
    const blocks = JSON.parse(
      text.slice(text.indexOf('= [') + 2, text.lastIndexOf(']') + 1).replace(/,\s*\]$/, ']'),
    ) as [string, string, string, string][];
    const byName = new Map(decodeGenericBlocks(blocks).map((n) => [n.name, n]));
    const expected: Record<string, [number, string]> = {
      ERROR_SUCCESS: [0, 'win32'],
      ERROR_ACCESS_DENIED: [5, 'win32'],
      WSAETIMEDOUT: [10060, 'win32'], // (WSABASEERR+60)
      DNS_ERROR_NO_MEMORY: [14, 'win32'], // alias defined before its target
      ERROR_MULTI_LINE: [1312, 'win32'], // continued line
      S_OK: [0, 'hresult'],
      E_ACCESSDENIED: [0x80070005, 'hresult'],
      E_NOT_SUFFICIENT_BUFFER: [0x8007007a, 'hresult'], // HRESULT_FROM_WIN32(...)
      NTE_BAD_KEYSET: [0x80090016, 'crypto'], // 0x...L suffix
      TPM_E_NOTFIPS: [0x80280036, 'tpm'],
      STATUS_ACCESS_DENIED: [0xc0000022, 'ntstatus'],
      RPC_NT_INVALID_TIMEOUT: [0xc002000a, 'ntstatus'],
      ERROR_INTERNET_TIMEOUT: [12002, 'wininet'],
      ERROR_INTERNET_NO_NEW_CONTAINERS: [12051, 'wininet'], // winineti.h, base from wininet.h
      ERROR_WINHTTP_SECURE_FAILURE: [12175, 'winhttp'],
      WC_E_DTDPROHIBITED: [0xc00cee4f, 'xmllite'],
      NERR_SetupNotJoined: [2692, 'win32'],
      E_ADS_BAD_PATHNAME: [0x80005000, 'hresult'],
    };
    for (const [name, [value, family]] of Object.entries(expected)) {
      expect(byName.get(name), name).toMatchObject({ value, family });
    }
    // Helpers, bases, ranges, facilities and other enums stay out.
    for (const name of [
      'FACILITY_WIN32',
      'SEVERITY_ERROR',
      'WSABASEERR',
      'INTERNET_ERROR_BASE',
      'INTERNET_ERROR_LAST',
      'WINHTTP_ERROR_LAST',
      'NERR_BASE',
      'STATUS_SEVERITY_ERROR',
      'DtdProcessing_Parse',
      'SUCCEEDED',
    ])
      expect(byName.has(name), name).toBe(false);
    const facilities = readFileSync(join(dir, 'facilities.ts'), 'utf8');
    expect(facilities).toContain('HRESULT_FACILITIES = "7:WIN32 9:SECURITY 26:USERMODE_COMMONLOG');
    expect(facilities).toContain('NTSTATUS_FACILITIES = "1:DEBUGGER 2:RPC_RUNTIME 6:CODCLASS_ERROR_CODE');
  });

  it('says clearly when the headers are missing', () => {
    const r = spawnSync('node', ['scripts/gen-codes.mjs', '--check', '--include', '/nonexistent/include'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot read the headers in \/nonexistent\/include .*mingw-w64-common/);
  });

  // The committed table must be what the generator makes from the installed headers. Where the
  // headers are absent (apt-get install mingw-w64-common adds them) this checks the check itself:
  // it must fail loudly rather than pass; the pinned values above hold either way.
  it('regenerates the committed table byte for byte from the installed headers', () => {
    const r = spawnSync('node', ['scripts/gen-codes.mjs', '--check'], { encoding: 'utf8' });
    if (existsSync(join(MINGW, 'winerror.h'))) {
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`${GENERIC_COUNT} names up to date`);
    } else {
      expect(r.status).toBe(2);
    }
  });
});
