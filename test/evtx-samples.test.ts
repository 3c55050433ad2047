// The .evtx reader on the public samples (../shared/samples/evtx, from the `evtx` Rust crate):
// record counts, values checked against libevtx / python-evtx / the Rust crate's snapshots, and
// the warnings that name the damage in the broken samples.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EventRecord, ReadWarning } from '../src/events/types.js';
import { bytesSource, readEvtx } from '../src/evtx/index.js';
import { contract } from './schema.js';

const DIR = '../shared/samples/evtx';

function read(name: string): { records: EventRecord[]; warnings: ReadWarning[] } {
  const warnings: ReadWarning[] = [];
  const bytes = readFileSync(`${DIR}/${name}`);
  const records = [...readEvtx(bytesSource(bytes), { source: name, onWarning: (w) => warnings.push(w) })];
  return { records, warnings };
}

const byId = (records: EventRecord[], id: number) => records.find((r) => r.recordId === id)!;

describe('clean samples', () => {
  it('reads security.evtx: 2261 records, no warnings, values as libevtx prints them', () => {
    const { records, warnings } = read('security.evtx');
    expect(warnings).toEqual([]);
    expect(records).toHaveLength(2261);
    expect(records.map((r) => r.recordId)).toEqual(Array.from({ length: 2261 }, (_, i) => i + 1));
    expect(records[0]).toEqual({
      source: 'security.evtx',
      recordId: 1,
      time: '2016-07-08T18:12:51.6816408Z',
      provider: 'Microsoft-Windows-Security-Auditing',
      channel: 'Security',
      eventId: 4608,
      level: 0,
      computer: '37L4247F27-25',
      data: {},
    });
    expect(byId(records, 2).data).toMatchObject({
      SubjectUserSid: 'S-1-0-0',
      SubjectLogonId: '0x0',
      TargetUserSid: 'S-1-5-18',
      TargetUserName: 'SYSTEM',
      TargetLogonId: '0x3e7',
      LogonGuid: '{00000000-0000-0000-0000-000000000000}',
      ProcessId: '0x4',
    });
  });

  it('reads every chunk of system.evtx although its dirty header counts 3 of 15', () => {
    const bytes = readFileSync(`${DIR}/system.evtx`);
    expect(bytes.readUInt16LE(42)).toBe(3); // the header's number of chunks
    const { records, warnings } = read('system.evtx');
    expect(warnings).toEqual([]);
    expect(records).toHaveLength(1881);
    expect(records.at(-1)!.recordId).toBe(1881);
  });

  it('keeps the order of a circular log: file order, oldest chunk last (LiveId)', () => {
    const { records } = read('2-system-Microsoft-Windows-LiveId%4Operational.evtx');
    expect(records).toHaveLength(399);
    expect(records[0]!.recordId).toBe(2056);
    expect(records.at(-1)!.recordId).toBe(2055);
    // An ANSI string value holding XML (libevtx prints it unescaped).
    expect(records[0]!.data.Value).toMatch(/^<S:Envelope><S:Header><wsa:Action wsu:Id="Action"/);
  });

  it('expands entity references inside attributes (CAPI2: libevtx stops at record 25)', () => {
    const { records, warnings } = read(
      'E_Windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx',
    );
    expect(warnings).toEqual([]);
    expect(records).toHaveLength(340);
    expect(byId(records, 25).data['CryptRetrieveObjectByUrlCache.CacheInfo.URLCacheResponseInfo@eTag']).toBe(
      '"ea9ee7b1bc43d21:0"',
    );
    // UserData as the Rust crate's snapshot of record 28 shows it, flattened.
    expect(byId(records, 28)).toMatchObject({
      eventId: 53,
      level: 4,
      time: '2017-05-19T02:02:36.2031250Z',
      data: {
        'CryptRetrieveObjectByUrlWire.URL@scheme': 'http',
        'CryptRetrieveObjectByUrlWire.URL': 'http://crl.microsoft.com/pki/crl/products/microsoftrootcert.crl',
        'CryptRetrieveObjectByUrlWire.Timeout': 'PT9.984S',
        'CryptRetrieveObjectByUrlWire.AdditionalInfo.HTTPRequestHeadersInfo.Header':
          'GET /pki/crl/products/microsoftrootcert.crl HTTP/1.1',
        'CryptRetrieveObjectByUrlWire.AdditionalInfo.HTTPRequestHeadersInfo.Header#6':
          'Connection: Keep-Alive',
        'CryptRetrieveObjectByUrlWire.AdditionalInfo.HTTPResponseHeadersInfo.Header#11':
          'x-ms-blob-type: BlockBlob',
        'CryptRetrieveObjectByUrlWire.CorrelationAuxInfo@TaskId': '{74E4CD40-C966-49F5-B50A-032DFFEE57CA}',
        'CryptRetrieveObjectByUrlWire.Result@value': '0',
      },
    });
  });

  it('reads forwarded (WEC) events whose elements carry no template (both references read 0)', () => {
    for (const name of ['MSExchange_Management_wec.evtx', 'issue_201.evtx']) {
      const { records, warnings } = read(name);
      expect(warnings).toEqual([]);
      expect(records).toHaveLength(1);
      const r = records[0]!;
      expect(r).toMatchObject({
        recordId: 3229,
        time: '2021-11-19T16:52:33.833733500Z',
        provider: 'MSExchange CmdletLogs',
        channel: 'MSExchange Management',
        eventId: 1,
        level: 4,
        computer: 'WEC.ave.local',
      });
      expect(Object.keys(r.data)).toHaveLength(27);
      expect(r.data['#0']).toBe('Set-Mailbox');
      expect(r.data['#3']).toBe('S-1-5-21-186559946-3925841745-111227986-500');
      expect(r.data['#7']).toBe('');
      expect(r.data['#26']).toBe('fr-FR');
    }
  });

  it('renders irregular booleans (16, 65536) as true, as libevtx does', () => {
    const { records, warnings } = read('sample-with-irregular-bool-values.evtx');
    expect(warnings).toEqual([]);
    expect(records).toHaveLength(3028);
    expect(byId(records, 141).data.IsMachine).toBe('true');
    expect(byId(records, 148).data).toMatchObject({ IsMachine: 'true', IsBackgroundProcessing: 'true' });
  });

  it('reads a file written without checksums (flag 0x4) without complaint', () => {
    const { records, warnings } = read('Application_no_crc32.evtx');
    expect(warnings).toEqual([]);
    expect(records.map((r) => r.recordId)).toEqual(Array.from({ length: 17 }, (_, i) => 426 + i));
    // A value holding only a line break stays one (libevtx prints it empty).
    expect(byId(records, 441).data.ExtraInfo).toBe('\n');
  });
});

describe('damaged samples', () => {
  it('ignores a corrupt common string table: names are read where records point', () => {
    const broken = read('security_bad_string_cache.evtx');
    const clean = read('security.evtx');
    expect(broken.records.map((r) => ({ ...r, source: '' }))).toEqual(
      clean.records.map((r) => ({ ...r, source: '' })),
    );
    expect(broken.warnings).toEqual([
      {
        source: 'security_bad_string_cache.evtx',
        code: 'evtx-chunk-checksum',
        message: expect.stringMatching(/^chunk header checksum does not match/),
        chunk: 0,
        offset: 4096 + 124,
      },
    ]);
  });

  it('recovers the records after a zero-size record (references stop at it and lose 114)', () => {
    const { records, warnings } = read('sample-with-zero-data-size-event.evtx');
    expect(records).toHaveLength(449);
    const ids = new Set(records.map((r) => r.recordId));
    expect(ids.has(3)).toBe(false);
    for (let id = 4; id <= 117; id++) expect(ids.has(id)).toBe(true);
    expect(warnings).toEqual([
      expect.objectContaining({
        code: 'evtx-records-checksum',
        chunk: 0,
        offset: 4096 + 52,
        message: expect.stringMatching(/event records checksum/),
      }),
      {
        source: 'sample-with-zero-data-size-event.evtx',
        code: 'evtx-record-header',
        message: 'impossible record size (0): skipped to the next record, at offset 6408',
        chunk: 0,
        offset: 0x1820,
        recordId: 3,
      },
    ]);
  });

  it('recovers records from chunks without a signature and reports half-written records', () => {
    const { records, warnings } = read('sample_with_a_bad_chunk_magic.evtx');
    expect(records).toHaveLength(380); // libevtx 267, python-evtx 270 (two of them cut short)
    const ids = records.map((r) => r.recordId);
    // Chunk 6 has no signature: its 15 records fit just before chunk 7's first record.
    expect(ids.slice(13, 28)).toEqual(Array.from({ length: 15 }, (_, i) => 47613 + i));
    expect(ids).not.toContain(45933);
    expect(ids).not.toContain(47640);
    expect(
      warnings.filter((w) => /chunk signature missing/.test(w.message)).map((w) => [w.chunk, w.offset]),
    ).toEqual([
      [6, 4096 + 6 * 65536],
      [10, 4096 + 10 * 65536],
    ]);
    expect(warnings.find((w) => w.recordId === 47640)).toMatchObject({
      chunk: 7,
      offset: 0x72e68,
      message:
        'record size (504) and copy of the size (0) differ: skipped to the next record, at offset 487888',
    });
    expect(warnings.filter((w) => /checksum/.test(w.message)).map((w) => w.chunk)).toEqual([0, 7, 9]);
  });

  it('reports the record being written when the log was copied (HelloForBusiness)', () => {
    const { records, warnings } = read('Microsoft-Windows-HelloForBusiness%4Operational.evtx');
    expect(records.map((r) => r.recordId)).toEqual([1, 2, 3, 4, 5]);
    expect(warnings.at(-1)).toMatchObject({ chunk: 0, recordId: 6, offset: 0x1f90 });
  });
});

describe('every sample', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.evtx'));
  const valid = contract('event');

  it('gives records valid against event.schema.json, with a warning for every skipped byte range', () => {
    let total = 0;
    for (const name of files) {
      const { records } = read(name);
      for (const r of records) {
        const errors = valid(r);
        if (errors) throw new Error(`${name} record ${r.recordId}: ${errors}`);
        expect(r.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7,9}Z$/);
      }
      total += records.length;
    }
    expect(files).toHaveLength(14);
    expect(total).toBe(399 + 17 + 340 + 1 + 5 + 7 + 1 + 4 + 3028 + 449 + 380 + 2261 + 2261 + 1881);
  });
});
