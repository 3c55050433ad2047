// The damage real pastes carry, applied to every public sample: the diagnosis must not change.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnoseInputs } from '../src/diagnose.js';
import type { Diagnosis } from '../src/types.js';

const DIR = '../shared/samples/dsregcmd/';
const SAMPLES = readdirSync(DIR).filter((f) => f.endsWith('.txt'));

function utf16le(text: string): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 + i * 2] = c & 0xff;
    out[3 + i * 2] = c >> 8;
  }
  return out;
}

const DAMAGE: Record<string, (t: string) => string | Uint8Array> = {
  'CRLF line ends': (t) => t.replace(/\r?\n/g, '\r\n'),
  'UTF-16LE with BOM, CRLF (PowerShell >)': (t) => utf16le(t.replace(/\r?\n/g, '\r\n')),
  'in a Markdown code fence after a forum question': (t) =>
    `Hi all, our devices do not join. Output below:\n\n\`\`\`\n${t}\n\`\`\`\n\nAny idea? Thanks!\n`,
  'quoted in an e-mail reply (> )': (t) => t.replace(/^/gm, '> '),
  'indentation lost': (t) => t.replace(/^[ \t]+/gm, ''),
  'spaces turned into tabs': (t) => t.replace(/ {4}/g, '\t'),
  'HTML <pre> with <br> and &nbsp;': (t) =>
    `<div><pre>${t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/ {2}/g, '&nbsp; ').replace(/\r?\n/g, '<br>')}</pre></div>`,
  'trailing spaces and a prompt after': (t) => `${t.replace(/\r?\n/g, '   \n')}\nC:\\Users\\admin>\n`,
};

function summary(d: Diagnosis) {
  return {
    joinType: d.joinType,
    verdict: d.verdict,
    phase: d.phase,
    findings: d.findings.map((f) => `${f.id}:${f.codes.map((c) => c.hex).join('/')}`),
  };
}

describe('damaged pastes of the public samples', () => {
  for (const file of SAMPLES) {
    const text = readFileSync(DIR + file, 'utf8');
    const expected = summary(diagnoseInputs([{ name: file, bytes: new TextEncoder().encode(text) }]));
    for (const [what, damage] of Object.entries(DAMAGE)) {
      // A sample that is already HTML (020) is not wrapped in HTML a second time.
      if (what.startsWith('HTML') && /<br/i.test(text)) continue;
      it(`${file}: ${what}`, () => {
        const out = damage(text);
        const bytes = typeof out === 'string' ? new TextEncoder().encode(out) : out;
        expect(summary(diagnoseInputs([{ name: file, bytes }]))).toEqual(expected);
      });
    }
  }
});
