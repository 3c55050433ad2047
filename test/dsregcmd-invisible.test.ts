// stripInvisible: the ASCII check that lets most texts through untouched must not let through a
// text that holds a character to remove, wherever it sits and whatever the text's length.
import { describe, expect, it } from 'vitest';
import { stripInvisible } from '../src/dsregcmd/lines.js';

const line = '             AzureAdJoined : YES\n';

describe('stripInvisible', () => {
  it('returns an ASCII text as it is', () => {
    const text = line.repeat(100);
    expect(stripInvisible(text)).toBe(text);
    expect(stripInvisible('')).toBe('');
  });

  it('removes zero-width characters and widens no-break spaces at the start, the middle and the end', () => {
    expect(stripInvisible('\u200bAzureAdJoined :\u00a0YES\ufeff')).toBe('AzureAdJoined : YES');
    expect(stripInvisible(`${line}\u200d${line}`)).toBe(line + line);
  });

  it('finds one character to remove in texts around the size where the check changes method', () => {
    for (const size of [65535, 65536, 65537, 200000]) {
      const ascii = 'a'.repeat(size - 1);
      expect(stripInvisible(`${ascii}\u00a0`)).toBe(`${ascii} `);
      expect(stripInvisible(`\u2060${ascii}`)).toBe(ascii);
      expect(stripInvisible(`${ascii}b`)).toBe(`${ascii}b`);
    }
  });

  it('keeps other non-ASCII text, lone surrogates included, after a long ASCII text', () => {
    expect(stripInvisible(`${line}Gerät: Ja`)).toBe(`${line}Gerät: Ja`);
    expect(stripInvisible(`${line}\ud800`)).toBe(`${line}\ud800`);
    // After a larger text, a smaller one is checked against its own length only.
    expect(stripInvisible('ab\u00a0')).toBe('ab ');
  });
});
