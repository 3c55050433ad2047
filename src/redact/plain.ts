// Inputs made ready for a report without redaction, and the words the report says of each input:
// the part of prepare.ts that needs no redactor, in a module of its own so that a command run
// without --redact does not load the redactor (src/cli/intake.ts imports this, not prepare.ts).
// Pure.
import type { InputReport, TextInput } from '../analyze.js';
import type { ReadWarning } from '../events/types.js';
import type { DeviceEvidence } from '../evidence.js';
import { decodeText } from '../input/decode.js';
import { isEventKind, KIND_TEXT } from '../input/kinds.js';
import { type Sniffed, sniff } from '../input/sniff.js';
import type { Redactor } from './index.js';

export interface PreparedInputs<T extends TextInput> {
  /** The inputs to analyse (redacted copies when redacting; an event log as its redacted records). */
  inputs: T[];
  /** The text inputs as text, for the HTML report's evidence in context. */
  texts: { name: string; text: string }[];
  /** What an input was, by its index, where the analysis is handed its records rather than bytes. */
  kinds: Map<number, string>;
  redactor?: Redactor;
  warnings: ReadWarning[];
  /**
   * The evidence that the analysis of `inputs` gives, as the inputs themselves gave it: each
   * redacted capture and record replaced by the one it was made from. For the live checks, which
   * must ask about the real user, domain and tenant. Without redaction, the evidence itself.
   */
  original(evidence: DeviceEvidence): DeviceEvidence;
}

/** What sniff says of an input, or said already (a bundle's classification). */
export function kindOf(input: TextInput & { sniffed?: Sniffed }): Sniffed {
  return input.sniffed ?? sniff(input.bytes, input.name);
}

/**
 * The inputs as they are, and the text ones as text (what `prepareInputs(inputs, false)` gives).
 * Each input carries what sniff said of it, so that the analysis neither sniffs nor parses it again.
 */
export function plainInputs<T extends TextInput & { sniffed?: Sniffed }>(inputs: T[]): PreparedInputs<T> {
  const texts: { name: string; text: string }[] = [];
  const sniffed = inputs.map((i) => {
    const found = kindOf(i);
    if (!isEventKind(found.kind)) texts.push({ name: i.name, text: found.text ?? decodeText(i.bytes).text });
    return i.sniffed === found ? i : { ...i, sniffed: found };
  });
  return { inputs: sniffed, texts, kinds: new Map(), warnings: [], original: (evidence) => evidence };
}

/** What the report says of an input: its kind in words, then why it was used or left out. */
export function inputReason(kind: string, x: InputReport): string {
  if (!x.used) return x.reason ?? 'not used';
  return [KIND_TEXT[kind] ?? kind, x.reason].filter(Boolean).join(', ');
}
