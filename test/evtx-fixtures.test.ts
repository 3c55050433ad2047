// The hand-built User Device Registration and AAD logs (test/fixtures/evtx): the committed files
// are what make-fixtures.ts builds, and the reader gives the values the event reference shows.
// scripts/compare-evtx.mjs also reads them with libevtx and python-evtx.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EventRecord, ReadWarning } from '../src/events/types.js';
import { bytesSource, readEvtx } from '../src/evtx/index.js';
import { fixtures } from './fixtures/evtx/make-fixtures.js';

const DIR = 'test/fixtures/evtx';

function read(name: string): { records: EventRecord[]; warnings: ReadWarning[] } {
  const warnings: ReadWarning[] = [];
  const records = [
    ...readEvtx(bytesSource(readFileSync(`${DIR}/${name}`)), { onWarning: (w) => warnings.push(w) }),
  ];
  return { records, warnings };
}

describe('User Device Registration and AAD fixtures', () => {
  it('are the files make-fixtures.ts builds', () => {
    for (const [name, bytes] of Object.entries(fixtures())) {
      expect(new Uint8Array(readFileSync(`${DIR}/${name}`)), name).toEqual(bytes);
    }
  });

  it('give the join events with signed exit codes and multi-line debug output', () => {
    const { records, warnings } = read('udr-admin.evtx');
    expect(warnings).toEqual([]);
    expect(records.map((r) => r.eventId)).toEqual([307, 304, 204, 305, 306, 360]);
    const [e307, e304, e204, e305, e306, e360] = records;
    expect(e307).toEqual({
      recordId: 1,
      time: '2026-10-03T04:31:02.1230000Z',
      provider: 'Microsoft-Windows-User Device Registration',
      channel: 'Microsoft-Windows-User Device Registration/Admin',
      eventId: 307,
      level: 2,
      computer: 'PC-0042.corp.contoso.com',
      data: { ExitCode: '-2145648611' }, // 0x801C001D as an Int32
    });
    expect(e304!.data.DebugOutput).toMatch(/^joinMode: Join\r\ndrsInstance: azure\r\n/);
    expect(Object.keys(e304!.data)).toEqual([
      'ExitCode',
      'ServerErrorMessage',
      'TenantType',
      'JoinType',
      'DebugOutput',
    ]);
    expect(e204!.data).toMatchObject({ ExitCode: '-2145647630', HttpStatus: '400' });
    expect(JSON.parse(e204!.data.ServerResponse!)).toMatchObject({ ErrorType: 'DirectoryError' });
    expect(e305!.data.TenantName).toBe('adfs.contoso.com');
    expect(e306!.data).toEqual({});
    expect(e360).toMatchObject({ level: 3, time: '2024-11-14T16:20:06.2678434Z' });
    expect(e360!.data.Message).toBe('İş İçin Windows Hello sağlaması başlatılmayacak.');
    expect(Object.keys(e360!.data)).toHaveLength(11);
  });

  it('give the PRT events with UInt32 codes in decimal and HexInt32 status in hex', () => {
    const op = read('aad-operational.evtx');
    expect(op.warnings).toEqual([]);
    expect(op.records.map((r) => [r.recordId, r.eventId, r.level])).toEqual([
      [120, 1097, 3],
      [121, 1098, 2],
      [122, 1104, 2],
      [123, 1081, 2],
      [124, 1025, 2],
      [125, 1098, 2],
    ]);
    expect(op.records[1]!.data).toMatchObject({
      Error: '3399811100',
      ErrorMessage: 'Token broker operation failed.',
    });
    expect(op.records[2]!.data).toEqual({ API: 'Get token', Result: '3221225567' });
    expect(op.records[5]!.data.AdditionalInformation).toMatch(/0xcaa10009/);
    const an = read('aad-analytic.evtx');
    expect(an.records.map((r) => [r.eventId, r.channel])).toEqual([
      [1006, 'Microsoft-Windows-AAD/Analytic'],
      [1018, 'Microsoft-Windows-AAD/Analytic'],
      [1022, 'Microsoft-Windows-AAD/Analytic'],
      [1007, 'Microsoft-Windows-AAD/Analytic'],
    ]);
    expect(an.records[3]!.data).toEqual({ Status: '0xc000006d' });
  });
});
