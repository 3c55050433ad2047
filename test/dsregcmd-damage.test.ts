// The damage real pastes carry, applied to every public sample: the diagnosis must not change.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnoseInputs } from '../src/diagnose.js';
import { parseDsregcmd } from '../src/dsregcmd/parse.js';
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

// Damage in combination: every public sample through each prefix x each wrapper, with invisible
// Unicode, line ends and encodings, and joined lines rotating through the combinations. The
// diagnosis must not change, and each evidence line must be the clean line's, moved to where the
// damage put it.
type Damaged = { text: string; map: (line: number) => number };
type Step = (d: Damaged) => Damaged;

const PREFIXES: Record<string, (i: number) => string> = {
  none: () => '',
  '# ': () => '# ',
  '// ': () => '// ',
  'REM ': () => 'REM ',
  '\\- ': () => '\\- ',
  '1. ': (i) => `${i + 1}. `,
  'editor  12 | ': (i) => `${String(i + 1).padStart(4)} | `,
  'log timestamp': (i) =>
    `2024-05-01 10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} INFO `,
};

const prefixed =
  (p: (i: number) => string): Step =>
  ({ text, map }) => ({
    text: text
      .split('\n')
      .map((l, i) => p(i) + l)
      .join('\n'),
    map,
  });

const WRAPPERS: Record<string, Step> = {
  none: (d) => d,
  'JSON string': ({ text }) => ({
    text: `{\n  "DeviceName": "WKS-1",\n  "Output": ${JSON.stringify(text.replace(/\n/g, '\r\n'))}\n}\n`,
    map: () => 3,
  }),
  'CSV cell': ({ text, map }) => ({
    text: `DeviceName,Output\r\nWKS-1,"${text.replace(/"/g, '""')}"\r\n`,
    map: (n) => map(n) + 1,
  }),
  'HTML <pre> with entities': ({ text, map }) => ({
    text: `<html lang="en"><body><h1>Capture</h1>\n<pre>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\+/g, '&#43;')}</pre></body></html>\n`,
    map: (n) => map(n) + 1,
  }),
  'Markdown fence': ({ text, map }) => ({
    text: `Output below:\n\n\`\`\`text\n${text}\n\`\`\`\n`,
    map: (n) => map(n) + 3,
  }),
};

const INVISIBLE: Step = ({ text, map }) => ({
  text: text
    .split('\n')
    .map((l, i) => (i % 2 ? l.replace(' : ', '\u200b :\u00a0') : `\u200e${l}\ufeff`))
    .join('\n'),
  map,
});

/** Joins every other pair of adjacent one-line fields with known keys onto one line. */
function joined(file: string, clean: string): Step {
  const fields = parseDsregcmd(clean, file).fields.filter((f) => !f.text.includes('\n'));
  const single = new Set(fields.map((f) => f.line));
  const lines = clean.split('\n');
  const joinWithNext = new Set<number>();
  for (let n = 1; n < lines.length; n++) {
    if (single.has(n) && single.has(n + 1) && !joinWithNext.has(n - 1) && n % 4 === 1) joinWithNext.add(n);
  }
  return ({ text, map }) => {
    const src = text.split('\n');
    const out: string[] = [];
    const to: number[] = [];
    for (let n = 1; n <= src.length; n++) {
      if (joinWithNext.has(n - 1)) {
        out[out.length - 1] += `  ${src[n - 1]!.trim()}`;
        to[n] = out.length;
        continue;
      }
      out.push(src[n - 1]!);
      to[n] = out.length;
    }
    return { text: out.join('\n'), map: (n) => map(to[n] ?? n) };
  };
}

const ENCODINGS: Record<string, (t: string) => Uint8Array> = {
  'UTF-8 LF': (t) => new TextEncoder().encode(t),
  'UTF-8 CRLF': (t) => new TextEncoder().encode(t.replace(/\r?\n/g, '\r\n')),
  'UTF-16LE BOM': (t) => utf16le(t.replace(/\r?\n/g, '\r\n')),
};

function withLines(d: Diagnosis, map: (n: number) => number = (n) => n) {
  return {
    ...summary(d),
    evidence: d.findings.map((f) => f.evidence.map((e) => (e.line === undefined ? undefined : map(e.line)))),
  };
}

describe('public samples damaged in combination', () => {
  for (const file of SAMPLES) {
    const raw = readFileSync(DIR + file, 'utf8');
    // A sample that is already HTML (020) keeps its single line: only prefixes and encodings apply.
    const html = /<br/i.test(raw);
    const clean = raw.replace(/\r\n/g, '\n');
    const expected = withLines(diagnoseInputs([{ name: file, bytes: new TextEncoder().encode(clean) }]));
    const join = joined(file, clean);
    it(`${file}: ${Object.keys(PREFIXES).length} prefixes x ${Object.keys(WRAPPERS).length} wrappers, rotating the rest`, () => {
      let k = 0;
      let tried = 0;
      for (const [pName, p] of Object.entries(PREFIXES)) {
        for (const [wName, wrap] of Object.entries(WRAPPERS)) {
          if (html && wName !== 'none') continue;
          const invisible = k % 2 === 1;
          const joinLines = !html && k % 3 === 2;
          const [eName, encode] = Object.entries(ENCODINGS)[k % 3]!;
          k++;
          let d: Damaged = { text: clean, map: (n) => n };
          if (joinLines) d = join(d);
          if (invisible) d = INVISIBLE(d);
          d = prefixed(p)(d);
          d = wrap(d);
          const what = [pName, wName, invisible && 'invisible', joinLines && 'joined', eName]
            .filter(Boolean)
            .join(' + ');
          const got = diagnoseInputs([{ name: file, bytes: encode(d.text) }]);
          const want = {
            ...expected,
            evidence: expected.evidence.map((e) => e.map((n) => (n === undefined ? n : d.map(n)))),
          };
          expect(withLines(got), what).toEqual(want);
          tried++;
        }
      }
      expect(tried).toBeGreaterThanOrEqual(Object.keys(PREFIXES).length);
    });
  }
});
