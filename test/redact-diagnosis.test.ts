// Redaction never changes the diagnosis: for every public sample, example and fixture, the redacted
// copy diagnoses with the same verdict, join type, phase and finding ids, also when a field that
// names the domain, the tenant or the computer holds a word that means something elsewhere in the
// input (SYNC, JOIN, FAILED, PRT, a word of a state or a message).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { analyzeInputs, diagnose, diagnoseText } from '../src/diagnose.js';
import { parseDsregcmd } from '../src/dsregcmd/parse.js';
import { readEvents } from '../src/events/read.js';
import type { EventRecord } from '../src/events/types.js';
import { decodeText } from '../src/input/decode.js';
import { createRedactor, redactText } from '../src/redact/index.js';
import { NOT_IDENTIFIERS } from '../src/redact/vocabulary.js';
import type { Diagnosis } from '../src/types.js';
import { memoryIO } from './helpers.js';

const dir = (d: string, ext: RegExp) =>
  readdirSync(d)
    .filter((f) => ext.test(f))
    .map((f) => d + f);
const CAPTURES = [
  ...dir('../shared/samples/dsregcmd/', /\.txt$/),
  ...dir('examples/dsregcmd/', /\.txt$/),
  ...dir('test/fixtures/guide/', /\.txt$/),
];
const EXPORTS = [
  ...dir('test/fixtures/events/', /^(?:join|prt|federated)-fail.*\.(?:xml|csv|json)$/),
  ...dir('examples/events/', /\.(?:xml|json|evtx)$/),
  ...dir('test/fixtures/evtx/', /\.evtx$/),
];
const read = (p: string) => decodeText(new Uint8Array(readFileSync(p))).text;

const shape = (d: Diagnosis) => ({
  verdict: d.verdict,
  joinType: d.joinType,
  phase: d.phase,
  findings: d.findings.map((f) => f.id),
});

// Words that are states, phases or parts of messages the rules read.
const ADVERSARIAL = [
  'SYNC',
  'JOIN',
  'FAILED',
  'YES',
  'NO',
  'PRT',
  'Failed',
  'fail',
  'Discover',
  'Test',
  'Software',
  'Success',
  'PASS',
  'Error',
  'Disabled',
  'Deleted',
  'Elevated',
  'Remote',
  'Managed',
  'Federated',
  'None',
  'Empty',
  'AzureAD',
];

// Words that are never a name (YES, NO, None, Error): left where they stand.
const STATES = { test: (w: string) => NOT_IDENTIFIERS.has(w.toLowerCase()) };

/** The words of a capture's state values (what a rule may read), as more adversarial values. */
function wordsOf(text: string): string[] {
  const out = new Set<string>();
  for (const f of parseDsregcmd(text).fields) {
    for (const w of f.value.split(/\s+/)) if (/^[A-Za-z]{3,}$/.test(w)) out.add(w);
  }
  return [...out].slice(0, 25);
}

/** The capture with its DomainName and TenantName set to `word` (added when absent). */
function withIdentifier(text: string, word: string): string {
  let t = text;
  let hit = false;
  t = t.replace(/^(\s*(?:DomainName|TenantName)\s*:[ \t]*)\S.*$/gm, (_m, k: string) => {
    hit = true;
    return k + word;
  });
  return hit ? t : `${t}\nDomainName : ${word}\n`;
}

describe('redaction keeps the diagnosis of every capture', () => {
  for (const path of CAPTURES) {
    it(path, () => {
      const text = read(path);
      expect(shape(diagnoseText(redactText(text), 's'))).toEqual(shape(diagnoseText(text, 's')));
      for (const word of [...ADVERSARIAL, ...wordsOf(text)]) {
        const x = withIdentifier(text, word);
        const before = shape(diagnoseText(x, 's'));
        const redacted = redactText(x);
        expect(shape(diagnoseText(redacted, 's')), `${word}`).toEqual(before);
        // The field itself is redacted: the word is not left as the domain's name (unless it is a
        // state, never a name).
        if (!STATES.test(word))
          expect(redacted, word).not.toMatch(new RegExp(`^\\s*DomainName\\s*:\\s*${word}\\s*$`, 'm'));
      }
    });
  }

  it('the word of a state stays a state, and the field that names it is redacted', () => {
    const text = read('../shared/samples/dsregcmd/003-domain-joined-ws2022-scp-missing-0x801c001d.txt');
    const x = withIdentifier(text, 'FAILED');
    const out = redactText(x);
    expect(out).toMatch(/^\s*DomainName : <domain-1>$/m);
    expect(out).toContain('Auto Detect PAC Status : Failed to auto detect the Proxy Auto-Configuration');
    expect(shape(diagnoseText(out, 's')).findings).toContain('wpad-detection-failed');
  });
});

describe('diagnose --redact neither refuses nor changes the diagnosis', () => {
  for (const word of ['SYNC', 'JOIN', 'FAILED', 'PRT', 'Discover']) {
    it(`DomainName ${word}`, async () => {
      const text = withIdentifier(
        read('../shared/samples/dsregcmd/011-doc-join-fail-0x801c03f2-directoryerror-sync.txt'),
        word,
      );
      const plain = memoryIO({ 's.txt': text });
      const code = await main(['diagnose', 's.txt', '--format', 'json'], plain.io);
      const m = memoryIO({ 's.txt': text });
      expect(await main(['diagnose', 's.txt', '--redact', '--format', 'json'], m.io)).toBe(code);
      expect(m.err()).toBe('');
      expect(shape(JSON.parse(m.out()))).toEqual(shape(JSON.parse(plain.out())));
    });
  }
});

describe('an address fragment where a name should be', () => {
  // Found by `npm run fuzz:redact -- --seed 4242`: the parser keeps ":1" of "Device Name : ::1", and a
  // computer pseudonym there would read as a bare computer name, which makes the join type inferable.
  it('is not given a computer pseudonym, so the join type stays as the input has it', () => {
    const text = [
      '    AzureAdJoined : YES',
      'Device Name : ::1',
      '           MdmUrl : https://enrollment.manage.microsoft.com/EnrollmentServer/Discovery.svc',
      '',
    ].join('\n');
    const out = redactText(text);
    expect(out).not.toContain('<computer-');
    expect(shape(diagnoseText(out, 's'))).toEqual(shape(diagnoseText(text, 's')));
    expect(shape(diagnoseText(text, 's')).joinType).toBe('unknown');
  });
});

describe('redaction keeps the diagnosis of every event export', () => {
  const recordsOf = (path: string) => [...readEvents(new Uint8Array(readFileSync(path)), { source: path })];
  const redactRecords = (records: EventRecord[]) => {
    const r = createRedactor();
    r.learnEvents(records);
    return records.map((x) => r.eventRecord(x));
  };
  for (const path of EXPORTS) {
    it(path, () => {
      const records = recordsOf(path);
      expect(records.length).toBeGreaterThan(0);
      const plain = shape(diagnose({ captures: [], events: records }));
      expect(shape(diagnose({ captures: [], events: redactRecords(records) }))).toEqual(plain);
      for (const word of ADVERSARIAL) {
        const x = records.map((rec) => ({
          ...rec,
          computer: word,
          data: 'Domain' in rec.data ? { ...rec.data, Domain: word } : rec.data,
        }));
        const before = shape(diagnose({ captures: [], events: x }));
        const after = redactRecords(x);
        expect(shape(diagnose({ captures: [], events: after })), word).toEqual(before);
        if (!STATES.test(word))
          expect(
            after.every((rec) => rec.computer !== word),
            word,
          ).toBe(true);
      }
      if (/\.xml$/.test(path)) {
        // The export as text, with a <Data Name='Domain'> of FAILED: redacted, and diagnosed alike.
        const text = read(path).replace(/(<Data Name=['"]Domain['"]>)[^<]*/g, '$1FAILED');
        const bytes = new TextEncoder().encode(text);
        const out = new TextEncoder().encode(redactText(text));
        expect(shape(analyzeInputs([{ name: 'x.xml', bytes: out }]).diagnosis)).toEqual(
          shape(analyzeInputs([{ name: 'x.xml', bytes }]).diagnosis),
        );
      }
    });
  }
});
