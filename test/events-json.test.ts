import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEventJson } from '../src/events/json.js';
import { readEvents } from '../src/events/read.js';
import type { EventRecord, ReadWarning } from '../src/events/types.js';

const dir = 'test/fixtures/events/';

function read(name: string) {
  const warnings: ReadWarning[] = [];
  const records = [
    ...readEvents(new Uint8Array(readFileSync(dir + name)), {
      source: name,
      onWarning: (w) => warnings.push(w),
    }),
  ];
  return { records, warnings };
}

const withoutSourceAndMessage = ({ source, message, ...r }: EventRecord) => r;
const byRecordId = (a: EventRecord, b: EventRecord) => a.recordId - b.recordId;

describe('Get-WinEvent | ConvertTo-Json (PowerShell 7)', () => {
  const { records, warnings } = read('join-fail.getwinevent.json');

  it('reads every record (newest first, as Get-WinEvent returns them) without warnings', () => {
    expect(warnings).toEqual([]);
    expect(records.map((r) => r.recordId)).toEqual([48, 47, 46, 45, 44, 43, 42, 41]);
  });

  it('converts local times with an offset to UTC, keeping the 100 ns digits', () => {
    expect(records[0]!.time).toBe('2026-10-03T08:58:32.4413302Z');
  });

  it('names the Properties values from the known field order: the same records as the XML export', () => {
    const xml = read('join-fail.wevtutil.xml').records;
    expect([...records].sort(byRecordId).map(withoutSourceAndMessage)).toEqual(
      xml.map(withoutSourceAndMessage),
    );
    expect(records.find((r) => r.recordId === 47)!.message).toMatch(
      /^The get join response operation callback failed/,
    );
  });
});

describe('Get-WinEvent | ConvertTo-Json (Windows PowerShell 5.1, UTF-16LE with BOM)', () => {
  const { records, warnings } = read('prt-fail.getwinevent.json');

  it('reads /Date(ms)/ times and the same values as the XML export, to the millisecond', () => {
    expect(warnings).toEqual([]);
    const xml = read('prt-fail.wevtutil.xml').records;
    const toMs = (r: EventRecord) => ({ ...withoutSourceAndMessage(r), time: `${r.time.slice(0, 23)}Z` });
    expect(records.map(toMs).sort(byRecordId)).toEqual(xml.map(toMs).sort(byRecordId));
    expect(records.find((r) => r.recordId === 2005)!.time).toBe('2026-10-03T09:12:41.040Z');
  });

  it('keeps the AAD field names and the unsigned code values', () => {
    const r1098 = records.find((r) => r.eventId === 1098)!;
    expect(r1098.data.Error).toBe('3399811100');
    expect(r1098.data.ErrorMessage).toBe('Token broker operation failed.');
    expect(records.find((r) => r.eventId === 1084)!.data).toEqual({
      Result: '-2147012889',
      Target: '7b1e4d90-5f3a-4c28-9d61-e8a02b7c4f15',
    });
    expect(records.find((r) => r.recordId === 2003)!.data).toEqual({
      value: '1',
      Method: 'avery.lee@contoso.example',
      EndpointUri: 'https://login.microsoftonline.com/common',
      CorrelationID: 'contoso.example',
    });
  });
});

function winEvent(o: Record<string, unknown>): Record<string, unknown> {
  return {
    Id: 304,
    RecordId: 7,
    ProviderName: 'Microsoft-Windows-User Device Registration',
    LogName: 'Microsoft-Windows-User Device Registration/Admin',
    Level: 2,
    TimeCreated: '2026-10-03T04:31:02.1234567Z',
    ...o,
  };
}

function parse(text: string) {
  const warnings: ReadWarning[] = [];
  const records = [...parseEventJson(text, { source: 'x.json', onWarning: (w) => warnings.push(w) })];
  return { records, warnings };
}

describe('JSON details', () => {
  it('reads a single object (one event exported) as well as an array', () => {
    const { records } = parse(JSON.stringify(winEvent({ Properties: [{ Value: -2145647630 }] })));
    expect(records).toHaveLength(1);
    expect(records[0]!.data).toEqual({ ExitCode: '-2145647630' });
  });

  it('keeps values past the known fields as #n, and unknown events wholly as #0, #1, ...', () => {
    const values = [-1, 'e', 'Managed', 'sync', 'debug', 'newer build'];
    const { records } = parse(
      JSON.stringify([
        winEvent({ Properties: values.map((Value) => ({ Value })) }),
        winEvent({ Id: 9999, Properties: [{ Value: 'a' }, { Value: 'b' }] }),
        winEvent({ ProviderName: 'Some-Other-Provider', Properties: [{ Value: 1 }] }),
      ]),
    );
    expect(records[0]!.data).toEqual({
      ExitCode: '-1',
      ServerErrorMessage: 'e',
      TenantType: 'Managed',
      JoinType: 'sync',
      DebugOutput: 'debug',
      '#5': 'newer build',
    });
    expect(records[1]!.data).toEqual({ '#0': 'a', '#1': 'b' });
    expect(records[2]!.data).toEqual({ '#0': '1' });
  });

  it('renders values as the event XML would: SIDs, GUIDs, dates, booleans, binary, 64-bit integers', () => {
    const text = JSON.stringify(
      winEvent({
        Id: 1,
        ProviderName: 'P',
        Properties: [
          { Value: { BinaryLength: 12, AccountDomainSid: null, Value: 'S-1-5-18' } },
          { Value: { Guid: 'c4a3624e-36b0-0004-e06a-a3c4b036db01' } },
          { Value: '/Date(1791001862123)/' },
          { Value: true },
          { Value: [10, 11, 255] },
          { Value: null },
          { Value: '@@BIG@@' },
        ],
      }),
    ).replace('"@@BIG@@"', '18446744073709551615');
    const { records } = parse(text);
    expect(records[0]!.data).toEqual({
      '#0': 'S-1-5-18',
      '#1': '{C4A3624E-36B0-0004-E06A-A3C4B036DB01}',
      '#2': '2026-10-03T04:31:02.123Z',
      '#3': 'true',
      '#4': '0A0BFF',
      '#5': '',
      '#6': '18446744073709551615',
    });
  });

  it('says once that ConvertTo-Json cut the data off at its default depth', () => {
    const cut = { Properties: ['System.Diagnostics.Eventing.Reader.EventProperty'] };
    const { records, warnings } = parse(JSON.stringify([winEvent(cut), winEvent({ ...cut, RecordId: 8 })]));
    expect(records.map((r) => r.data)).toEqual([{}, {}]);
    expect(warnings.map((w) => w.message)).toEqual([
      'the event data was cut off by ConvertTo-Json (Properties hold only a type name); export with -Depth 3 to keep it',
    ]);
  });

  it('reads its own JSON lines back (events --format jsonl)', () => {
    const line = {
      source: 'a.evtx',
      recordId: 5,
      time: '2026-10-03T04:31:02.1234567Z',
      provider: 'P',
      channel: 'C',
      eventId: 9,
      level: 3,
      computer: 'PC',
      data: { a: 'b' },
      message: 'm',
    };
    const { records, warnings } = parse(
      `${JSON.stringify(line)}\n${JSON.stringify({ ...line, recordId: 6 })}\n`,
    );
    expect(warnings).toEqual([]);
    expect(records).toEqual([
      { ...line, source: 'x.json' },
      { ...line, source: 'x.json', recordId: 6 },
    ]);
  });

  it('reads the records before a truncation and says where the JSON stops', () => {
    const { records, warnings } = read('damaged.getwinevent.json');
    expect(records.map((r) => r.recordId)).toEqual([48, 47, 46]);
    const text = readFileSync(`${dir}damaged.getwinevent.json`, 'utf8');
    const cut = text.lastIndexOf('\n  {');
    expect(warnings).toEqual([
      {
        source: 'damaged.getwinevent.json',
        code: 'json-cut-off',
        message: 'the JSON is cut off: the rest of the file is skipped',
        line: text.slice(0, cut + 1).split('\n').length,
        offset: cut + 3,
      },
    ]);
  });

  it('skips a record without Id or TimeCreated, and objects that are no events, with a warning each', () => {
    const { records, warnings } = parse(
      JSON.stringify([winEvent({ TimeCreated: 'yesterday' }), { hello: 1 }, winEvent({ RecordId: 9 })]),
    );
    expect(records.map((r) => r.recordId)).toEqual([9]);
    expect(warnings.map((w) => w.message)).toEqual([
      'record without a readable TimeCreated: skipped',
      'a JSON object that is not an event record: skipped',
    ]);
  });
});
