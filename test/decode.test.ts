import { describe, expect, it } from 'vitest';
import { byteOffsetCounter, byteOffsetOf, decodeText } from '../src/input/decode.js';

const text = 'Exit code: 0x801c03f2\r\nTenant: Contoso çé İş 日本\r\n';

function utf16le(s: string, bom: boolean): Uint8Array {
  const out = new Uint8Array((bom ? 2 : 0) + s.length * 2);
  let o = 0;
  if (bom) {
    out[0] = 0xff;
    out[1] = 0xfe;
    o = 2;
  }
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[o + 2 * i] = c & 0xff;
    out[o + 2 * i + 1] = c >> 8;
  }
  return out;
}

function swap(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    out[i] = bytes[i + 1]!;
    out[i + 1] = bytes[i]!;
  }
  return out;
}

describe('decodeText', () => {
  it('reads UTF-8 without a BOM', () => {
    expect(decodeText(new TextEncoder().encode(text))).toEqual({ text, encoding: 'utf-8' });
  });

  it('reads UTF-8 with a BOM and drops the BOM', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]);
    expect(decodeText(bytes)).toEqual({ text, encoding: 'utf-8-bom' });
  });

  it('reads UTF-16LE with a BOM (what PowerShell 5.1 writes)', () => {
    expect(decodeText(utf16le(text, true))).toEqual({ text, encoding: 'utf-16le-bom' });
  });

  it('reads UTF-16BE with a BOM', () => {
    expect(decodeText(swap(utf16le(text, true)))).toEqual({ text, encoding: 'utf-16be-bom' });
  });

  it('recognises UTF-16LE without a BOM by its NUL bytes', () => {
    expect(decodeText(utf16le(text, false))).toEqual({ text, encoding: 'utf-16le' });
  });

  it('recognises UTF-16BE without a BOM by its NUL bytes', () => {
    expect(decodeText(swap(utf16le(text, false)))).toEqual({ text, encoding: 'utf-16be' });
  });

  it('falls back to Windows-1252 when the bytes are not valid UTF-8', () => {
    // "Réseau – ok" as written by Set-Content in Windows PowerShell 5.1 on a French system.
    const bytes = new Uint8Array([0x52, 0xe9, 0x73, 0x65, 0x61, 0x75, 0x20, 0x96, 0x20, 0x6f, 0x6b]);
    expect(decodeText(bytes)).toEqual({ text: 'Réseau – ok', encoding: 'windows-1252' });
  });

  it('does not take a UTF-8 file with one stray NUL for UTF-16', () => {
    const bytes = new TextEncoder().encode('abc\0defghijklmnop');
    expect(decodeText(bytes).encoding).toBe('utf-8');
  });

  it('handles empty input and a lone BOM', () => {
    expect(decodeText(new Uint8Array())).toEqual({ text: '', encoding: 'utf-8' });
    expect(decodeText(new Uint8Array([0xff, 0xfe]))).toEqual({ text: '', encoding: 'utf-16le-bom' });
  });

  it('maps a character index back to a byte offset', () => {
    const i = text.indexOf('İ');
    expect(byteOffsetOf(text, i, 'utf-16le-bom')).toBe(2 + 2 * i);
    // 'ç' and 'é' take two bytes each in UTF-8.
    expect(byteOffsetOf(text, i, 'utf-8-bom')).toBe(3 + i + 2);
    expect(byteOffsetOf(text, i, 'utf-8')).toBe(i + 2);
  });
});

describe('byteOffsetCounter', () => {
  it('agrees with byteOffsetOf at every index, surrogate pairs included', () => {
    const s = 'a€😀b\r\nçé İş 日本 x';
    for (const enc of ['utf-8', 'utf-8-bom', 'utf-16le-bom', 'utf-16le'] as const) {
      const count = byteOffsetCounter(s, enc);
      for (let i = 0; i <= s.length; i++) {
        // A surrogate pair's second half is not a character boundary: skip it.
        if (i > 0 && s.charCodeAt(i - 1) >= 0xd800 && s.charCodeAt(i - 1) <= 0xdbff) continue;
        expect(count(i)).toBe(byteOffsetOf(s, i, enc));
      }
      expect(count(3)).toBe(byteOffsetOf(s, 3, enc));
    }
  });
});
