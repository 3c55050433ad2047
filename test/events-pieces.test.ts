// The XML, CSV and JSON readers read a file piece by piece (a 64 KiB read at a time from disk):
// whatever the pieces, the records and the warnings (with their line and byte offset) are those of
// the whole text read at once.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { csvReader, MAX_CSV_FIELD } from '../src/events/csv.js';
import { jsonReader, MAX_JSON_VALUE } from '../src/events/json.js';
import { sniffEventText } from '../src/events/read.js';
import type { PushReader } from '../src/events/text-stream.js';
import type { EventRecord, ReadWarning } from '../src/events/types.js';
import { MAX_XML_FIELD, xmlReader } from '../src/events/xml.js';
import { decodeText } from '../src/input/decode.js';

const dir = 'test/fixtures/events/';
const files = readdirSync(dir).filter((f) => /\.(xml|csv|json)$/.test(f) && !/xxe|entity-bomb/.test(f));

function readerFor(text: string, onWarning: (w: ReadWarning) => void): PushReader<EventRecord> {
  const kind = sniffEventText(text);
  const o = { source: 'f', onWarning };
  if (kind === 'xml') return xmlReader(o);
  if (kind === 'csv') return csvReader(o);
  if (kind === 'json') return jsonReader(o);
  throw new Error(`not an event export: ${kind}`);
}

function readInPieces(text: string, size: number) {
  const warnings: ReadWarning[] = [];
  const reader = readerFor(text, (w) => warnings.push(w));
  const records: EventRecord[] = [];
  for (let i = 0; i < text.length; i += size) records.push(...reader.push(text.slice(i, i + size)));
  records.push(...reader.end());
  return { records, warnings };
}

describe('reading in pieces', () => {
  for (const f of files) {
    it(`${f}: pieces of 1, 7, 100 and 4096 characters give what the whole text gives`, () => {
      const text = decodeText(new Uint8Array(readFileSync(dir + f))).text;
      const whole = readInPieces(text, text.length + 1);
      expect(whole.records.length).toBeGreaterThan(0);
      for (const size of [1, 7, 100, 4096]) expect(readInPieces(text, size)).toEqual(whole);
    });
  }
});

describe('field and value limits', () => {
  it('XML: a text of 3 MiB is cut to MAX_XML_FIELD with one warning; the next event and its place are intact', () => {
    const big = 'x'.repeat(3 << 20);
    const ev = (id: number, data: string) =>
      `<Event><System><Provider Name='P'/><EventID>1</EventID><TimeCreated SystemTime='2026-01-02T03:04:05Z'/>` +
      `<EventRecordID>${id}</EventRecordID></System><EventData><Data Name='D'>${data}</Data></EventData></Event>\n`;
    const text = `${ev(1, big)}${ev(2, '<bad')}`;
    const { records, warnings } = readInPieces(text, 65536);
    expect(records.map((r) => r.recordId)).toEqual([1]);
    expect(records[0]!.data.D).toHaveLength(MAX_XML_FIELD);
    expect(warnings.map((w) => w.code)).toEqual(['xml-field-too-long', 'xml-malformed']);
    // The second event's place is counted on the text as written, cut part included.
    expect(warnings[1]).toMatchObject({ line: 2, offset: ev(1, big).length });
  });

  it('XML: a cut field is read to the end without a warning handler too (no hang)', () => {
    const text = `<Event><System><Provider Name='P'/><EventID>1</EventID><TimeCreated SystemTime='2026-01-02T03:04:05Z'/><EventRecordID>4</EventRecordID></System><EventData><Data Name='D'>${'y'.repeat(MAX_XML_FIELD + 5)}</Data></EventData></Event>`;
    const reader = xmlReader({});
    const records = [...reader.push(text), ...reader.end()];
    expect(records.map((r) => r.data.D!.length)).toEqual([MAX_XML_FIELD]);
  });

  it('CSV: a field of 3 MiB is cut to MAX_CSV_FIELD with a warning', () => {
    const text = `Id,RecordId,TimeCreated,ProviderName,Message\n1,7,2026-01-02T03:04:05Z,P,"${'m'.repeat(3 << 20)}"\n`;
    const { records, warnings } = readInPieces(text, 65536);
    expect(records[0]!.message).toHaveLength(MAX_CSV_FIELD);
    expect(warnings.map((w) => w.code)).toContain('csv-field-too-long');
  });

  it('JSON: a record larger than MAX_JSON_VALUE is skipped with a warning, the next one read', () => {
    const rec = (id: number, m: string) =>
      JSON.stringify({
        Id: 1,
        RecordId: id,
        TimeCreated: '2026-01-02T03:04:05Z',
        ProviderName: 'P',
        Message: m,
      });
    const text = `[${rec(1, 'm'.repeat(MAX_JSON_VALUE + 10))},\n${rec(2, 'ok')}]`;
    const { records, warnings } = readInPieces(text, 65536);
    expect(records.map((r) => r.recordId)).toEqual([2]);
    expect(warnings.map((w) => w.code)).toContain('json-too-large');
  });
});
