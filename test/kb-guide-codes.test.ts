import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toHex, toSigned } from '../src/kb/format.js';
import { GUIDE_CODES, guideCode, matchServerError, SERVER_ERRORS } from '../src/kb/guide-codes.js';

const guide = readFileSync('../shared/reference/troubleshoot-hybrid-join-windows-current.md', 'utf8');

/** Every `**NAME** (hex/decimal)` or `**NAME** (decimal/ hex)` or `**NAME** (number)` the guide's tables give. */
function guideTableCodes(): { name: string; hex?: string; decimal?: string }[] {
  const out: { name: string; hex?: string; decimal?: string }[] = [];
  const re = /\*\*([A-Z][A-Z0-9_]+)\*\*\s*\(([^)]*)\)/g;
  for (const m of guide.matchAll(re)) {
    const parts = m[2]!.split('/').map((s) => s.trim());
    const hex = parts.find((p) => /^0x/i.test(p));
    const decimal = parts.find((p) => /^-*\d+$/.test(p));
    out.push({ name: m[1]!, hex, decimal });
  }
  return out;
}

describe('knowledge base: the guide codes', () => {
  const table = guideTableCodes();

  it('covers exactly the codes of the guide (its tables, plus the two Win32 codes named in prose)', () => {
    const fromGuide = new Set(table.map((r) => r.name));
    expect(fromGuide.size).toBe(47);
    for (const prose of ['ERROR_NO_SUCH_LOGON_SESSION', 'ERROR_NO_SUCH_USER']) {
      expect(guide).toContain(prose);
      fromGuide.add(prose);
    }
    expect(new Set(GUIDE_CODES.map((c) => c.name))).toEqual(fromGuide);
  });

  it('has an entry for every code in the guide, with the hex the guide gives', () => {
    for (const row of table) {
      const entry = GUIDE_CODES.find((c) => c.name === row.name);
      expect(entry, row.name).toBeDefined();
      if (row.hex) expect(toHex(entry!.value), row.name).toBe(row.hex.toLowerCase());
      else expect(String(entry!.value), row.name).toBe(row.decimal);
    }
  });

  it("agrees with the guide's decimal column except for the guide's known typo", () => {
    const typos: string[] = [];
    for (const row of table) {
      if (!row.hex || !row.decimal) continue;
      const entry = GUIDE_CODES.find((c) => c.name === row.name)!;
      if (String(toSigned(entry.value)) !== row.decimal) typos.push(`${row.name} ${row.decimal}`);
    }
    // The guide prints "--1073445695" for AAD_CLOUDAP_E_WSTRUST_SAML_TOKENS_ARE_EMPTY (0xc00484c1).
    expect(typos).toEqual(['AAD_CLOUDAP_E_WSTRUST_SAML_TOKENS_ARE_EMPTY --1073445695']);
    expect(toSigned(0xc00484c1)).toBe(-1073445695);
  });

  it('keeps every entry complete and consistent', () => {
    const names = new Set<string>();
    for (const c of GUIDE_CODES) {
      expect(names.has(c.name), `duplicate ${c.name}`).toBe(false);
      names.add(c.name);
      expect(c.value).toBe(c.value >>> 0);
      expect(c.phases.length, c.name).toBeGreaterThan(0);
      expect(c.meaning.length, c.name).toBeGreaterThan(20);
      expect(c.fix.length, c.name).toBeGreaterThan(0);
      for (const d of c.docs) expect(d).toMatch(/^https:\/\/learn\.microsoft\.com\//);
    }
  });

  it('families follow the value: NTSTATUS codes start 0xc, HRESULTs 0x8, ADAL 0xcaa, plain numbers are Win32', () => {
    for (const c of GUIDE_CODES) {
      const hex = toHex(c.value);
      if (c.family === 'adal') expect(hex, c.name).toMatch(/^0xcaa/);
      if (c.family === 'ntstatus') expect(hex, c.name).toMatch(/^0xc0/);
      if (c.family === 'dsreg') expect(hex, c.name).toMatch(/^0x801c/);
      if (c.family === 'win32' || c.family === 'winhttp') expect(c.value, c.name).toBeLessThan(0x10000);
    }
  });

  it('looks codes up by signed or unsigned value', () => {
    expect(guideCode(-2145647630)?.name).toBe('DSREG_E_DIRECTORY_FAILURE');
    expect(guideCode(0x801c03f2)?.name).toBe('DSREG_E_DIRECTORY_FAILURE');
    expect(guideCode(0x12345678)).toBeUndefined();
  });
});

describe('knowledge base: server errors', () => {
  it('tells the sync-join cases apart by message', () => {
    expect(
      matchServerError('DirectoryError', 'The device object by the given id (aaaa) is not found.').map(
        (e) => e.id,
      ),
    ).toEqual(['drs-device-not-found']);
    expect(matchServerError('DirectoryError', "The device object by the given ID isn't found.")[0]?.id).toBe(
      'drs-device-not-found',
    );
    expect(
      matchServerError(
        'DirectoryError',
        'Your request is throttled temporarily. Please try after 300 seconds.',
      )[0]?.id,
    ).toBe('drs-throttled');
    expect(matchServerError('DirectoryError', "AADSTS90002: Tenant 'x' not found.")[0]?.id).toBe(
      'drs-tenant-not-found',
    );
    expect(
      matchServerError('AuthenticationError', "The verification of the target computer's SID failed")[0]?.id,
    ).toBe('drs-sid-verification');
  });
  it('falls back to the bare server code', () => {
    expect(matchServerError('DirectoryError', 'something new')[0]?.id).toBe('drs-directory-error');
  });
  it('finds AADSTS codes in PRT descriptions', () => {
    expect(matchServerError('invalid_grant', 'AADSTS50126: Error validating credentials')[0]?.id).toBe(
      'aadsts50126',
    );
    expect(matchServerError('invalid_request', "AADSTS90002: Tenant 'corp.local' not found.")[0]?.id).toBe(
      'aadsts90002',
    );
    expect(matchServerError(undefined, 'AADSTS50155: Device authentication failed')[0]?.id).toBe(
      'aadsts50155',
    );
  });
  it('has ids in kebab case, unique', () => {
    const ids = SERVER_ERRORS.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});
