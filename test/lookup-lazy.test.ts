// The headers' names load on demand, as a table the caller passes in; without it a lookup still
// works with the guide's names and the structure, and says what it is missing. Loading the table
// changes nothing behind anyone's back: a lookup answers from the table it is given.
import { describe, expect, it } from 'vitest';
import { guideNames, loadCodeNames, lookup, namesForValue } from '../src/kb/lookup.js';

describe('lookup with the guide names and with loadCodeNames()', () => {
  it('knows the guide and the structure with the guide names, and says the headers are not in', () => {
    expect(guideNames().generic).toBe(false);
    const guide = lookup('0x801c03f2');
    expect(guide.matches[0]?.name).toBe('DSREG_E_DIRECTORY_FAILURE');
    const generic = lookup('0x80070005');
    expect(generic.matches).toEqual([]);
    expect(generic.value).toMatchObject({ facilityName: 'WIN32', inner: { value: 5 } });
    expect(generic.notes.join(' ')).toMatch(/await loadCodeNames\(\)/);
    expect(namesForValue(12002)).toEqual([{ name: 'ERROR_WINHTTP_TIMEOUT', family: 'winhttp' }]);
  });

  it('knows the headers with the loaded table, loaded once however often it is asked for', async () => {
    const [a, b] = await Promise.all([loadCodeNames(), loadCodeNames()]);
    const names = await loadCodeNames();
    expect(a).toBe(b);
    expect(names).toBe(a);
    expect(names.generic).toBe(true);
    const r = lookup('0x80070005', names);
    expect(r.matches.map((m) => m.name)).toEqual(['E_ACCESSDENIED', 'ERROR_ACCESS_DENIED']);
    expect(r.notes.join(' ')).not.toMatch(/loadCodeNames/);
    expect(namesForValue(12002, names).map((n) => n.name)).toEqual([
      'ERROR_WINHTTP_TIMEOUT',
      'ERROR_INTERNET_TIMEOUT',
    ]);
    // The guide table answers as before: loading is no hidden state.
    expect(lookup('0x80070005').matches).toEqual([]);
    expect(namesForValue(12002)).toHaveLength(1);
  });
});
