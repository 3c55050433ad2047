// The export readers, on the fixture forest in every format: kinds told from content, values in
// every notation, the same rows whatever the chunk size, and one clear line for bad input.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sha1Hex } from '../src/reconcile/cert.js';
import { createExportReader, type ExportRow, readExport, sniffExport } from '../src/reconcile/index.js';
import { InputError } from '../src/types.js';

const DIR = 'test/fixtures/reconcile/';
const bytes = (f: string) => new Uint8Array(readFileSync(DIR + f));
const AD = ['ad-computers.csv', 'ad-computers-en-us.csv', 'ad-computers.json', 'ad-computers.ldif'];
const ENTRA = ['entra-admin-center.csv', 'entra-graph.json', 'entra-mgdevice.json', 'entra-mgdevice.csv'];

describe('AD computer exports', () => {
  for (const f of AD) {
    it(`reads ${f} as the same 15 computers`, () => {
      const r = readExport(bytes(f), f);
      expect(r.kind).toBe('ad-computers');
      expect(r.ad).toHaveLength(15);
      expect(r.summary.skipped).toBe(f.endsWith('.ldif') ? 1 : 0); // the OU entry of the LDIF
      const reg = r.ad.find((c) => c.name === 'WKS-REG')!;
      expect(reg.objectGuid).toBe('6a1e0c3d-0001-4b2a-9c8d-7e6f5a4b3c01');
      expect(reg.sid).toBe('S-1-5-21-1004336348-1177238915-682003330-2101');
      // Times are kept as milliseconds since 1970 UTC.
      expect(reg.whenCreated).toBe(Date.parse('2025-03-10T08:00:00.000Z'));
      expect(reg.lastLogon).toBe(Date.parse('2026-11-27T08:30:00.000Z'));
      expect(reg.enabled).toBe(true);
      expect(reg.distinguishedName).toBe('CN=WKS-REG,OU=Workstations,DC=corp,DC=fabrikam,DC=example');
      expect(reg.certificates).toHaveLength(1);
      expect(reg.certificates[0]).toMatchObject({
        subjectCN: '6a1e0c3d-0001-4b2a-9c8d-7e6f5a4b3c01',
        selfSigned: true,
        notBefore: '2025-01-01T00:00:00.000Z',
        notAfter: '2035-01-01T00:00:00.000Z',
      });
      const expired = r.ad.find((c) => c.name === 'WKS-EXPIRED')!;
      expect(expired.certificates.map((c) => [c.selfSigned, c.issuerCN])).toEqual([
        [true, '6a1e0c3d-0005-4b2a-9c8d-7e6f5a4b3c05'],
        [false, 'Fabrikam Issuing CA'],
      ]);
      expect(r.ad.find((c) => c.name === 'WKS-OFF')!.enabled).toBe(false);
      expect(r.ad.find((c) => c.name === 'WKS-NEW')!.lastLogon).toBeNull();
      expect(r.ad.find((c) => c.name === 'WKS-PEND')!.certificates[0]!.subjectCN).toBe(
        '{6A1E0C3D-0002-4B2A-9C8D-7E6F5A4B3C02}',
      );
      expect(reg.ref).toMatchObject({ source: f });
      expect(reg.ref.line).toBeGreaterThan(1);
    });
  }
  it('reads the LDIF GUID in its little-endian byte order and the binary SID', () => {
    const text = readFileSync(`${DIR}ad-computers.ldif`, 'utf8');
    expect(text).toMatch(/^ \S/m); // folded lines are in the fixture
    const b64 = /objectGUID:: (\S+)/.exec(text.split('dn: CN=WKS-REG')[1]!)![1]!;
    expect(Buffer.from(b64, 'base64').toString('hex')).toBe('3d0c1e6a01002a4b9c8d7e6f5a4b3c01');
  });
});

describe('Entra device exports', () => {
  for (const f of ENTRA) {
    it(`reads ${f} as the same 13 device objects`, () => {
      const r = readExport(bytes(f), f);
      expect(r.kind).toBe('entra-devices');
      expect(r.entra).toHaveLength(13);
      const types = r.entra.map((d) => d.trustType);
      expect(types.filter((t) => t === 'ServerAd')).toHaveLength(10);
      expect(types.filter((t) => t === 'AzureAd')).toHaveLength(1);
      expect(types.filter((t) => t === 'Workplace')).toHaveLength(2);
      const pend = r.entra.find((d) => d.name === 'WKS-PEND')!;
      expect(pend.registrationTime).toBeNull();
      const reg = r.entra.find((d) => d.name === 'WKS-REG')!;
      expect(reg).toMatchObject({
        deviceId: '6a1e0c3d-0001-4b2a-9c8d-7e6f5a4b3c01',
        objectId: '0b000001-5c4d-4e3f-8a2b-1c0d9e8f7a6b',
        enabled: true,
        registrationTime: Date.parse('2025-03-10T09:10:00.000Z'),
        lastSignIn: Date.parse('2026-11-28T08:00:00.000Z'),
      });
      expect(r.entra.find((d) => d.name === 'WKS-OFF')!.enabled).toBe(false);
      // The old display name "Hybrid Azure AD joined" (admin center) is a hybrid object too.
      expect(r.entra.find((d) => d.name === 'WKS-OLD')!.trustType).toBe('ServerAd');
    });
  }
  it('takes the SID and certificate thumbprints from the Graph formats', () => {
    for (const f of ['entra-graph.json', 'entra-mgdevice.json']) {
      const r = readExport(bytes(f), f);
      const sid = r.entra.find((d) => d.name === 'WKS-SID')!;
      expect(sid.sid).toBe('S-1-5-21-1004336348-1177238915-682003330-2116');
      const pend = r.entra.find((d) => d.name === 'WKS-PEND')!;
      expect(pend.hasAlternativeSecurityIds).toBe(false);
      const ad = readExport(bytes('ad-computers.csv'), 'ad').ad.find((c) => c.name === 'WKS-CERT')!;
      expect(r.entra.find((d) => d.name === 'WKS-CERT')!.thumbprints).toEqual([
        ad.certificates[0]!.thumbprint,
      ]);
    }
  });
});

describe('diagnoses', () => {
  for (const f of ['diagnoses.jsonl', 'diagnoses.json', 'fleet-latest.json']) {
    it(`reads ${f} as three device reports`, () => {
      const r = readExport(bytes(f), f);
      expect(r.kind).toBe('device-diagnosis');
      expect(r.diagnoses.map((d) => [d.deviceId, d.joinType])).toEqual([
        ['6a1e0c3d-0001-4b2a-9c8d-7e6f5a4b3c01', 'hybrid'],
        ['6a1e0c3d-0010-4b2a-9c8d-7e6f5a4b3c10', 'hybrid'],
        ['6a1e0c3d-0015-4b2a-9c8d-7e6f5a4b3c15', 'hybrid'],
      ]);
    });
  }
});

describe('streaming', () => {
  const rowsOf = (f: string, size: number) => {
    const rows: ExportRow[] = [];
    const reader = createExportReader(f, (r) => rows.push(r));
    const b = bytes(f);
    for (let i = 0; i < b.length; i += size) reader.push(b.subarray(i, i + size));
    reader.end();
    return rows;
  };
  for (const f of [...AD, ...ENTRA, 'diagnoses.jsonl']) {
    it(`gives the same rows from ${f} in chunks of 1, 7 and 4096 bytes`, () => {
      const whole = rowsOf(f, 1 << 30);
      expect(whole.length).toBeGreaterThan(2);
      for (const size of [1, 7, 4096]) expect(rowsOf(f, size)).toEqual(whole);
    });
  }
});

describe('kinds and bad input', () => {
  it('tells exports from device captures and event logs', () => {
    expect(sniffExport(bytes('ad-computers.ldif'))).toBe('ad-computers');
    expect(sniffExport(bytes('entra-mgdevice.csv'))).toBe('entra-devices');
    expect(sniffExport(bytes('wks-left-status.txt'))).toBeUndefined();
    expect(
      sniffExport(new Uint8Array(readFileSync('examples/events/prt-fail.getwinevent.json'))),
    ).toBeUndefined();
  });
  const bad = (text: string) => {
    try {
      readExport(new TextEncoder().encode(text), 'x.csv');
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      return (err as Error).message;
    }
    throw new Error('no error');
  };
  it('says in one line what is wrong, with the line', () => {
    expect(bad('a,b\n1,2\n')).toBe(
      'x.csv:1: not an export reconcile reads (a Microsoft Entra device export, an Active Directory computer export or a diagnosis)',
    );
    expect(bad('Name,ObjectGUID\n"WKS-1,6a1e0c3d-0001-4b2a-9c8d-7e6f5a4b3c01\n')).toBe(
      'x.csv: the file ends inside a quoted field',
    );
    expect(
      bad('[{"deviceId":"6a1e0c3d-0001-4b2a-9c8d-7e6f5a4b3c01","trustType":"ServerAd"},\n{"deviceId": x}]'),
    ).toMatch(/^x\.csv:2: the record is not valid JSON/);
    expect(bad('[{"deviceId":"6a1e0c3d-0001-4b2a-9c8d-7e6f5a4b3c01","trustType":"ServerAd"}')).toMatch(
      /^x\.csv:1: the JSON ends before it is complete$/,
    );
    expect(bad('dn: CN=A,DC=x\nobjectGUID:: !!!\n')).toBe(
      'x.csv:2: objectguid: the base64 value cannot be read',
    );
    expect(bad('')).toBe('x.csv: empty: no rows');
  });
  it('skips a bad row with a warning and reads the others', () => {
    const r = readExport(
      new TextEncoder().encode(
        'Name,ObjectGUID,whenCreated\nWKS-1,6a1e0c3d-0001-4b2a-9c8d-7e6f5a4b3c01,yesterday\nWKS-2,6a1e0c3d-0002-4b2a-9c8d-7e6f5a4b3c02,2026-01-01T00:00:00Z\n',
      ),
      'ad.csv',
    );
    expect(r.ad.map((c) => c.name)).toEqual(['WKS-2']);
    expect(r.summary.warnings).toEqual(['line 2: whenCreated "yesterday" is not a date: row skipped']);
  });
});

describe('certificates', () => {
  it('computes SHA-1 thumbprints as Node does', () => {
    expect(sha1Hex(new TextEncoder().encode('abc'))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    for (const n of [0, 55, 56, 64, 1000]) {
      const b = new Uint8Array(n).map((_, i) => (i * 31) & 255);
      expect(sha1Hex(b)).toBe(createHash('sha1').update(b).digest('hex'));
    }
  });
  it('reports an unreadable certificate without failing the row', () => {
    const r = readExport(
      new TextEncoder().encode(
        'Name,ObjectGUID,userCertificate\nWKS-1,6a1e0c3d-0001-4b2a-9c8d-7e6f5a4b3c01,AAECAw==\n',
      ),
      'ad.csv',
    );
    expect(r.ad[0]!.certificates[0]!.error).toMatch(/not a DER SEQUENCE|truncated/);
  });
});

describe('limits', () => {
  it('stops at a record, field or line over 16 MiB instead of holding the file', () => {
    const big = 'A'.repeat(17 * 1024 * 1024);
    const one = (head: string, tail: string) => {
      const reader = createExportReader('big', () => {});
      try {
        reader.push(new TextEncoder().encode(head));
        reader.push(new TextEncoder().encode(big));
        reader.push(new TextEncoder().encode(tail));
        reader.end();
      } catch (err) {
        return (err as Error).message;
      }
      return 'read';
    };
    expect(one('Name,ObjectGUID\n"', '"\n')).toBe('big:2: a field of more than 16 MiB');
    expect(
      one('[{"deviceId":"6a1e0c3d-0001-4b2a-9c8d-7e6f5a4b3c01","trustType":"ServerAd","x":"', '"}]'),
    ).toBe('big:1: a record of more than 16 MiB');
    expect(one('dn: CN=A,DC=x\ndescription: ', '\n')).toBe('big:2: a line of more than 16 MiB');
  });
});

describe('CSV fields', () => {
  it('reads quotes, doubled quotes, line breaks in fields and empty fields the same in any chunks', async () => {
    const { CsvTokenizer } = await import('../src/reconcile/csv.js');
    const text = 'a,b"c,"x\ny""z",\r\n,"",q\nlast';
    for (const size of [1, 2, 3, 5, 7, 1000]) {
      const out: { line: number; fields: string[] }[] = [];
      const tok = new CsvTokenizer((r) => out.push(r));
      for (let i = 0; i < text.length; i += size) tok.push(text.slice(i, i + size));
      tok.end();
      expect(out, `chunks of ${size}`).toEqual([
        { line: 1, fields: ['a', 'b"c', 'x\ny"z', ''] },
        { line: 3, fields: ['', '', 'q'] },
        { line: 4, fields: ['last'] },
      ]);
    }
  });
});

describe('times', () => {
  it('reads every notation the exports use as ISO UTC, and refuses what is not a date', async () => {
    const values = await import('../src/reconcile/values.js');
    // Rows keep milliseconds since 1970; written as ISO text, as devices and findings show them.
    const timeOf = (v: string) => {
      const t = values.timeOf(v);
      return typeof t === 'number' ? values.isoOf(t) : t;
    };
    expect(timeOf('2026-11-20T09:13:58Z')).toBe('2026-11-20T09:13:58.000Z');
    expect(timeOf('2026-11-20T09:13:58.123Z')).toBe('2026-11-20T09:13:58.123Z');
    expect(timeOf('2026-11-20T09:13:58.0000000Z')).toBe('2026-11-20T09:13:58.000Z');
    expect(timeOf('2026-11-20T10:13:58+01:00')).toBe('2026-11-20T09:13:58.000Z');
    expect(timeOf('2026-11-20 09:13:58')).toBe('2026-11-20T09:13:58.000Z');
    expect(timeOf('/Date(1795166038000)/')).toBe('2026-11-20T09:13:58.000Z');
    expect(timeOf('11/20/2026 9:13:58 AM')).toBe('2026-11-20T09:13:58.000Z');
    expect(timeOf('11/20/2026, 9:13:58 PM')).toBe('2026-11-20T21:13:58.000Z');
    expect(timeOf('20261120091358.0Z')).toBe('2026-11-20T09:13:58.000Z');
    expect(timeOf('134396396380000000')).toBe('2026-11-20T09:13:58.000Z');
    expect(timeOf('0')).toBeNull();
    expect(timeOf('9223372036854775807')).toBeNull();
    expect(timeOf('2026-13-01T00:00:00Z')).toBeUndefined();
    expect(timeOf('2024-02-29T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
    expect(timeOf('0050-01-01T00:00:00Z')).toBe('0050-01-01T00:00:00.000Z');
    expect(values.timeOf('1970-01-01T00:00:00Z')).toBe(0);
    // Written from its digits as Date writes it: leap days, century years, the ends of the range.
    for (const t of [
      '1970-01-01T00:00:00.000Z',
      '1999-12-31T23:59:59.999Z',
      '2000-02-29T12:00:00.001Z',
      '2100-03-01T00:00:00.000Z',
      '2024-02-29T23:59:59.000Z',
      '9999-12-31T23:59:59.999Z',
      '1969-12-31T23:59:59.999Z',
      '+010000-01-01T00:00:00.000Z',
    ]) {
      expect(values.isoOf(Date.parse(t))).toBe(new Date(Date.parse(t)).toISOString());
    }
    for (let ms = 0; ms < 4e12; ms += 86_400_000 * 37 + 3_723_456)
      expect(values.isoOf(ms)).toBe(new Date(ms).toISOString());
    expect(values.isoOf(null)).toBeNull();
    expect(timeOf('yesterday')).toBeUndefined();
  });
});
