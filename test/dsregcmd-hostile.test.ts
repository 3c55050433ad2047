// Hostile pastes: the parser stays linear in the input's size. Each input below is doubled, and
// the time must not quadruple (a quadratic step would; issue 12 found a trailing-whitespace regex
// taking 35 s on an 84 KB file with a long run of spaces and tabs).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
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

// A collection started by an earlier run must not land in the timed one: collect before each.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function time(text: string): number {
  gc();
  const t0 = performance.now();
  try {
    parseDsregcmdAll(text, 'hostile.txt');
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
  }
  return performance.now() - t0;
}

/** The best of five runs of each size, taken in turn, so a busy machine or a collection does not decide. */
function pair(small: string, large: string): [number, number] {
  let a = Number.POSITIVE_INFINITY;
  let b = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    a = Math.min(a, time(small));
    b = Math.min(b, time(large));
  }
  return [a, b];
}

describe('the dsregcmd parser on hostile input', () => {
  for (const [what, make] of Object.entries(HOSTILE)) {
    it(`is linear: ${what}`, () => {
      // Small enough that the strings stay out of the garbage collector's large-object regime,
      // large enough that a quadratic step takes seconds (the old regex: 35 s at 84 KB).
      const n = 20_000;
      time(make(n / 10));
      const small = make(n);
      const large = make(2 * n);
      // A quadratic step fails every attempt; a machine busy with other work fails one at most.
      let one = 0;
      let two = 0;
      for (let attempt = 0; attempt < 3; attempt++) {
        [one, two] = pair(small, large);
        if (two < Math.max(3 * one, one + 20)) break;
      }
      // Quadratic would be 4x (and seconds at this size); allow for noise on small times.
      expect(two, `${one.toFixed(1)} ms -> ${two.toFixed(1)} ms`).toBeLessThan(Math.max(3 * one, one + 20));
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
