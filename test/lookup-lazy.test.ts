// The headers' names load on demand; before that a lookup still works with the guide's names and
// the structure, and says what it is missing. (Vitest runs each file in a fresh module graph, so
// nothing has loaded the table yet when this file starts.)
import { describe, expect, it } from 'vitest';
import { genericNamesLoaded, loadGenericNames, lookup, namesForValue } from '../src/kb/lookup.js';

describe('lookup before and after loadGenericNames()', () => {
  it('knows the guide and the structure before, and says the headers are not loaded', () => {
    expect(genericNamesLoaded()).toBe(false);
    const guide = lookup('0x801c03f2');
    expect(guide.matches[0]?.name).toBe('DSREG_E_DIRECTORY_FAILURE');
    const generic = lookup('0x80070005');
    expect(generic.matches).toEqual([]);
    expect(generic.value).toMatchObject({ facilityName: 'WIN32', inner: { value: 5 } });
    expect(generic.notes.join(' ')).toMatch(/await loadGenericNames\(\) first/);
    expect(namesForValue(12002)).toEqual([{ name: 'ERROR_WINHTTP_TIMEOUT', family: 'winhttp' }]);
  });

  it('knows the headers after, once, however often it is called', async () => {
    await Promise.all([loadGenericNames(), loadGenericNames()]);
    await loadGenericNames();
    expect(genericNamesLoaded()).toBe(true);
    const r = lookup('0x80070005');
    expect(r.matches.map((m) => m.name)).toEqual(['E_ACCESSDENIED', 'ERROR_ACCESS_DENIED']);
    expect(r.notes.join(' ')).not.toMatch(/loadGenericNames/);
    expect(namesForValue(12002).map((n) => n.name)).toEqual([
      'ERROR_WINHTTP_TIMEOUT',
      'ERROR_INTERNET_TIMEOUT',
    ]);
  });
});
