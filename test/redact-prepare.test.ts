// `diagnose --redact` and the page's shared reports: event logs are read once, their records
// redacted and handed to the analysis as records (no JSON lines re-read), captures redacted line for
// line; the diagnosis is the one of the inputs as given, with no identifier left.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeInputs, type TextInput } from '../src/diagnose.js';
import { readEvents } from '../src/events/read.js';
import { prepareInputs } from '../src/redact/prepare.js';
import type { Diagnosis } from '../src/types.js';

const input = (path: string): TextInput => ({
  name: path.split('/').pop()!,
  bytes: new Uint8Array(readFileSync(path)),
});
const shape = (d: Diagnosis) => [d.verdict, d.joinType, d.phase, d.findings.map((f) => f.id)];

describe('prepareInputs', () => {
  const logs = [
    'examples/events/udr-admin.evtx',
    'examples/events/aad-operational.evtx',
    'examples/events/join-fail.wevtutil.xml',
    'examples/events/prt-fail.getwinevent.json',
    'test/fixtures/events/join-fail.eventviewer.csv',
  ];
  for (const path of logs) {
    it(`${path}: its records go on redacted, as records`, () => {
      const given = input(path);
      const prepared = prepareInputs([given], true);
      const [x] = prepared.inputs;
      expect(x!.bytes.length).toBe(0);
      const records = [...readEvents(given.bytes)];
      expect(x!.events?.records.length).toBe(records.length);
      expect(x!.events?.kind).toBe(prepared.kinds.get(0));
      const json = JSON.stringify(x!.events);
      for (const rec of records) if (rec.computer) expect(json).not.toContain(rec.computer);
      const plain = analyzeInputs([given]);
      const redacted = analyzeInputs(prepared.inputs);
      expect(shape(redacted.diagnosis)).toEqual(shape(plain.diagnosis));
      expect(redacted.inputs[0]).toMatchObject({
        kind: plain.inputs[0]!.kind,
        used: true,
        reason: plain.inputs[0]!.reason,
      });
    });
  }

  it('a capture and a log together: the capture as redacted text, its lines kept', () => {
    const capture = input('examples/dsregcmd/wks0417-join-fail-public-key-system.txt');
    const log = input('examples/events/udr-admin.evtx');
    const prepared = prepareInputs([capture, log], true);
    const text = new TextDecoder().decode(prepared.inputs[0]!.bytes);
    expect(text.split('\n').length).toBe(new TextDecoder().decode(capture.bytes).split('\n').length);
    expect(text).not.toMatch(/WKS-0417|contoso/i);
    expect(prepared.texts.map((t) => t.name)).toEqual([capture.name]);
    expect(shape(analyzeInputs(prepared.inputs).diagnosis)).toEqual(
      shape(analyzeInputs([capture, log]).diagnosis),
    );
    expect(prepared.redactor?.leaks(JSON.stringify(analyzeInputs(prepared.inputs).diagnosis))).toEqual([]);
  });

  it('without redaction, the inputs go on as given, each with what sniff said of it', () => {
    const given = [input('examples/events/udr-admin.evtx')];
    const { inputs } = prepareInputs(given, false);
    expect(inputs).toHaveLength(1);
    expect(inputs[0]!.bytes).toBe(given[0]!.bytes);
    expect(inputs[0]!.name).toBe(given[0]!.name);
    expect((inputs[0] as { sniffed?: unknown }).sniffed).toMatchObject({ kind: 'evtx' });
    // An input sniffed already (a bundle's classification) goes on as it is.
    const again = prepareInputs(inputs, false).inputs;
    expect(again[0]).toBe(inputs[0]);
  });
});
