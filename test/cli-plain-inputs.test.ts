// `diagnose` without --redact does not load the redactor: it takes its inputs from src/redact/plain.ts
// (through src/cli/intake.ts), which gives what prepareInputs(inputs, false) gives, in the same words.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analyze.js';
import { inputReason, plainInputs } from '../src/cli/intake.js';
import { inputReason as preparedReason, prepareInputs } from '../src/redact/prepare.js';

const input = (path: string) => ({
  name: path.split('/').pop()!,
  bytes: new Uint8Array(readFileSync(path)),
});

describe('plainInputs', () => {
  const inputs = [
    'examples/dsregcmd/join-fail-device-not-synced.txt',
    'examples/events/udr-admin.evtx',
    'examples/events/join-fail.wevtutil.xml',
    'examples/events/prt-fail.getwinevent.json',
    'examples/reconcile/ad-computers.csv',
  ].map(input);

  it('gives what prepareInputs gives without redaction', () => {
    const plain = plainInputs(inputs);
    const prepared = prepareInputs(inputs, false);
    // The same inputs, in order, each carrying what sniff said of it, which the analysis reuses.
    expect(plain.inputs.map(({ name, bytes }) => ({ name, bytes }))).toEqual(
      inputs.map(({ name, bytes }) => ({ name, bytes })),
    );
    expect(plain.inputs.every((i) => (i as { sniffed?: unknown }).sniffed !== undefined)).toBe(true);
    expect(analyze(plain.inputs.slice(0, 4))).toEqual(analyze(inputs.slice(0, 4)));
    expect(plain.texts).toEqual(prepared.texts);
    expect(plain.texts.map((t) => t.name)).toEqual(['join-fail-device-not-synced.txt', 'ad-computers.csv']);
    expect([...plain.kinds]).toEqual([...prepared.kinds]);
    expect(plain.warnings).toEqual(prepared.warnings);
    expect(plain.redactor).toBeUndefined();
  });

  it('describes each input in the words of prepare.ts', () => {
    const analysis = analyze(inputs.slice(0, 4));
    expect(analysis.inputs).toHaveLength(4);
    for (const x of analysis.inputs) {
      expect(inputReason(x.kind, x), x.name).toBe(preparedReason(x.kind, x));
    }
    expect(inputReason('events', { ...analysis.inputs[0]!, used: false, reason: undefined })).toBe(
      'not used',
    );
  });
});
