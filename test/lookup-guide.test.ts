// Walks the guide's tables: every code, in each form an administrator meets it in, must come back
// with the guide's name first. Decimal forms are derived from the hex (the guide has typos).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex, toSigned } from '../src/kb/format.js';
import { type CodeNames, loadCodeNames, lookup } from '../src/kb/lookup.js';

let names: CodeNames;
beforeAll(async () => {
  names = await loadCodeNames();
});

const guide = readFileSync('../shared/reference/troubleshoot-hybrid-join-windows-current.md', 'utf8');
const tableRows = guide.split('\n').filter((l) => l.startsWith('| '));

interface GuideCode {
  name: string;
  value: number;
  /** The decimal as the guide writes it, when it gives one. */
  decimal?: string;
  /** The hex as the guide writes it, when it gives one. */
  hex?: string;
}

/** `**NAME** (hex/decimal)`, `**NAME** (decimal/ hex)`, `**NAME** (number)`, and `NAME (number)` in prose cells. */
function guideCodes(): GuideCode[] {
  const out = new Map<string, GuideCode>();
  for (const row of tableRows) {
    for (const m of row.matchAll(/(?:\*\*)?\b([A-Z][A-Z0-9_]{5,})\b(?:\*\*)?\s*\(([^)]*)\)/g)) {
      const parts = m[2]!.split('/').map((s) => s.trim());
      const hex = parts.find((p) => /^0x[0-9a-f]+$/i.test(p));
      const decimal = parts.find((p) => /^-*\d+$/.test(p));
      if (!hex && !decimal) continue;
      const value = hex ? Number.parseInt(hex.slice(2), 16) >>> 0 : Number(decimal) >>> 0;
      if (!out.has(m[1]!)) out.set(m[1]!, { name: m[1]!, value, decimal, hex });
    }
  }
  return [...out.values()];
}

const codes = guideCodes();

/** The forms of a value: 0x-hex, upper-case hex without 0x, signed and unsigned decimal. */
function forms(value: number): string[] {
  const hex = toHex(value);
  const out = [hex, String(toSigned(value)), String(value >>> 0)];
  const bare = hex.slice(2).toUpperCase();
  // Bare digits without a-f read as decimal unless they are 8 digits starting with 8 or 9.
  if (/[A-F]/.test(bare) || /^[89]\d{7}$/.test(bare)) out.push(bare);
  return out;
}

describe("lookup: the guide's codes", () => {
  it('finds all of them: the 47 coded names of the tables and the two Win32 codes of the join table', () => {
    expect(codes.length).toBe(49);
    expect(codes.map((c) => c.name)).toEqual(
      expect.arrayContaining(['ERROR_NO_SUCH_LOGON_SESSION', 'ERROR_NO_SUCH_USER', 'WC_E_DTDPROHIBITED']),
    );
  });

  it("agrees with the guide's decimal column except for its known typos", () => {
    const typos: string[] = [];
    for (const c of codes) {
      if (!c.decimal || !c.hex) continue;
      if (c.decimal !== String(toSigned(c.value))) typos.push(`${c.name} ${c.decimal}`);
      // Even the typo reads as the right number once the doubled sign is dropped.
      expect(Number(c.decimal.replace(/^--/, '-')), c.name).toBe(toSigned(c.value));
    }
    expect(typos).toEqual(['AAD_CLOUDAP_E_WSTRUST_SAML_TOKENS_ARE_EMPTY --1073445695']);
    // The other typo: an upper-case hex digit, read like any other.
    expect(codes.find((c) => c.name === 'AAD_CLOUDAP_E_HTTP_CERTIFICATE_URI_IS_EMPTY')?.hex).toBe(
      '0xc004848C',
    );
  });

  it('names every code first, in each of its hex, signed, unsigned and bare-hex forms', () => {
    let checked = 0;
    for (const c of codes) {
      for (const q of forms(c.value)) {
        const r = lookup(q, names);
        expect(r.error, q).toBeUndefined();
        expect(r.value?.hex, q).toBe(toHex(c.value));
        expect(r.matches[0]?.name, `${q} should name ${c.name}`).toBe(c.name);
        expect(r.matches[0]?.meaning, q).toBeTruthy();
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(180);
  });

  it('reads the guide typos as typed where they still make sense', () => {
    expect(lookup('0xc004848C', names).matches[0]?.name).toBe('AAD_CLOUDAP_E_HTTP_CERTIFICATE_URI_IS_EMPTY');
    // "--1073445695" is no number; the lookup says so rather than guessing.
    expect(lookup('--1073445695', names).error).toMatch(/cannot read/);
  });

  it('finds every code by its symbolic name, in any case, with value, meaning, fix and docs', () => {
    for (const c of codes) {
      for (const q of [c.name, c.name.toLowerCase()]) {
        const r = lookup(q, names);
        expect(r.matches[0], q).toMatchObject({ name: c.name, hex: toHex(c.value), source: 'guide' });
        expect(r.matches[0]!.fix!.length, q).toBeGreaterThan(0);
        expect(r.matches[0]!.docs!.length, q).toBeGreaterThan(0);
        expect(r.matches[0]!.phases!.length, q).toBeGreaterThan(0);
        expect(r.value?.hex, q).toBe(toHex(c.value));
      }
    }
  });

  it('finds the AADSTS codes of the server table with and without the prefix', () => {
    const aadsts = [...guide.matchAll(/\*\*AADSTS(\d+)/g)].map((m) => m[1]!);
    expect(aadsts).toEqual(['50155', '50034', '50126']);
    for (const n of aadsts) {
      for (const q of [`AADSTS${n}`, `aadsts${n}`, n]) {
        const r = lookup(q, names);
        expect(r.matches[0], q).toMatchObject({ name: `AADSTS${n}`, family: 'aadsts', source: 'server' });
        expect(r.matches[0]!.meaning, q).toBeTruthy();
      }
    }
  });

  it('finds the server errors of the join tables (DirectoryError, AuthenticationError)', () => {
    const serverCodes = new Set(
      tableRows.map((r) => /^\| (DirectoryError|AuthenticationError) \|/.exec(r)?.[1]).filter(Boolean),
    );
    expect([...serverCodes]).toEqual(['DirectoryError', 'AuthenticationError']);
    for (const code of serverCodes) {
      const r = lookup(code!, names);
      expect(r.matches.length, code).toBeGreaterThan(1);
      expect(r.matches.every((m) => m.name === code && m.family === 'drs-server')).toBe(true);
      // The cases the message tells apart come first, the catch-all last.
      expect(r.matches.at(-1)?.when, code).toBeUndefined();
      expect(r.matches[0]?.when, code).toBeDefined();
    }
  });
});
