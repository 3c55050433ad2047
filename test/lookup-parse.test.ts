import { describe, expect, it } from 'vitest';
import { parseCodeQuery } from '../src/kb/lookup.js';

describe('parseCodeQuery', () => {
  const number = (value: number, form: string) => ({ kind: 'number', value, form });

  it('reads every numeric form of the issue', () => {
    expect(parseCodeQuery('0x801c03f2')).toEqual(number(0x801c03f2, 'hex'));
    expect(parseCodeQuery('0X801C03F2')).toEqual(number(0x801c03f2, 'hex'));
    expect(parseCodeQuery('801C03F2')).toEqual(number(0x801c03f2, 'bare-hex'));
    expect(parseCodeQuery('-2145647630')).toEqual(number(0x801c03f2, 'signed-decimal'));
    expect(parseCodeQuery('2149319666')).toEqual(number(0x801c03f2, 'decimal'));
    expect(parseCodeQuery('0xcaa82ee2')).toEqual(number(0xcaa82ee2, 'hex'));
    expect(parseCodeQuery('12002')).toEqual(number(12002, 'decimal'));
    expect(parseCodeQuery('2ee2')).toEqual(number(12002, 'bare-hex'));
  });

  it('reads eight digits starting with 8 or 9 as hex, other digit strings as decimal', () => {
    expect(parseCodeQuery('80070005')).toEqual(number(0x80070005, 'bare-hex'));
    expect(parseCodeQuery('80090016')).toEqual(number(0x80090016, 'bare-hex'));
    expect(parseCodeQuery('1312')).toEqual(number(1312, 'decimal'));
    expect(parseCodeQuery('0')).toEqual(number(0, 'decimal'));
    expect(parseCodeQuery('+5')).toEqual(number(5, 'decimal'));
  });

  it('forgives what people paste around a code', () => {
    expect(parseCodeQuery('  0x80070005L ')).toEqual(number(0x80070005, 'hex'));
    expect(parseCodeQuery('"0x80070005",')).toEqual(number(0x80070005, 'hex'));
    expect(parseCodeQuery('0x0000000080070005')).toEqual(number(0x80070005, 'hex'));
    expect(parseCodeQuery('0xffffffff80070005')).toEqual(number(0x80070005, 'hex'));
    expect(parseCodeQuery('[0x801c0021/0x80072ee2]')).toEqual({
      kind: 'compound',
      parts: ['0x801c0021', '0x80072ee2'],
    });
  });

  it('reads code/sub-code, AADSTS with or without text, names and words', () => {
    expect(parseCodeQuery('0x801c0021/0x80072ee2')).toEqual({
      kind: 'compound',
      parts: ['0x801c0021', '0x80072ee2'],
    });
    expect(parseCodeQuery('AADSTS50155')).toEqual({ kind: 'aadsts', code: 'AADSTS50155', number: 50155 });
    expect(parseCodeQuery('aadsts50155: Device authentication failed')).toEqual({
      kind: 'aadsts',
      code: 'AADSTS50155',
      number: 50155,
    });
    expect(parseCodeQuery('STATUS_LOGON_FAILURE')).toEqual({ kind: 'word', word: 'STATUS_LOGON_FAILURE' });
    expect(parseCodeQuery('DirectoryError')).toEqual({ kind: 'word', word: 'DirectoryError' });
    expect(parseCodeQuery('TIMEOUT')).toEqual({ kind: 'word', word: 'TIMEOUT' });
    expect(parseCodeQuery('drs-throttled')).toEqual({ kind: 'word', word: 'drs-throttled' });
  });

  it('refuses what it cannot read, saying why', () => {
    const invalid = (q: string) => {
      const p = parseCodeQuery(q);
      expect(p.kind, q).toBe('invalid');
      return p.kind === 'invalid' ? p.reason : '';
    };
    expect(invalid('')).toMatch(/empty query/);
    expect(invalid('0x')).toMatch(/cannot read "0x"/);
    expect(invalid('0xZZ')).toMatch(/cannot read "0xZZ"; expected a hex code/);
    expect(invalid('0x1234567890')).toMatch(/more than 8 hex digits/);
    expect(invalid('4294967296')).toMatch(/outside the 32-bit range/);
    expect(invalid('-2147483649')).toMatch(/outside the 32-bit range/);
    expect(invalid('12.5')).toMatch(/cannot read/);
    expect(invalid('hello world')).toMatch(/cannot read/);
    expect(invalid('0x801c0021/')).toMatch(/not code\/sub-code|empty/);
    expect(invalid('0x801c0021/0xZZ')).toMatch(/part "0xZZ"/);
    expect(invalid('über')).toMatch(/cannot read/);
  });
});
