// Inputs made ready for a report, redacted or not: the same steps for the CLI (`diagnose --redact`)
// and the browser page. With redaction, identifiers are learned from every input first and replaced
// before the diagnosis reads anything, so nothing downstream ever holds the real values. Pure.
import type { InputReport, TextInput } from '../diagnose.js';
import { readEvents, sniffEvents } from '../events/read.js';
import type { ReadWarning } from '../events/types.js';
import { decodeText } from '../input/decode.js';
import { KIND_TEXT } from '../input/kinds.js';
import { createRedactor, isXml, type Redactor } from './index.js';

export interface PreparedInputs<T extends TextInput> {
  /** The inputs to analyse (redacted copies when redacting; an .evtx becomes JSON lines). */
  inputs: T[];
  /** The text inputs as text, for the HTML report's evidence in context. */
  texts: { name: string; text: string }[];
  /** What an input was before redaction turned it into something else (an .evtx into JSON lines). */
  kinds: Map<number, string>;
  redactor?: Redactor;
  warnings: ReadWarning[];
}

export function prepareInputs<T extends TextInput>(inputs: T[], redact: boolean): PreparedInputs<T> {
  const warnings: ReadWarning[] = [];
  const kinds = new Map<number, string>();
  if (!redact) {
    const texts = inputs
      .filter((i) => sniffEvents(i.bytes) === 'none')
      .map((i) => ({ name: i.name, text: decodeText(i.bytes).text }));
    return { inputs, texts, kinds, warnings };
  }
  const r = createRedactor();
  const read = inputs.map((input) => {
    const kind = sniffEvents(input.bytes);
    if (kind === 'evtx') {
      const records = [
        ...readEvents(input.bytes, { source: input.name, onWarning: (w) => warnings.push(w) }),
      ];
      r.learnEvents(records);
      return { input, kind, records, text: '' };
    }
    const text = decodeText(input.bytes).text;
    r.learn(text);
    return { input, kind, text, records: undefined };
  });
  const encoder = new TextEncoder();
  const out: T[] = [];
  const texts: { name: string; text: string }[] = [];
  read.forEach((x, i) => {
    const name = x.input.name === '-' ? '-' : r.text(x.input.name);
    if (x.records) {
      // An .evtx cannot be rewritten in place: its redacted records go on as JSON lines, the form
      // `events --format jsonl` prints and the event reader reads back.
      const lines = x.records.map((rec) => JSON.stringify(r.eventRecord(rec)));
      out.push({ ...x.input, name, bytes: encoder.encode(`${lines.join('\n')}\n`) });
      kinds.set(i, 'evtx');
      return;
    }
    const text = r.text(x.text, isXml(x.text) ? 'xml' : 'text');
    out.push({ ...x.input, name, bytes: encoder.encode(text) });
    if (x.kind === 'none') texts.push({ name, text });
  });
  for (const w of warnings) {
    w.message = r.text(w.message);
    if (w.source) w.source = r.text(w.source);
  }
  return { inputs: out, texts, kinds, redactor: r, warnings };
}

/** What an input was read as, for the list of files a report gives: "event log export (XML), 8 event records". */
export function inputReason(kind: string, x: InputReport): string {
  if (!x.used) return x.reason ?? 'not used';
  return [KIND_TEXT[kind] ?? kind, x.reason].filter(Boolean).join(', ');
}
