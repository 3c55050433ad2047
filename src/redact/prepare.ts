// Inputs made ready for a report, redacted or not: the same steps for the CLI (`diagnose --redact`)
// and the browser page. With redaction, identifiers are learned from every input first and replaced
// before the diagnosis reads anything, so nothing downstream ever holds the real values. Pure.
import type { InputReport, TextInput } from '../analyze.js';
import { readEvents } from '../events/read.js';
import type { ReadWarning } from '../events/types.js';
import { decodeText } from '../input/decode.js';
import { isEventKind, KIND_TEXT } from '../input/kinds.js';
import { type Sniffed, sniff } from '../input/sniff.js';
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

/** What sniff says of an input, or said already (a bundle's classification). */
function kindOf(input: TextInput & { sniffed?: Sniffed }): Sniffed {
  return input.sniffed ?? sniff(input.bytes, input.name);
}

export function prepareInputs<T extends TextInput & { sniffed?: Sniffed }>(
  inputs: T[],
  redact: boolean,
): PreparedInputs<T> {
  const warnings: ReadWarning[] = [];
  const kinds = new Map<number, string>();
  if (!redact) {
    const texts: { name: string; text: string }[] = [];
    for (const i of inputs) {
      const found = kindOf(i);
      if (!isEventKind(found.kind))
        texts.push({ name: i.name, text: found.text ?? decodeText(i.bytes).text });
    }
    return { inputs, texts, kinds, warnings };
  }
  const r = createRedactor();
  const read = inputs.map((input) => {
    const { kind } = kindOf(input);
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
      const { sniffed: _, ...copy } = x.input;
      out.push({ ...copy, name, bytes: encoder.encode(`${lines.join('\n')}\n`) } as T);
      kinds.set(i, 'evtx');
      return;
    }
    const text = r.text(x.text, isXml(x.text) ? 'xml' : 'text');
    const { sniffed: _, ...copy } = x.input;
    out.push({ ...copy, name, bytes: encoder.encode(text) } as T);
    if (!isEventKind(x.kind)) texts.push({ name, text });
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
