// Mutated exports (bit flips, truncation, spliced pieces, inserted bytes) must give records and
// warnings, or one InputError: never another exception, never a hang.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readEvents } from '../src/events/read.js';
import { InputError } from '../src/types.js';
import { mulberry32 } from './evtx-helpers.js';

const dir = 'test/fixtures/events/';
const FIXTURES = [
  'join-fail.wevtutil.xml',
  'join-fail.eventviewer.xml',
  'join-fail.eventviewer.csv',
  'join-fail.getwinevent.json',
  'federated-fail.de-DE.eventviewer.xml',
  'prt-fail.getwinevent.json',
  'prt-fail.powershell.csv',
];

const TOKENS = [
  '<',
  '>',
  '"',
  "'",
  '&',
  '&#',
  '</Event>',
  '<Event>',
  ',',
  '\n',
  '\r',
  '{',
  '}',
  '[',
  ']',
  ':',
  '\0',
];

function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  const b = new Uint8Array(src);
  switch (Math.floor(rnd() * 5)) {
    case 0: {
      for (let n = 0; n < 1 + rnd() * 20; n++) {
        const i = Math.floor(rnd() * b.length);
        b[i] = b[i]! ^ (1 << Math.floor(rnd() * 8));
      }
      return b;
    }
    case 1:
      return b.subarray(0, Math.floor(rnd() * b.length));
    case 2: {
      const i = Math.floor(rnd() * b.length);
      const j = Math.floor(rnd() * b.length);
      return new Uint8Array([...b.subarray(0, i), ...b.subarray(j)]);
    }
    case 3: {
      const i = Math.floor(rnd() * b.length);
      const token = new TextEncoder().encode(
        TOKENS[Math.floor(rnd() * TOKENS.length)]!.repeat(1 + rnd() * 50),
      );
      return new Uint8Array([...b.subarray(0, i), ...token, ...b.subarray(i)]);
    }
    default: {
      const i = Math.floor(rnd() * b.length);
      return new Uint8Array([
        ...b.subarray(0, i),
        ...b.subarray(i, Math.min(b.length, i + 4000)),
        ...b.subarray(i),
      ]);
    }
  }
}

describe('hostile and mutated event exports', () => {
  for (const name of FIXTURES) {
    // A hang is caught by the test's timeout (no time is asserted).
    it(`${name}: 150 mutations read without an unexpected exception`, { timeout: 60_000 }, () => {
      const src = new Uint8Array(readFileSync(dir + name));
      const rnd = mulberry32(name.length * 7919);
      for (let n = 0; n < 150; n++) {
        const input = mutate(src, rnd);
        try {
          for (const r of readEvents(input, { source: 'm', onWarning: () => {} })) {
            expect(typeof r.recordId).toBe('number');
            expect(r.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3,}Z$/);
          }
        } catch (err) {
          if (!(err instanceof InputError)) throw new Error(`mutation ${n} of ${name}: ${String(err)}`);
        }
      }
    });
  }

  it('reads a huge single-line JSON string and deep nesting without a stack overflow', () => {
    const deep = `[${'['.repeat(100_000)}${']'.repeat(100_000)}]`;
    expect(() => [
      ...readEvents(new TextEncoder().encode(`{"Id":1,"ProviderName":"P","x":${deep}}`)),
    ]).not.toThrow();
    const big = JSON.stringify({
      Id: 1,
      RecordId: 1,
      ProviderName: 'P',
      TimeCreated: '2026-01-01T00:00:00Z',
      Properties: [{ Value: 'x'.repeat(5_000_000) }],
    });
    const [r] = [...readEvents(new TextEncoder().encode(big))];
    expect(r!.data['#0']!.length).toBe(5_000_000);
  });
});
