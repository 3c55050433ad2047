import { describe, expect, it } from 'vitest';
import { asciiOnly, letters } from '../src/redact/letters.js';

// The shapes of the redactor's expressions that name \p{L} and \p{N} (learn.ts, literals.ts,
// patterns.ts): look-behind and look-ahead sets, a leading set, a repeated set, case-insensitive
// Unicode matching of literal values.
const SOURCES: [string, string][] = [
  [
    String.raw`(?<![\p{L}\p{N}._%+'-])([\p{L}\p{N}][\p{L}\p{N}._%+'-]{0,63})@([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8})(?![A-Za-z0-9-])`,
    'gu',
  ],
  [
    String.raw`(?<![\\\w.-])[A-Za-z][\w.-]{0,15}\\(?!u[0-9a-fA-F]{4})[\p{L}\p{N}][\p{L}\p{N}_.$'-]{1,63}(?![\p{L}\p{N}_\\])`,
    'gu',
  ],
  [String.raw`(?<![\p{L}\p{N}])(?<!\uE001\.)(?:contoso\.com|skyline|kate|wks-01)(?![\p{L}\p{N}])`, 'giu'],
  [
    String.raw`(?<![\p{L}\p{N}._%+'$\uE000-\uE1FF-])([\p{L}\p{N}][\p{L}\p{N}._%+'$-]*)(@|%40)([A-Za-z0-9.\-\uE000-\uE1FF]+)`,
    'gu',
  ],
  [String.raw`[\p{L}\p{N}]`, 'gu'],
];

/** A seeded generator (mulberry32), so that a failure can be run again. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ASCII, with the letters that case-fold to ones outside it (k, s), the masks' characters, and the
// pieces the expressions look for.
const PIECES = [
  ...'abcksKSxyz019 ._%+-\'$@\\/\t\n"<>:;,=',
  '\uE000',
  '\uE001',
  '\uE100',
  'contoso.com',
  'SKYLINE',
  'Kate',
  'wks-01',
  'CORP\\',
  '@fabrikam.example',
  '%40',
  '\\u0041',
];

function text(next: () => number): string {
  let s = '';
  const n = Math.floor(next() * 40);
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(next() * PIECES.length)];
  return s;
}

const matches = (re: RegExp, s: string) => [...s.matchAll(re)].map((m) => [m.index, ...m]);

describe('letters: the two forms of an expression with \\p{L} and \\p{N}', () => {
  it('writes the ASCII form with A-Za-z and 0-9 in place of each set', () => {
    const form = letters(String.raw`(?<![\p{L}\p{N}_])[\p{L}][\p{N}.]+`, 'gu');
    expect(form.of('abc').source).toBe('(?<![A-Za-z0-9_])[A-Za-z][0-9.]+');
    expect(form.of('abc').flags).toBe('gu');
  });

  it('uses the Unicode form for a text with a character outside ASCII other than a mask', () => {
    const form = letters(String.raw`[\p{L}]+`, 'gu');
    expect(form.of('Jörg').source).toBe(String.raw`[\p{L}]+`);
    expect(form.of('K\u212a').source).toBe(String.raw`[\p{L}]+`);
    expect(form.of('ſ').source).toBe(String.raw`[\p{L}]+`);
    expect(form.of('\uE000\uE100\uE001 plain').source).toBe('[A-Za-z]+');
    expect(asciiOnly('\uE1FF')).toBe(true);
    expect(asciiOnly('\uE200')).toBe(false);
    expect(asciiOnly('\u00e9')).toBe(false);
  });

  it('refuses a set it has no ASCII form of, and a set outside a character class', () => {
    expect(() => letters(String.raw`[\p{Lu}]`, 'u').form(true)).toThrow(/no ASCII form/);
    expect(() => letters(String.raw`\p{L}+`, 'u').form(true)).toThrow(/no ASCII form/);
    expect(() => letters(String.raw`[\P{L}]`, 'u').form(true)).toThrow(/no ASCII form/);
    // An escaped bracket does not open a class.
    expect(() => letters(String.raw`\[\p{L}`, 'u').form(true)).toThrow(/no ASCII form/);
  });

  it('finds the same matches in either form on 20,000 texts of ASCII and masks', () => {
    const next = random(20261203);
    for (const [source, flags] of SOURCES) {
      const unicode = new RegExp(source, flags);
      const form = letters(source, flags);
      for (let i = 0; i < 4000; i++) {
        const s = text(next);
        const ascii = form.of(s);
        expect(ascii.source).not.toBe(source);
        expect(matches(ascii, s), `${source} on ${JSON.stringify(s)}`).toEqual(matches(unicode, s));
      }
    }
  });
});
