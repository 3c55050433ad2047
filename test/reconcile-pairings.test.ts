// The fixture forest has a device in every state. Whatever the format of each export, every
// pairing gives every device the same states; the JSON holds to the contract.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import * as formats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { AdComputer, DeviceReport, InputSummary, ReconcileInput } from '../src/reconcile/index.js';
import {
  createExportReader,
  diagnoseDevice,
  readExport,
  readerOptionsAfter,
  reconcile,
  STATES,
} from '../src/reconcile/index.js';

const DIR = 'test/fixtures/reconcile/';
const NOW = '2026-12-01T12:00:00Z';
const bytes = (f: string) => new Uint8Array(readFileSync(DIR + f));
const AD = ['ad-computers.csv', 'ad-computers-en-us.csv', 'ad-computers.json', 'ad-computers.ldif'];
const ENTRA = ['entra-admin-center.csv', 'entra-graph.json', 'entra-mgdevice.json', 'entra-mgdevice.csv'];

/** Device-side inputs: the capture of WKS-LEFT plus the diagnoses of WKS-REG and WKS-OFF, three ways. */
const DEVICE_SIDES: Record<string, () => DeviceReport[]> = {
  'capture + diagnoses.jsonl': () => [
    diagnoseDevice([{ name: 'wks-left-status.txt', bytes: bytes('wks-left-status.txt') }], { now: NOW }),
    ...readExport(bytes('diagnoses.jsonl'), 'diagnoses.jsonl').diagnoses.slice(0, 2),
  ],
  'diagnoses.json': () => readExport(bytes('diagnoses.json'), 'diagnoses.json').diagnoses,
  'fleet-latest.json': () => readExport(bytes('fleet-latest.json'), 'fleet-latest.json').diagnoses,
};

/** The state each made-up device was made for (see generate.ts). */
const EXPECTED: Record<string, string[]> = {
  'FS-LINUX': ['not-synced'],
  'LAPTOP-CLOUD7': ['entra-joined'],
  'Pixel 8': ['registered-only'],
  'WKS-CERT': ['registered'],
  'WKS-DUAL': ['registered', 'dual-state'],
  'WKS-EXPIRED': ['not-synced'],
  'WKS-GONE': ['orphaned'],
  'WKS-LEFT': ['not-synced', 'contradiction'],
  'WKS-NEW': ['not-synced'],
  'WKS-NOCERT': ['not-synced'],
  'WKS-OFF': ['disabled', 'contradiction'],
  'WKS-OLD': ['stale'],
  'WKS-OTHER': ['not-synced'],
  'WKS-PEND': ['pending'],
  'WKS-REG': ['registered'],
  'WKS-SCOPE': ['not-synced'],
  'WKS-SID': ['registered'],
  'WKS-TWIN': ['registered', 'duplicate'],
};

const FINDING_OF: Record<string, string> = {
  'FS-LINUX': 'not-synced-not-windows',
  'WKS-EXPIRED': 'not-synced-certificate-expired',
  'WKS-NEW': 'not-synced-recently-created',
  'WKS-NOCERT': 'not-synced-no-certificate',
  'WKS-OTHER': 'not-synced-no-hybrid-certificate',
  'WKS-SCOPE': 'not-synced-out-of-scope',
  'WKS-LEFT': 'contradiction-deleted-while-joined',
  'WKS-OFF': 'contradiction-disabled-while-joined',
  'WKS-PEND': 'pending-registration',
  'WKS-GONE': 'orphaned-device-object',
  'WKS-TWIN': 'duplicate-device-objects',
  'WKS-DUAL': 'dual-state-registered-object',
  'WKS-OLD': 'stale-device',
};

function input(ad: string, entra: string, devices: () => DeviceReport[]): ReconcileInput {
  const a = readExport(bytes(ad), ad);
  const e = readExport(bytes(entra), entra);
  return { ad: a.ad, entra: e.entra, diagnoses: devices(), inputs: [a.summary, e.summary] };
}

const addFormats = (formats as unknown as { default: (ajv: Ajv2020) => void }).default;
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema(JSON.parse(readFileSync('../shared/contract/diagnosis.schema.json', 'utf8')));
const validate = ajv.compile(JSON.parse(readFileSync('../shared/contract/reconcile.schema.json', 'utf8')));

describe('every pairing of formats', () => {
  for (const ad of AD) {
    for (const entra of ENTRA) {
      for (const [side, devices] of Object.entries(DEVICE_SIDES)) {
        it(`${ad} + ${entra} + ${side}`, () => {
          const r = reconcile(input(ad, entra, devices), { now: NOW });
          const states = Object.fromEntries(r.devices.map((d) => [d.name, d.states]));
          expect(states).toEqual(EXPECTED);
          for (const [name, id] of Object.entries(FINDING_OF)) {
            expect(
              r.devices.find((d) => d.name === name)!.findings.map((f) => f.id),
              name,
            ).toContain(id);
          }
          expect(r.summary).toEqual(
            Object.fromEntries(
              STATES.map((s) => [s, Object.values(EXPECTED).filter((x) => x.includes(s)).length]),
            ),
          );
          const json = JSON.parse(JSON.stringify(r));
          expect(validate(json) ? '' : ajv.errorsText(validate.errors)).toBe('');
        });
      }
    }
  }
});

describe('matching', () => {
  it('pairs by objectGUID, then SID, then certificate where the export has them', () => {
    for (const entra of ['entra-graph.json', 'entra-mgdevice.json']) {
      const r = reconcile(
        input('ad-computers.ldif', entra, () => []),
        { now: NOW },
      );
      const by = (n: string) => r.devices.find((d) => d.name === n)!;
      expect(by('WKS-REG').matchedBy).toBe('deviceId');
      expect(by('WKS-SID').matchedBy).toBe('sid');
      expect(by('WKS-CERT').matchedBy).toBe('certificate');
      expect(by('WKS-CERT').findings).toEqual([]);
    }
  });
  it('falls back to the name, and flags it, where the export has no SID or certificate', () => {
    const r = reconcile(
      input('ad-computers.csv', 'entra-admin-center.csv', () => []),
      { now: NOW },
    );
    for (const n of ['WKS-SID', 'WKS-CERT']) {
      const d = r.devices.find((x) => x.name === n)!;
      expect(d.matchedBy).toBe('name');
      expect(d.findings.map((f) => [f.id, f.severity])).toEqual([['matched-by-name', 'warning']]);
    }
  });
  it('rests each finding on the rows, with their lines, and links to learn.microsoft.com', () => {
    const r = reconcile(
      input('ad-computers.csv', 'entra-admin-center.csv', DEVICE_SIDES['diagnoses.json']!),
      {
        now: NOW,
      },
    );
    const pend = r.devices.find((d) => d.name === 'WKS-PEND')!.findings[0]!;
    expect(pend.evidence.map((e) => `${e.source}:${e.line}`)).toEqual([
      'ad-computers.csv:3',
      'entra-admin-center.csv:3',
    ]);
    expect(pend.rule).toBe('reconcile-pending');
    expect(pend.evidence[1]!.text).toBe(
      'WKS-PEND, ServerAd, deviceId 6a1e0c3d-0002-4b2a-9c8d-7e6f5a4b3c02, objectId 0b000002-5c4d-4e3f-8a2b-1c0d9e8f7a6b, enabled, registered Pending, last sign-in never',
    );
    for (const d of r.devices) {
      for (const f of d.findings) {
        expect(f.docs!.length).toBeGreaterThan(0);
        for (const u of f.docs!) expect(u).toMatch(/^https:\/\/learn\.microsoft\.com\//);
        expect(f.evidence.length).toBeGreaterThan(0);
        for (const e of f.evidence) expect(e.text, `${d.name} ${f.id}`).toMatch(/\S/);
      }
    }
    const left = r.devices.find((d) => d.name === 'WKS-LEFT')!;
    expect(left.findings.find((f) => f.id === 'contradiction-deleted-while-joined')!.fix!.join(' ')).toMatch(
      /dsregcmd \/leave/,
    );
  });
  it('lists the actions: DNs to check, objects to disable (never under the threshold), devices to leave', () => {
    const r = reconcile(input('ad-computers.csv', 'entra-graph.json', DEVICE_SIDES['fleet-latest.json']!), {
      now: NOW,
    });
    expect(r.actions.dnsToCheck.map((x) => x.name).sort()).toEqual(
      ['WKS-EXPIRED', 'WKS-LEFT', 'WKS-NOCERT', 'WKS-OLD', 'WKS-OTHER', 'WKS-SCOPE'].sort(),
    );
    expect(r.actions.dnsToCheck.find((x) => x.name === 'WKS-OLD')!.reason).toMatch(
      /disable the computer in AD first/,
    );
    // The old twin (no sign-in since February) is listed; the one in use is not.
    expect(r.actions.objectIdsToDisable.map((x) => x.objectId)).toEqual([
      '0b000012-5c4d-4e3f-8a2b-1c0d9e8f7a6b',
    ]);
    expect(r.actions.devicesToLeave.map((x) => [x.name, x.deviceId])).toEqual([
      ['WKS-LEFT', '6a1e0c3d-0015-4b2a-9c8d-7e6f5a4b3c15'],
    ]);
  });
  it('moves devices in and out of stale with --stale-days and --now', () => {
    const base = input('ad-computers.csv', 'entra-graph.json', () => []);
    const stale = (days: number, now = NOW) =>
      reconcile(base, { now, staleDays: days })
        .devices.filter((d) => d.states.includes('stale'))
        .map((d) => d.name);
    expect(stale(90)).toEqual(['WKS-OLD']);
    expect(stale(365)).toEqual([]);
    // WKS-OFF was last seen on 2026-11-20: 11 days before NOW, 30 days before 2026-12-20.
    expect(stale(21)).not.toContain('WKS-OFF');
    expect(stale(21, '2026-12-20T00:00:00Z')).toContain('WKS-OFF');
    expect(() => reconcile(base, { now: NOW, staleDays: 14 })).toThrow(/at least 21 days/);
  });
});

describe('certificates read only where a state needs them', () => {
  const readAd = (name: string, options: Parameters<typeof createExportReader>[2]) => {
    const ad: AdComputer[] = [];
    const reader = createExportReader(
      name,
      (r) => {
        if (r.kind === 'ad-computers') ad.push(r.row);
      },
      options,
    );
    reader.push(bytes(name));
    return { ad, summary: reader.end() };
  };
  for (const ad of AD) {
    for (const e of ENTRA) {
      it(`gives the same result for ${ad} after ${e}, reading fewer certificates`, () => {
        const entra = readExport(bytes(e), e);
        const options = readerOptionsAfter(entra.entra);
        // Whatever else the export carries (SIDs, thumbprints in the Graph formats).
        expect(options.skipCertificates).toBeDefined();
        const lazy = readAd(ad, options);
        const full = readAd(ad, {});
        // The computers whose device object is known by objectGUID: certificates counted, not read.
        const unread = lazy.ad.filter((c) => c.unreadCertificates).map((c) => c.name);
        expect(unread.sort()).toEqual(
          ['WKS-DUAL', 'WKS-OFF', 'WKS-OLD', 'WKS-PEND', 'WKS-REG', 'WKS-TWIN'].sort(),
        );
        // The others are read: not synced, or matched by SID or certificate.
        const read = lazy.ad.filter((c) => c.certificates.length > 0).map((c) => c.name);
        expect(read.sort()).toEqual(
          ['WKS-CERT', 'WKS-EXPIRED', 'WKS-LEFT', 'WKS-OTHER', 'WKS-SCOPE', 'WKS-SID'].sort(),
        );
        const certs = (rows: AdComputer[]) =>
          rows.reduce((n, c) => n + c.certificates.length + (c.unreadCertificates ?? 0), 0);
        expect(certs(lazy.ad)).toBe(certs(full.ad));
        const run = (rows: AdComputer[], summary: typeof lazy.summary) =>
          reconcile({ ad: rows, entra: entra.entra, inputs: [summary, entra.summary] }, { now: NOW });
        expect(run(lazy.ad, lazy.summary)).toEqual(run(full.ad, full.summary));
      });
    }
  }
  it('reads every certificate when no Entra export is given or it has no hybrid object', () => {
    expect(readerOptionsAfter([])).toEqual({});
    const entra = readExport(bytes('entra-graph.json'), 'entra-graph.json').entra;
    expect(readerOptionsAfter(entra.filter((d) => d.trustType !== 'ServerAd'))).toEqual({});
  });
});

describe('JSON in pieces', () => {
  it('writes exactly what JSON.stringify writes, one piece a device', async () => {
    const { reconcileJsonParts } = await import('../src/reconcile/render.js');
    const r = reconcile(input('ad-computers.csv', 'entra-graph.json', DEVICE_SIDES['diagnoses.json']!), {
      now: NOW,
    });
    const parts = [...reconcileJsonParts(r)];
    expect(parts).toHaveLength(r.devices.length + 2);
    expect(parts.join('')).toBe(`${JSON.stringify(r, null, 2)}\n`);
    const empty = reconcile({ ad: [], entra: [] }, { now: NOW });
    expect([...reconcileJsonParts(empty)].join('')).toBe(`${JSON.stringify(empty, null, 2)}\n`);
  });
});

describe('one computer in two rows (the same objectGUID)', () => {
  /** A fixture with `from` replaced by `to`, in its own encoding (the JSON is UTF-16 with a BOM). */
  const edited = (f: string, from: string, to: string): Uint8Array => {
    const b = Buffer.from(bytes(f));
    const utf16 = b[0] === 0xff && b[1] === 0xfe;
    const text = utf16 ? b.subarray(2).toString('utf16le') : b.toString('utf8');
    expect(text).toContain(from);
    const out = text.split(from).join(to);
    return new Uint8Array(
      utf16 ? Buffer.concat([b.subarray(0, 2), Buffer.from(out, 'utf16le')]) : Buffer.from(out),
    );
  };
  const REG_DN = 'CN=WKS-REG,OU=Workstations,DC=corp,DC=fabrikam,DC=example';
  const MOVED_DN = 'CN=WKS-REG,OU=Moved,DC=corp,DC=fabrikam,DC=example';
  const entra = readExport(bytes('entra-graph.json'), 'entra-graph.json');
  const run = (...ads: { ad: AdComputer[]; summary: InputSummary }[]) =>
    reconcile(
      {
        ad: ads.flatMap((a) => a.ad),
        entra: entra.entra,
        inputs: [...ads.map((a) => a.summary), entra.summary],
      },
      { now: NOW },
    );
  const statesOf = (r: ReturnType<typeof run>) =>
    Object.fromEntries(r.devices.map((d) => [d.name, d.states]));
  const EXPECTED_NO_DEVICE_SIDE = { ...EXPECTED, 'WKS-LEFT': ['not-synced'], 'WKS-OFF': ['disabled'] };

  for (const f of AD) {
    it(`reads ${f} given twice as one computer each, with no warning`, () => {
      const once = run(readExport(bytes(f), f));
      const twice = run(readExport(bytes(f), f), readExport(bytes(f), `copy of ${f}`));
      expect(statesOf(once)).toEqual(EXPECTED_NO_DEVICE_SIDE);
      expect(statesOf(twice)).toEqual(EXPECTED_NO_DEVICE_SIDE);
      expect(twice.devices).toEqual(once.devices);
      // Each copy says only what the export itself says (the LDIF's OU entry): nothing of the other.
      expect(twice.inputs!.map((i) => i.warnings)).toEqual([
        once.inputs![0]!.warnings,
        once.inputs![0]!.warnings,
        once.inputs![1]!.warnings,
      ]);
    });
    it(`reads a computer of ${f} moved to another OU in a second export as one, and says so`, () => {
      const first = readExport(bytes(f), f);
      const moved = readExport(edited(f, REG_DN, MOVED_DN), `moved-${f}`);
      const given = [...moved.summary.warnings];
      const r = run(first, moved);
      expect(statesOf(r)).toEqual(EXPECTED_NO_DEVICE_SIDE);
      const reg = r.devices.filter((d) => d.name === 'WKS-REG');
      expect(reg).toHaveLength(1);
      expect(reg[0]!.distinguishedName).toBe(REG_DN); // the same logon: the row read first
      const line = moved.ad.find((c) => c.name === 'WKS-REG')!.ref.line!;
      expect(r.inputs![1]!.warnings).toEqual([
        ...given,
        `line ${line}: ${MOVED_DN} has the objectGUID 6a1e0c3d-0001-4b2a-9c8d-7e6f5a4b3c01 of ${REG_DN} (${f}:${first.ad.find((c) => c.name === 'WKS-REG')!.ref.line}): one computer moved or renamed between the exports, read as one (the row with the later logon)`,
      ]);
      expect(r.inputs![0]!.warnings).toEqual(first.summary.warnings);
      // The summaries given are not changed.
      expect(moved.summary.warnings).toEqual(given);
    });
  }
  it('keeps the row with the later logon', () => {
    const a = readExport(bytes('ad-computers.csv'), 'ad-computers.csv');
    const reg = a.ad.find((c) => c.name === 'WKS-REG')!;
    const later = {
      ...reg,
      ref: { ...reg.ref, source: 'later.csv' },
      distinguishedName: MOVED_DN,
      lastLogon: reg.lastLogon! + 86_400_000,
    };
    for (const ad of [
      [...a.ad, later],
      [later, ...a.ad],
    ]) {
      const r = reconcile({ ad, entra: entra.entra }, { now: NOW });
      const d = r.devices.filter((x) => x.name === 'WKS-REG');
      expect(d.map((x) => [x.distinguishedName, x.lastLogon])).toEqual([
        [MOVED_DN, new Date(later.lastLogon).toISOString()],
      ]);
    }
  });
});
