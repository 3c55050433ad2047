// The Windows headers' code names packed as bytes (src/kb/code-table.ts), as the bin reads them:
// the same answers as the packed text of the generated module, for every value and every name.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { encodeCodeTable, tableCodeNames } from '../src/kb/code-table.js';
import { GENERIC_BLOCKS } from '../src/kb/generated/generic-codes.js';
import { decodeGenericBlocks, packedCodeNames } from '../src/kb/names.js';
import { memoryIO } from './helpers.js';

const bytes = encodeCodeTable(GENERIC_BLOCKS);
const strip = (list: readonly { name: string; value: number; family: string; source: string }[]) =>
  list.map(({ name, value, family, source }) => ({ name, value, family, source }));

describe('the code table as bytes', () => {
  const every = decodeGenericBlocks(GENERIC_BLOCKS);

  it('answers every value as the packed blocks do, the guide names first', () => {
    const table = tableCodeNames(bytes);
    const packed = packedCodeNames(GENERIC_BLOCKS);
    const values = new Set(every.map((n) => n.value));
    for (const v of [0, 1, 0x801c03f2, 0xffffffff, 0x12345678, -2147024891]) values.add(v);
    for (const v of values) expect(strip(table.byValue(v)), v.toString(16)).toEqual(strip(packed.byValue(v)));
    expect(values.size).toBeGreaterThan(4000);
  });

  it('answers every name as the packed blocks do, searched in the table or in the whole list', () => {
    const searched = tableCodeNames(bytes);
    const listed = tableCodeNames(bytes);
    listed.all();
    const packed = packedCodeNames(GENERIC_BLOCKS);
    const names = [...new Set(every.map((n) => n.name))];
    // Guide names, a part of a name, names in other cases, a name no table has.
    names.push(
      'DSREG_E_DEVICE_NOT_SYNCED',
      'ACCESS_DENIED',
      'error_access_denied',
      'Error_Internet_Timeout',
      'NO_SUCH_NAME',
      '',
    );
    for (const name of names) {
      expect(strip(searched.byName(name)), name).toEqual(strip(packed.byName(name)));
      expect(strip(listed.byName(name.toLowerCase())), name).toEqual(strip(packed.byName(name)));
    }
  });

  it('lists every entry as the packed blocks do', () => {
    const table = tableCodeNames(bytes);
    expect(strip(table.all())).toEqual(strip(packedCodeNames(GENERIC_BLOCKS).all()));
    expect(table.generic).toBe(true);
  });

  it('gives one object per entry however it was asked for', () => {
    const table = tableCodeNames(bytes);
    const [first] = table.byValue(0x80070005).filter((n) => n.source !== 'guide');
    expect(first).toBeDefined();
    expect(table.byName(first!.name)).toContain(first);
  });

  it('reads a table held at an odd offset of a larger buffer', () => {
    const bigger = new Uint8Array(bytes.length + 3);
    bigger.set(bytes, 3);
    const table = tableCodeNames(bigger.subarray(3));
    expect(strip(table.byValue(0x80070005))).toEqual(strip(tableCodeNames(bytes).byValue(0x80070005)));
  });

  it('says the table is corrupt, and never answers from a damaged one', () => {
    for (const damaged of [
      new Uint8Array(0),
      new Uint8Array([0xff, 0xff, 0xff, 0x7f]),
      bytes.subarray(0, bytes.length - 1),
      bytes.subarray(0, 1000),
      Uint8Array.from(bytes, (b, i) => (i === 10 ? 0x7b : b)),
    ]) {
      expect(() => tableCodeNames(damaged)).toThrow(/table of the Windows headers' code names is corrupt/);
    }
  });

  it('refuses to write a block whose values and names do not pair up', () => {
    expect(() => encodeCodeTable([['win32', 'winerror.h', '0,1', 'ONE']])).toThrow(/corrupt/);
  });
});

describe('the bin, which reads the table from dist/cli/generic-codes.bin', () => {
  it('looks codes up by value and by name as main() does on the generated module', async () => {
    // A guide code, a Win32 code in its HRESULT form, an NTSTATUS, a WinINet code by number, a
    // name only the headers know, and a value no header names.
    for (const query of [
      '0x801c03f2',
      '0x80070005',
      '0xC000006A',
      '12002',
      'ERROR_INTERNET_TIMEOUT',
      '0x12345678',
    ]) {
      const m = memoryIO();
      const code = await main(['lookup', query, '--format', 'json'], m.io);
      const r = spawnSync(process.execPath, ['bin/dsreg-doctor.js', 'lookup', query, '--format', 'json'], {
        encoding: 'utf8',
      });
      expect(r.stdout, query).toBe(m.out());
      expect(r.status, query).toBe(code);
    }
  });
});
