import { beforeAll, describe, expect, it } from 'vitest';
import { GENERIC_BLOCKS } from '../src/kb/generated/generic-codes.js';
import { GUIDE_CODES } from '../src/kb/guide-codes.js';
import {
  type CodeNames,
  codeNames,
  decodeGenericBlocks,
  loadCodeNames,
  namesForValue as namesForValueIn,
  packedCodeNames,
  searchNames,
  serverErrorsByCode,
} from '../src/kb/names.js';

let names: CodeNames;
beforeAll(async () => {
  names = await loadCodeNames();
});
const namesForValue = (value: number) => namesForValueIn(value, names);
const namesByValue = (value: number) => names.byValue(value);
const namesByName = (name: string) => names.byName(name);
const allNames = () => names.all();

describe('names by value', () => {
  it('lists every meaning of a shared number, the guide first', () => {
    expect(namesForValue(12002)).toEqual([
      { name: 'ERROR_WINHTTP_TIMEOUT', family: 'winhttp' },
      { name: 'ERROR_INTERNET_TIMEOUT', family: 'wininet' },
    ]);
    expect(namesByValue(12002)[0]!.source).toBe('guide');
  });

  it('accepts signed values', () => {
    expect(namesForValue(-2147024891).map((n) => n.name)).toEqual(['E_ACCESSDENIED']);
    expect(namesForValue(-2145647630).map((n) => n.name)).toEqual(['DSREG_E_DIRECTORY_FAILURE']);
  });

  it('names codes outside the guide from the headers', () => {
    expect(namesForValue(0xc0000022)).toEqual([{ name: 'STATUS_ACCESS_DENIED', family: 'ntstatus' }]);
    expect(namesForValue(0x8009000b)).toEqual([{ name: 'NTE_BAD_KEY_STATE', family: 'crypto' }]);
    expect(
      namesForValue(12175)
        .map((n) => n.name)
        .sort(),
    ).toEqual(['ERROR_INTERNET_DECODING_FAILED', 'ERROR_WINHTTP_SECURE_FAILURE']);
  });

  it('keeps a guide name once when a header has it too', () => {
    const at = namesByValue(0xc000006d).filter((n) => n.name === 'STATUS_LOGON_FAILURE');
    expect(at).toHaveLength(1);
    expect(at[0]!.source).toBe('guide');
    expect(at[0]!.entry?.phases).toEqual(['post-join']);
  });

  it('returns nothing for an unnamed value', () => {
    expect(namesForValue(0x801c0003)).toEqual([]);
  });

  it('has every guide code by value and by name', () => {
    for (const c of GUIDE_CODES) {
      expect(namesByValue(c.value)[0]?.name, c.name).toBe(c.name);
      expect(namesByName(c.name.toLowerCase())[0]?.value, c.name).toBe(c.value >>> 0);
    }
    expect(allNames().length).toBeGreaterThan(5000);
  });
});

describe('the packed table', () => {
  // loadCodeNames() decodes the headers' table only when asked (packedCodeNames): it answers as
  // the table built at once from every decoded entry does.
  const built = codeNames(decodeGenericBlocks(GENERIC_BLOCKS));
  const strip = (list: readonly { name: string; value: number; family: string; source: string }[]) =>
    list.map((n) => ({ name: n.name, value: n.value, family: n.family, source: n.source }));

  it('names every value as the table built at once does, in the same order', () => {
    const packed = packedCodeNames(GENERIC_BLOCKS);
    const values = new Set(built.all().map((n) => n.value));
    for (const v of [0x801c0003, 0x7fffffff, 1, 0xffffffff]) values.add(v);
    for (const v of values) {
      expect(strip(packed.byValue(v)), v.toString(16)).toEqual(strip(built.byValue(v)));
      expect(strip(packed.byValue(v | 0)), v.toString(16)).toEqual(strip(built.byValue(v)));
    }
    expect(packed.generic).toBe(true);
  });

  it('lists and finds by name as the table built at once does', () => {
    const packed = packedCodeNames(GENERIC_BLOCKS);
    expect(strip(packed.all())).toEqual(strip(built.all()));
    for (const name of ['e_accessdenied', 'ERROR_WINHTTP_TIMEOUT', 'STATUS_LOGON_FAILURE', 'NO_SUCH_NAME']) {
      expect(strip(packed.byName(name)), name).toEqual(strip(built.byName(name)));
    }
  });

  it('gives the same entry each time it is asked, by value or in the list', () => {
    const packed = packedCodeNames(GENERIC_BLOCKS);
    const first = packed.byValue(0xc0000022)[0]!;
    expect(packed.byValue(0xc0000022)[0]).toBe(first);
    expect(packed.all()).toContain(first);
  });

  it('rejects a corrupt block on first use instead of misnaming codes', () => {
    const packed = packedCodeNames([['win32', 'x.h', '1,1', 'ONLY_ONE']]);
    expect(() => packed.byValue(1)).toThrow(/corrupt/);
    // A value that is not base 36, or a missing one, is caught when the values are read.
    expect(() => packedCodeNames([['win32', 'x.h', '1,-2', 'A B']]).byValue(1)).toThrow(/corrupt/);
    expect(() => packedCodeNames([['win32', 'x.h', '1,,2', 'A B C']]).byValue(1)).toThrow(/corrupt/);
  });

  it('reads base-36 deltas of any length and case', () => {
    const packed = packedCodeNames([['win32', 'x.h', 'a,Z,1ekf', 'TEN FORTY_FIVE BIG']]);
    expect(packed.byValue(10).map((n) => n.name)).toContain('TEN');
    expect(packed.byValue(45).map((n) => n.name)).toContain('FORTY_FIVE');
    expect(packed.byValue(45 + 1 * 36 ** 3 + 14 * 36 ** 2 + 20 * 36 + 15).map((n) => n.name)).toContain(
      'BIG',
    );
  });
});

describe('name search and server errors', () => {
  it('finds names containing a word, guide codes first', () => {
    const r = searchNames('timeout', names);
    const found = r.codes.map((n) => n.name);
    expect(found.slice(0, 4)).toEqual([
      'DSREG_AUTOJOIN_DISC_WAIT_TIMEOUT',
      'ERROR_ADAL_INTERNET_TIMEOUT',
      'ERROR_WINHTTP_TIMEOUT',
      'WININET_E_TIMEOUT',
    ]);
    expect(found).toContain('ERROR_INTERNET_TIMEOUT');
    expect(found).toContain('STATUS_IO_TIMEOUT');
    expect(found.every((n) => n.toUpperCase().includes('TIMEOUT'))).toBe(true);
  });

  it('finds server errors by code, case-insensitively, and by id', () => {
    expect(serverErrorsByCode('directoryerror').map((e) => e.id)).toContain('drs-device-not-found');
    expect(serverErrorsByCode('AADSTS50155').map((e) => e.id)).toEqual(['aadsts50155']);
    expect(serverErrorsByCode('drs-throttled').map((e) => e.code)).toEqual(['DirectoryError']);
    expect(serverErrorsByCode('NoSuchError')).toEqual([]);
  });
});
