// Inputs made ready for a report, redacted or not: the same steps for the CLI (`diagnose --redact`)
// and the browser page. With redaction, identifiers are learned from every input first and replaced
// before the diagnosis reads anything, so nothing downstream ever holds the real values. Event logs
// are read once: their records are redacted and handed on as records, not as bytes to read again;
// a capture is redacted as text, line for line, so that evidence keeps its line numbers. Pure.
import type { InputReport, TextInput } from '../analyze.js';
import { parseDsregcmd } from '../dsregcmd/parse.js';
import { type EventExportKind, readEvents } from '../events/read.js';
import type { EventRecord, ReadWarning } from '../events/types.js';
import { decodeText } from '../input/decode.js';
import { isEventKind, KIND_TEXT } from '../input/kinds.js';
import { type Sniffed, sniff } from '../input/sniff.js';
import { InputError } from '../types.js';
import { createRedactor, isXml, type Redactor } from './index.js';

export interface PreparedInputs<T extends TextInput> {
  /** The inputs to analyse (redacted copies when redacting; an event log as its redacted records). */
  inputs: T[];
  /** The text inputs as text, for the HTML report's evidence in context. */
  texts: { name: string; text: string }[];
  /** What an input was, by its index, where the analysis is handed its records rather than bytes. */
  kinds: Map<number, string>;
  redactor?: Redactor;
  warnings: ReadWarning[];
}

/** What sniff says of an input, or said already (a bundle's classification). */
function kindOf(input: TextInput & { sniffed?: Sniffed }): Sniffed {
  return input.sniffed ?? sniff(input.bytes, input.name);
}

type Read =
  | { kind: EventExportKind; records: EventRecord[] }
  | { kind: 'none' | EventExportKind; text: string; records?: undefined };

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
  const read: Read[] = inputs.map((input) => {
    const sniffed = kindOf(input).kind;
    const kind: EventExportKind | 'none' = isEventKind(sniffed) ? sniffed : 'none';
    if (kind !== 'none') {
      const found: ReadWarning[] = [];
      try {
        const records = [...readEvents(input.bytes, { source: input.name, onWarning: (w) => found.push(w) })];
        for (const w of found) warnings.push(w);
        r.learnEvents(records);
        return { kind, records };
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        // Unreadable as events: redacted as text, for the analysis to report as it finds it.
      }
    }
    const text = decodeText(input.bytes).text;
    try {
      r.learnStatus(parseDsregcmd(text, input.name));
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      r.learn(text);
    }
    return { kind, text };
  });
  const encoder = new TextEncoder();
  const write = () => {
    const out: T[] = [];
    const texts: { name: string; text: string }[] = [];
    read.forEach((x, i) => {
      // The copy is of other bytes: what sniff said of the original no longer holds.
      const { sniffed: _, ...input } = inputs[i]!;
      const name = input.name === '-' ? '-' : r.text(input.name);
      if (x.records) {
        const records = r.eventRecords(x.records);
        out.push({
          ...input,
          name,
          bytes: new Uint8Array(0),
          events: { kind: x.kind, records },
        } as unknown as T);
        kinds.set(i, x.kind);
        return;
      }
      const text = r.text(x.text, isXml(x.text) ? 'xml' : 'text');
      out.push({ ...input, name, bytes: encoder.encode(text) } as unknown as T);
      if (x.kind === 'none') texts.push({ name, text });
    });
    return { out, texts };
  };
  // A name the patterns find in a later input is replaced in the earlier ones too.
  const before = r.revision;
  let written = write();
  if (r.revision !== before) written = write();
  const { out, texts } = written;
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
