// Inputs made ready for a report, redacted or not: the same steps for the CLI (`diagnose --redact`)
// and the browser page. With redaction, identifiers are learned from every input first and replaced
// before the diagnosis reads anything, so nothing downstream ever holds the real values. Event logs
// are read once: their records are redacted and handed on as records, not as bytes to read again;
// a capture is redacted as text, line for line, so that evidence keeps its line numbers. The
// redacted evidence remembers what it was read from (`original`), so that the live checks ask about
// the real user, domain and tenant without a second analysis of the inputs. Pure.
import type { TextInput } from '../analyze.js';
import { type DsregStatus, parseDsregcmd } from '../dsregcmd/parse.js';
import { type EventExportKind, readEvents } from '../events/read.js';
import type { EventRecord, ReadWarning } from '../events/types.js';
import type { DeviceEvidence } from '../evidence.js';
import { decodeText } from '../input/decode.js';
import { isEventKind } from '../input/kinds.js';
import { type Sniffed, sniff } from '../input/sniff.js';
import { InputError } from '../types.js';
import { createRedactor, isXml } from './index.js';
import { inputReason, kindOf, type PreparedInputs, plainInputs } from './plain.js';

export { inputReason, type PreparedInputs };

type Read =
  | { kind: EventExportKind; records: EventRecord[] }
  | { kind: 'none' | EventExportKind; text: string; records?: undefined; captures?: DsregStatus[] };

export function prepareInputs<T extends TextInput & { sniffed?: Sniffed }>(
  inputs: T[],
  redact: boolean,
): PreparedInputs<T> {
  const warnings: ReadWarning[] = [];
  const kinds = new Map<number, string>();
  if (!redact) return plainInputs(inputs);
  const r = createRedactor();
  const read: Read[] = inputs.map((input) => {
    const found = kindOf(input);
    const sniffed = found.kind;
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
    // Text that sniff read is not decoded or parsed a second time: its captures are learned as read.
    const text = found.text ?? decodeText(input.bytes).text;
    if (found.captures && found.captures.length > 0) {
      for (const capture of found.captures) r.learnStatus(capture);
      return { kind, text, captures: found.captures };
    }
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
  const originals = rememberOriginals(read, out);
  const original = (evidence: DeviceEvidence): DeviceEvidence => ({
    ...evidence,
    captures: evidence.captures.map((c) => (originals.get(c) as DsregStatus | undefined) ?? c),
    events: evidence.events.map((e) => (originals.get(e) as EventRecord | undefined) ?? e),
  });
  return { inputs: out, texts, kinds, redactor: r, warnings, original };
}

/**
 * Each redacted record and capture, mapped to the one it was made from. The redacted records pass
 * through the analysis as they are; a redacted text is sniffed here, and the analysis reads the
 * captures that sniff parsed (the same lines, so the same captures in the same order).
 */
function rememberOriginals<T extends TextInput & { sniffed?: Sniffed }>(
  read: Read[],
  out: T[],
): WeakMap<object, object> {
  const originals = new WeakMap<object, object>();
  read.forEach((x, i) => {
    const input = out[i]!;
    if (x.records) {
      const records = input.events?.records ?? [];
      for (const [k, rec] of records.entries()) originals.set(rec, x.records[k]!);
      return;
    }
    if (!x.captures) return;
    input.sniffed = sniff(input.bytes, input.name);
    const copies = input.sniffed.captures ?? [];
    if (copies.length !== x.captures.length) return;
    for (const [k, c] of copies.entries()) originals.set(c, x.captures[k]!);
  });
  return originals;
}
