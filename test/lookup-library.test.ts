import { beforeAll, describe, expect, it } from 'vitest';
import { type CodeNames, loadCodeNames, lookup, lookupValue, SEARCH_LIMIT } from '../src/kb/lookup.js';

let names: CodeNames;
beforeAll(async () => {
  names = await loadCodeNames();
});

describe('lookup (library)', () => {
  it('lists every meaning of 12002, the guide first, and the forms the same error takes', () => {
    const r = lookup('12002', names);
    expect(r.matches.map((m) => [m.name, m.source])).toEqual([
      ['ERROR_WINHTTP_TIMEOUT', 'guide'],
      ['ERROR_INTERNET_TIMEOUT', 'wininet.h'],
    ]);
    expect(r.related).toEqual([
      { hex: '0x80072ee2', via: 'HRESULT_FROM_WIN32', names: ['WININET_E_TIMEOUT'] },
      { hex: '0xcaa82ee2', via: 'ADAL', names: ['ERROR_ADAL_INTERNET_TIMEOUT'] },
    ]);
  });

  it('names the code inside a wrapped value after the value itself', () => {
    const r = lookup('0x80072ee2', names);
    expect(r.matches.map((m) => [m.name, m.via])).toEqual([
      ['WININET_E_TIMEOUT', undefined],
      ['ERROR_WINHTTP_TIMEOUT', 'HRESULT_FROM_WIN32'],
      ['ERROR_INTERNET_TIMEOUT', 'HRESULT_FROM_WIN32'],
    ]);
    const adal = lookup('0xcaa82ee2', names);
    expect(adal.matches.map((m) => [m.name, m.via])).toEqual([
      ['ERROR_ADAL_INTERNET_TIMEOUT', undefined],
      ['ERROR_WINHTTP_TIMEOUT', 'ADAL'],
      ['ERROR_INTERNET_TIMEOUT', 'ADAL'],
    ]);
  });

  it('reads the bits the way the name asked for says (S_FALSE is an HRESULT, 259 by name an NTSTATUS)', () => {
    expect(lookup('S_FALSE', names).value).toMatchObject({
      kind: 'hresult',
      severity: 'success',
      facilityName: 'NULL',
    });
    expect(lookup('S_FALSE', names).matches[0]?.name).toBe('S_FALSE');
    expect(lookup('STATUS_PENDING', names).value).toMatchObject({ kind: 'ntstatus', severity: 'success' });
    expect(lookup('259', names).value).toMatchObject({ kind: 'win32' });
    expect(lookup('259', names).matches[0]?.name).toBe('ERROR_NO_MORE_ITEMS');
  });

  it('gives a compound query one result per part, in order, and all their matches', () => {
    const r = lookup('0x801c0021/0x80072ee2', names);
    expect(r.value).toBeUndefined();
    expect(r.parts?.map((p) => p.query)).toEqual(['0x801c0021', '0x80072ee2']);
    expect(r.matches[0]?.name).toBe('DSREG_AUTOJOIN_DISC_FAILED');
    expect(r.matches.map((m) => m.name)).toContain('WININET_E_TIMEOUT');
    expect(r.notes[0]).toMatch(/0x801c0021 is the error, 0x80072ee2 the reason/);
  });

  it('points an AADSTS code the guide does not cover at the sign-in error page', () => {
    const r = lookup('AADSTS70011', names);
    expect(r.matches).toEqual([]);
    expect(r.error).toBeUndefined();
    expect(r.notes.join(' ')).toContain('https://login.microsoftonline.com/error?code=70011');
  });

  it('caps a broad search and says how many there were', () => {
    const r = lookup('ERROR', names);
    expect(r.matches).toHaveLength(SEARCH_LIMIT);
    expect(r.search!.total).toBeGreaterThan(2000);
    expect(r.value).toBeUndefined();
  });

  it('finds server errors by a word of their title too', () => {
    const r = lookup('throttled', names);
    expect(r.matches.map((m) => m.name)).toEqual(['DirectoryError']);
    expect(r.matches[0]?.title).toBe('Registration requests are throttled');
  });

  it('decodes any 32-bit value, named or not, and takes signed values', () => {
    expect(lookupValue(-1).value).toMatchObject({ hex: '0xffffffff', signed: -1, unsigned: 4294967295 });
    const r = lookup('0x9abc1234', names);
    expect(r.error).toBeUndefined();
    expect(r.value).toMatchObject({ hex: '0x9abc1234', kind: 'hresult' });
    expect(r.notes.join(' ')).toMatch(/No name is known/);
  });
});
