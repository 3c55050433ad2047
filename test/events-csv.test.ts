import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { csvFlavour, detectDelimiter, parseCsvRows, parseEventCsv } from '../src/events/csv.js';
import { readEvents } from '../src/events/read.js';
import type { ReadWarning } from '../src/events/types.js';
import { InputError } from '../src/types.js';

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

function parse(text: string) {
  const warnings: ReadWarning[] = [];
  const records = [...parseEventCsv(text, { source: 'x.csv', onWarning: (w) => warnings.push(w) })];
  return { records, warnings };
}

describe('Event Viewer CSV (en-US)', () => {
  const { records, warnings } = read('join-fail.eventviewer.csv');

  it('reads every row, newest first as exported, numbered by row, message kept whole', () => {
    expect(records.map((r) => [r.recordId, r.eventId, r.level])).toEqual([
      [1, 304, 2],
      [2, 204, 2],
      [3, 102, 4],
      [4, 101, 4],
      [5, 4096, 4],
      [6, 304, 2],
      [7, 201, 2],
      [8, 4096, 4],
    ]);
    expect(records[0]).toMatchObject({
      source: 'join-fail.eventviewer.csv',
      time: '2026-10-03T08:58:32.000Z',
      provider: 'Microsoft-Windows-User Device Registration',
      data: {},
    });
    expect(records[0]!.channel).toBeUndefined();
    const xml = read('join-fail.eventviewer.xml').records;
    expect(records.map((r) => r.message)).toEqual(xml.map((r) => r.message).reverse());
  });

  it('says once what this export lacks', () => {
    expect(warnings).toEqual([
      {
        source: 'join-fail.eventviewer.csv',
        code: 'csv-eventviewer-limits',
        line: 2,
        message:
          'an Event Viewer CSV has no record IDs, channel, event data or time zone: records are numbered by row, ' +
          "only the message is kept, and times (the exporting machine's local time) are read as UTC",
      },
    ]);
  });
});

describe('Event Viewer CSV (de-DE)', () => {
  const { records, warnings } = read('federated-fail.de-DE.eventviewer.csv');

  it('reads German level names, day-first dotted dates and the short provider name', () => {
    expect(records.map((r) => [r.eventId, r.level, r.time])).toEqual([
      [304, 2, '2026-10-03T09:58:31.000Z'],
      [305, 2, '2026-10-03T09:58:31.000Z'],
      [4096, 4, '2026-10-03T09:58:30.000Z'],
    ]);
    expect(records.every((r) => r.provider === 'Microsoft-Windows-User Device Registration')).toBe(true);
    expect(records[1]!.message).toMatch(
      /^Fehler bei der automatischen Registrierung in der Authentifizierungsphase/,
    );
    expect(records[1]!.message).toContain('\r\nAdalErrorCode: 0xcaa9002c\r\n');
    expect(warnings).toHaveLength(1);
  });
});

describe('PowerShell Export-Csv (Windows PowerShell 5.1)', () => {
  const { records, warnings } = read('prt-fail.powershell.csv');

  it('reads every column it can: record IDs, channel, computer, level, message', () => {
    expect(records).toHaveLength(15);
    expect(records[2]).toEqual({
      source: 'prt-fail.powershell.csv',
      recordId: 313,
      time: '2026-10-03T09:47:26.000Z',
      provider: 'Microsoft-Windows-AAD',
      channel: 'Microsoft-Windows-AAD/Operational',
      eventId: 1098,
      level: 2,
      computer: 'WKS-0388.corp.contoso.example',
      data: {},
      message:
        'Error: 0xCAA5001C Token broker operation failed.\r\nOperation name: GetTokenSilently, Error: -2147012889 (0x80072ee7), ' +
        'Description: The server name or address could not be resolved\r\nLogged at WebAccountProcessor.cpp, line: 663, method: ' +
        'AAD::Core::WebAccountProcessor::ReportOperationError.',
    });
    // 12-hour US times: 9:12:40 AM.
    expect(records.at(-1)!.time).toBe('2026-10-03T09:12:40.000Z');
  });

  it('says that the event data is lost and the times have no zone', () => {
    expect(warnings.map((w) => [w.line, w.message])).toEqual([
      [3, 'Export-Csv keeps no event data (Properties holds only a type name): only the message is kept'],
      [3, "TimeCreated carries no time zone (the exporting machine's local time): read as UTC"],
    ]);
  });
});

describe('CSV details', () => {
  it('handles quoted fields with delimiters, doubled quotes and line breaks, and CRLF rows', () => {
    const rows = parseCsvRows('a,"b,c","say ""hi""\r\nthere"\r\nd,,e\r\n', ',');
    expect(rows).toEqual([
      { fields: ['a', 'b,c', 'say "hi"\r\nthere'], line: 1 },
      { fields: ['d', '', 'e'], line: 3 },
    ]);
  });

  it('detects the delimiter outside quotes (Export-Csv -UseCulture writes semicolons)', () => {
    expect(detectDelimiter('"Id";"Message, with comma";"TimeCreated"')).toBe(';');
    expect(detectDelimiter('Level,Date and Time,Source,Event ID,Task Category')).toBe(',');
    expect(detectDelimiter('Id\tTimeCreated\tMessage')).toBe('\t');
  });

  it('reads a Select-Object subset with ISO times and a semicolon delimiter', () => {
    const { records, warnings } = parse(
      '"TimeCreated";"Id";"LevelDisplayName";"ProviderName";"Message"\n' +
        '"2026-10-03T10:58:32.4413302+02:00";"304";"Error";"Microsoft-Windows-User Device Registration";"Automatic registration failed"\n',
    );
    expect(records).toEqual([
      {
        source: 'x.csv',
        recordId: 1,
        time: '2026-10-03T08:58:32.4413302Z',
        provider: 'Microsoft-Windows-User Device Registration',
        eventId: 304,
        level: 2,
        data: {},
        message: 'Automatic registration failed',
      },
    ]);
    expect(warnings.map((w) => w.message)).toEqual([
      'Export-Csv keeps no event data (Properties holds only a type name): only the message is kept',
      'no RecordId column: records are numbered by row',
    ]);
  });

  it('warns when no date tells day from month, and about level names it does not know', () => {
    const { records, warnings } = parse(
      'Level,Date and Time,Source,Event ID,Task Category\nSeviye9,03/04/2026 10:00:00,AAD,1081,None,"x"\n',
    );
    expect(records[0]).toMatchObject({
      time: '2026-04-03T10:00:00.000Z',
      level: 0,
      provider: 'Microsoft-Windows-AAD',
    });
    expect(warnings.map((w) => w.message).slice(1)).toEqual([
      'no date tells day from month: dates are read day first',
      'level names not recognised, read as level 0: Seviye9',
    ]);
  });

  it('skips rows it cannot read, with their line', () => {
    const { records, warnings } = parse(
      'Level,Date and Time,Source,Event ID,Task Category\nError,10/3/2026 8:58:32 AM,AAD,1081,None,"a"\nError,soon,AAD,1081,None,"b"\n',
    );
    expect(records).toHaveLength(1);
    const third =
      'Level,Date and Time,Source,Event ID,Task Category\nError,10/3/2026 8:58:32 AM,AAD,1081,None,"a"\n'
        .length;
    expect(warnings.at(-1)).toEqual({
      source: 'x.csv',
      code: 'csv-bad-row',
      line: 3,
      offset: third,
      message: 'row without a readable date: skipped',
    });
  });

  it('tells which CSVs are event exports', () => {
    expect(
      csvFlavour(
        'Level,Date and Time,Source,Event ID,Task Category\nError,10/3/2026 8:58:32 AM,X,1,None,m\n',
      ),
    ).toBe('eventviewer');
    expect(
      csvFlavour('#TYPE System.Diagnostics.Eventing.Reader.EventLogRecord\n"Message","Id","RecordId"\n'),
    ).toBe('powershell');
    expect(csvFlavour('name,age\nann,5\n')).toBeUndefined();
    expect(() => parse('name,age\nann,5\n')).toThrow(InputError);
  });
});
