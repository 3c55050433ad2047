// The .evtx reader's string decoding (src/evtx/utf16.ts), short strings decoded by hand and long
// ones natively: the text, where a NUL ends it, and what it tells the JSON writer about escaping.
import { describe, expect, it } from 'vitest';
import {
  ansi,
  decodedText,
  ESCAPE_MAYBE,
  ESCAPE_NONE,
  ESCAPE_SOME,
  utf16,
  utf16z,
} from '../src/evtx/utf16.js';

/** `text` as UTF-16LE code units, after `pad` bytes of 0xee (so that no offset is even by luck). */
function wide(text: string, pad = 3): Uint8Array {
  const b = new Uint8Array(pad + 2 * text.length).fill(0xee, 0, pad);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    b[pad + 2 * i] = c & 0xff;
    b[pad + 2 * i + 1] = c >> 8;
  }
  return b;
}

/** `text` (each character below 256) as bytes, after `pad` bytes of 0xee. */
function narrow(text: string, pad = 1): Uint8Array {
  const b = new Uint8Array(pad + text.length).fill(0xee, 0, pad);
  for (let i = 0; i < text.length; i++) b[pad + i] = text.charCodeAt(i);
  return b;
}

/** What a writer does with a decoded string: quoted as it is unless the decoder said it may need escaping. */
function asJson(s: string): string {
  return decodedText.escape === ESCAPE_NONE ? `"${s}"` : JSON.stringify(s);
}

const LONG = 'SeSecurityPrivilege SeBackupPrivilege SeRestorePrivilege SeTakeOwnershipPrivilege';

describe('evtx strings', () => {
  it('decodes short and long UTF-16 strings, and cuts a sized value at its first NUL', () => {
    for (const text of ['Kerberos', LONG, LONG.repeat(40)]) {
      expect(utf16(wide(text), 3, text.length)).toBe(text);
      expect(utf16z(wide(`${text}\0`), 3, text.length + 1)).toBe(text);
      expect(utf16z(wide(`${text}\0tail after the NUL`), 3, text.length + 20)).toBe(text);
    }
    // A NUL early in a long value: the units before it, decoded as a short string.
    const early = `short\0${LONG}`;
    expect(utf16z(wide(early), 3, early.length)).toBe('short');
    expect(decodedText.escape).toBe(ESCAPE_NONE);
  });

  it('replaces a lone surrogate and keeps a pair, in short and long strings alike', () => {
    for (const filler of ['', LONG]) {
      const text = `${filler}a\ud83d\ude00b\udc00c`;
      expect(utf16(wide(text), 3, text.length)).toBe(`${filler}a\u{1f600}b\ufffdc`);
    }
  });

  it('tells the JSON writer enough to write what JSON.stringify writes', () => {
    const cases = [
      'plain text',
      'a "quoted" word',
      'line\r\n\tbreaks',
      'back\\slash',
      `${LONG} plain`,
      `${LONG} "quoted"`,
      `${LONG}\r\n\t\t\tSeDebugPrivilege`,
      `${LONG}\u0001`,
    ];
    for (const text of cases) {
      const s = utf16(wide(text), 3, text.length);
      expect(asJson(s), text).toBe(JSON.stringify(text));
      const a = ansi(narrow(text), 1, text.length);
      expect(asJson(a), text).toBe(JSON.stringify(text));
    }
    utf16(wide('a "quote"'), 3, 9);
    expect(decodedText.escape).toBe(ESCAPE_SOME);
    utf16(wide(LONG), 3, LONG.length);
    expect(decodedText.escape).toBe(ESCAPE_MAYBE);
  });

  it('reads an ANSI string up to its NUL, as Windows-1252', () => {
    const soap = `<S:Envelope xmlns:S="http://www.w3.org/2003/05/soap-envelope">${'x'.repeat(200)}</S:Envelope>`;
    expect(ansi(narrow(`${soap}\0junk`), 1, soap.length + 5)).toBe(soap);
    expect(ansi(narrow('caf\xe9\0'), 1, 5)).toBe('café');
    // 0x80 is the euro sign in Windows-1252, in a short string and in a long one.
    expect(ansi(narrow('\x80 5'), 1, 3)).toBe('€ 5');
    expect(ansi(narrow(`${'x'.repeat(100)}\x80`), 1, 101)).toBe(`${'x'.repeat(100)}€`);
  });

  it('decodes an ANSI string as code page 1252, whatever TextDecoder makes of 0x80-0x9F', () => {
    // The code page's 0x80-0x9F (the five it leaves undefined as themselves, as Windows shows
    // them); every other byte is its own code point. Short and long strings alike.
    const high = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
    const all = Uint8Array.from({ length: 255 }, (_, i) => i + 1);
    const expected = Array.from(all, (b) =>
      b >= 0x80 && b < 0xa0 ? high[b - 0x80] : String.fromCharCode(b),
    ).join('');
    expect(ansi(all, 0, all.length)).toBe(expected);
    for (let b = 0x80; b < 0xa0; b++) expect(ansi(Uint8Array.of(b), 0, 1)).toBe(high[b - 0x80]);
    expect(ansi(narrow('\x93quoted\x94 \x80 caf\xe9\0'), 1, 20)).toBe('“quoted” € café');
  });
});
