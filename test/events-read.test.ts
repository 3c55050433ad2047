import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AAD_PROVIDER,
  canonicalProvider,
  fieldNames,
  nameValues,
  UDR_PROVIDER,
} from '../src/events/fields.js';
import { openEvents, readEvents, sniffEvents } from '../src/events/read.js';
import type { EventRecord } from '../src/events/types.js';
import { bytesSource, readEvtx } from '../src/evtx/index.js';
import { InputError } from '../src/types.js';

const dir = 'test/fixtures/events/';
const samples = '../shared/samples/evtx/';
const bytes = (path: string) => new Uint8Array(readFileSync(path));

describe('sniffEvents', () => {
  it('tells every fixture and sample by its content, not its name', () => {
    const kinds: Record<string, string> = {};
    for (const f of readdirSync(dir).filter((f) => !f.endsWith('.mjs') && !f.endsWith('.md'))) {
      kinds[f] = sniffEvents(bytes(dir + f));
    }
    expect(kinds).toEqual({
      'damaged.getwinevent.json': 'json',
      'damaged.wevtutil.xml': 'xml',
      'entity-bomb.xml': 'xml',
      'federated-fail.de-DE.eventviewer.csv': 'csv',
      'federated-fail.de-DE.eventviewer.xml': 'xml',
      'federated-fail.wevtutil.xml': 'xml',
      'join-fail.eventviewer.csv': 'csv',
      'join-fail.eventviewer.xml': 'xml',
      'join-fail.getwinevent.json': 'json',
      'join-fail.wevtutil.xml': 'xml',
      'libevtx-Security_short_selected.xml': 'xml',
      'libevtx-new-user-security.xml': 'xml',
      'prt-fail.getwinevent.json': 'json',
      'prt-fail.powershell.csv': 'csv',
      'prt-fail.wevtutil.xml': 'xml',
      'xxe.xml': 'xml',
    });
    for (const f of readdirSync(samples).filter((f) => f.endsWith('.evtx'))) {
      expect([f, sniffEvents(bytes(samples + f))]).toEqual([f, 'evtx']);
    }
  });

  it('says none for dsregcmd output, text, binary noise and other JSON or XML', () => {
    for (const f of readdirSync('../shared/samples/dsregcmd').filter((f) => f.endsWith('.txt'))) {
      expect([f, sniffEvents(bytes(`../shared/samples/dsregcmd/${f}`))]).toEqual([f, 'none']);
    }
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(sniffEvents(enc('{"name": "x"}'))).toBe('none');
    expect(sniffEvents(enc('<html><body>Event</body></html>'))).toBe('none');
    expect(sniffEvents(enc('<Events></Events>'))).toBe('none');
    expect(sniffEvents(new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0]))).toBe('none');
    expect(sniffEvents(new Uint8Array())).toBe('none');
  });
});

describe('openEvents errors', () => {
  it('names the old .evt format and an empty file', () => {
    const evt = new Uint8Array(48);
    evt.set([0x30, 0, 0, 0, 0x4c, 0x66, 0x4c, 0x65]);
    expect(() => openEvents(evt, { source: 'app.evt' })).toThrow(
      new InputError(
        'app.evt',
        'an .evt file (the format before Windows Vista) is not supported: open it in Event Viewer and save it as .evtx',
      ),
    );
    expect(() => openEvents(new Uint8Array(), { source: 'e' })).toThrow(
      'e: empty file: not an event log export',
    );
  });

  it('reports the kind and the text encoding it read', () => {
    expect(openEvents(bytes(`${dir}prt-fail.getwinevent.json`)).kind).toBe('json');
    expect(openEvents(bytes(`${dir}prt-fail.getwinevent.json`)).encoding).toBe('utf-16le-bom');
    expect(openEvents(bytes(`${dir}join-fail.eventviewer.xml`)).encoding).toBe('utf-8-bom');
    expect(openEvents(bytes(`${samples}system.evtx`)).encoding).toBeUndefined();
  });
});

/** libevtx zero-pads hex values (0x00000000000003e7 where Windows writes 0x3e7). */
const unpad = (v: string) => v.replace(/^0x0+(?=[0-9a-f])/i, '0x');

describe('the same records from .evtx and from XML exports of it', () => {
  for (const name of ['new-user-security', 'Security_short_selected']) {
    it(`${name}: evtxexport -f xml read as XML equals the .evtx read directly`, () => {
      const fromEvtx = [...readEvtx(bytesSource(bytes(`${samples}${name}.evtx`)))];
      const fromXml = [...readEvents(bytes(`${dir}libevtx-${name}.xml`))];
      expect(fromXml.length).toBe(fromEvtx.length);
      expect(fromXml.length).toBeGreaterThan(3);
      const norm = (r: EventRecord) => ({
        ...r,
        source: undefined,
        // A raw CR LF in XML text reads as LF (XML line-end normalisation); the .evtx keeps CR LF.
        data: Object.fromEntries(
          Object.entries(r.data).map(([k, v]) => [k, unpad(v).replace(/\r\n/g, '\n')]),
        ),
      });
      expect(fromXml.map(norm)).toEqual(fromEvtx.map(norm));
    });
  }
});

describe('fields: the field order table', () => {
  // Rows of ../shared/reference/event-logs.md for one event ID: `| 304 |` or `| **304** |`.
  const reference = readFileSync('../shared/reference/event-logs.md', 'utf8');
  function referenceFields(id: number): string[] {
    const row = reference.split('\n').find((l) => new RegExp(`^\\| (\\*\\*)?${id}(\\*\\*)? \\|`).test(l));
    if (!row) throw new Error(`no row for ${id}`);
    const last = row
      .split(' | ')
      .at(-1)!
      .replace(/\([^)]*\)/g, '');
    return [...last.matchAll(/`([A-Za-z_][\w]*)`/g)].map((m) => m[1]!);
  }

  const udr = [
    101, 102, 103, 104, 200, 201, 202, 203, 204, 212, 219, 220, 221, 304, 305, 307, 308, 309, 330, 331, 354,
  ];
  const aad = [1015, 1018, 1022, 1081, 1084, 1088, 1089, 1092, 1093, 1103, 1104, 1105, 1134, 1144, 1155];
  it('agrees with the reference notes for every single-event row of both providers', () => {
    for (const id of udr) expect([id, fieldNames(UDR_PROVIDER, id)]).toEqual([id, referenceFields(id)]);
    for (const id of aad) expect([id, fieldNames(AAD_PROVIDER, id)]).toEqual([id, referenceFields(id)]);
  });

  it('knows the providers by full name, short name, GUID and any case', () => {
    expect(canonicalProvider('User Device Registration')).toBe(UDR_PROVIDER);
    expect(canonicalProvider('microsoft-windows-aad')).toBe(AAD_PROVIDER);
    expect(canonicalProvider('{4de9bc9c-b27a-43c9-8994-0915f1a5e24f}')).toBe(AAD_PROVIDER);
    expect(canonicalProvider('Service Control Manager')).toBe('Service Control Manager');
    expect(fieldNames('AAD', 1007)).toEqual(['Status']);
    expect(fieldNames('Service Control Manager', 7000)).toBeUndefined();
  });

  it('names values by position, with #n for the ones a newer build appended', () => {
    const values = [
      'm',
      'Not Tested',
      'No',
      'Not Tested',
      'Not Tested',
      'Not Tested',
      'Yes',
      'Not Tested',
      'none',
    ];
    expect(nameValues(UDR_PROVIDER, 360, [...values, 'Not Tested', 'Not Tested', 'extra'])).toEqual({
      Message: 'm',
      DeviceIsJoined: 'Not Tested',
      AADPrt: 'No',
      NgcPolicyEnabled: 'Not Tested',
      NgcPostLogonProvisioningEnabled: 'Not Tested',
      NgcHardwarePolicyMet: 'Not Tested',
      UserIsRemote: 'Yes',
      LogonCertRequired: 'Not Tested',
      MachinePolicySource: 'none',
      UseCloudTrust: 'Not Tested',
      CloudTgt: 'Not Tested',
      '#11': 'extra',
    });
    // 304 with only three values, as some builds write it.
    expect(nameValues(UDR_PROVIDER, 304, ['-2145647630', '', 'joinMode: Join'])).toEqual({
      ExitCode: '-2145647630',
      ServerErrorMessage: '',
      TenantType: 'joinMode: Join',
    });
  });
});
