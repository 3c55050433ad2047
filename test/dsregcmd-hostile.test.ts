// Hostile pastes: the parser stays linear in the input's size (issue 12 found a trailing-whitespace
// regex taking 35 s on an 84 KB file with a long run of spaces and tabs). Two guards, neither a
// clock: the work the key table does (characters it looks at, counted by the parser) grows no
// faster than the input when the input is doubled, and an input ten times larger is read within
// the test's timeout (a quadratic step, in code or in a regex, would take minutes there).
import { describe, expect, it } from 'vitest';
import { keyTableWork } from '../src/dsregcmd/lines.js';
import { parseDsregcmdAll } from '../src/dsregcmd/parse.js';
import { InputError } from '../src/types.js';

const CAPTURE = '             AzureAdJoined : YES\n              DomainJoined : YES\n';

const HOSTILE: Record<string, (n: number) => string> = {
  'a long run of spaces and tabs inside a line': (n) => `${CAPTURE}x${' \t'.repeat(n)}y\n`,
  'a long run of spaces after a key, with no colon': (n) => `${CAPTURE}AzureAdJoined${' '.repeat(n)}x`,
  'a section header padded with spaces': (n) => `${CAPTURE}| Device${' '.repeat(n)}State 2 x\n`,
  'an unknown key padded with spaces in a section': (n) =>
    `| Device State |\nAb${' '.repeat(n)}:x\n${CAPTURE}`,
  'colons followed by spaces': (n) => `${CAPTURE}${': '.repeat(n)}`,
  'known keys joined on one line': (n) => `${CAPTURE}${'AzureAdJoined : YES '.repeat(n / 10)}`,
  'full-width colons and spaces': (n) => `${CAPTURE}${'\uff1a'.repeat(n)}${' \u3000'.repeat(n)}`,
  'quotes opening CSV cells': (n) => `${CAPTURE}${',"a\n'.repeat(n / 2)}`,
  'escaped line breaks in a JSON string': (n) => `"${'\\n'.repeat(n)}${CAPTURE.replace(/\n/g, '\\n')}"`,
  'HTML entities and angle brackets': (n) => `${CAPTURE}${'<'.repeat(n)}${'&amp;'.repeat(n / 4)}`,
  'unclosed HTML tags': (n) => `<pre>${CAPTURE}${'<a'.repeat(n / 2)}`,
  'unclosed quotes and JSON strings': (n) => `${CAPTURE}${'"\\n'.repeat(n / 3)}`,
  'a prefix on many lines': (n) =>
    Array.from(
      { length: n / 20 },
      (_, i) => `${i}: # ${i % 2 ? 'AzureAdJoined : YES' : 'DomainJoined : NO'}`,
    ).join('\n'),
  'e-mail quoting markers': (n) => `${CAPTURE}${'> '.repeat(n)}x`,
  'backticks around a line': (n) => `${CAPTURE}${'`'.repeat(n)}x${'`'.repeat(n)}`,
};

/** The key table's work on one parse of the text (a text without any field throws: counted too). */
function work(text: string): number {
  const before = keyTableWork.chars;
  try {
    parseDsregcmdAll(text, 'hostile.txt');
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
  }
  return keyTableWork.chars - before;
}

describe('the dsregcmd parser on hostile input', () => {
  for (const [what, make] of Object.entries(HOSTILE)) {
    // The old regex took 35 s at 84 KB: at 400,000 characters a quadratic step would take minutes.
    it(`is linear: ${what}`, { timeout: 30_000 }, () => {
      const n = 20_000;
      const one = work(make(n));
      const two = work(make(2 * n));
      // Linear work a*n + b about doubles (b is small); quadratic work would quadruple.
      expect(two, `${one} -> ${two} characters`).toBeLessThanOrEqual(2.1 * one + 1000);
      expect(work(make(20 * n))).toBeLessThanOrEqual(21 * one + 1000);
    });
  }

  it('reads the capture around the hostile line', () => {
    const s = parseDsregcmdAll(HOSTILE['a long run of spaces and tabs inside a line']!(42_000), 'h.txt');
    expect(s[0]!.fields.map((f) => f.normKey)).toEqual(['azureadjoined', 'domainjoined']);
  });
});

describe('containers of many captures', () => {
  it('reads a JSON export of 100,000 captures without overflowing the stack', () => {
    const one = JSON.stringify('AzureAdJoined : YES\nDomainJoined : NO');
    const text = `[${Array.from({ length: 100_000 }, () => one).join(',\n')}]`;
    const all = parseDsregcmdAll(text, 'many.json');
    expect(all).toHaveLength(100_000);
    expect(all[99_999]!.fields.map((f) => [f.normKey, f.line])).toEqual([
      ['azureadjoined', 100_000],
      ['domainjoined', 100_000],
    ]);
  });
});
