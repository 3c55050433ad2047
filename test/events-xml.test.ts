import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readEvents } from '../src/events/read.js';
import type { EventRecord, ReadWarning } from '../src/events/types.js';
import { parseEventXml, xmlSearchWork } from '../src/events/xml.js';
import { InputError } from '../src/types.js';

const dir = 'test/fixtures/events/';
const bytes = (name: string) => new Uint8Array(readFileSync(dir + name));

function read(name: string) {
  const warnings: ReadWarning[] = [];
  const records = [...readEvents(bytes(name), { source: name, onWarning: (w) => warnings.push(w) })];
  return { records, warnings };
}

const byId = (records: EventRecord[], id: number) => records.find((r) => r.recordId === id)!;

describe('wevtutil qe /f:xml', () => {
  const { records, warnings } = read('join-fail.wevtutil.xml');

  it('reads every event of a root-less run of <Event> elements, in order, without warnings', () => {
    expect(warnings).toEqual([]);
    expect(records.map((r) => [r.recordId, r.eventId])).toEqual([
      [41, 4096],
      [42, 201],
      [43, 304],
      [44, 4096],
      [45, 101],
      [46, 102],
      [47, 204],
      [48, 304],
    ]);
  });

  it('maps System and EventData to the contract, keeping the 100 ns time and the raw values', () => {
    expect(byId(records, 47)).toEqual({
      source: 'join-fail.wevtutil.xml',
      recordId: 47,
      time: '2026-10-03T08:58:32.4402817Z',
      provider: 'Microsoft-Windows-User Device Registration',
      channel: 'Microsoft-Windows-User Device Registration/Admin',
      eventId: 204,
      level: 2,
      computer: 'WKS-0417.corp.contoso.example',
      data: {
        ExitCode: '-2145647630',
        ActivityId: '{C1E5F0A2-7D34-4B8E-9F21-6A0D3B5C8E47}',
        HttpStatus: '400',
        ServerResponse:
          '{"ErrorType":"DirectoryError","Message":"The public key user certificate is not found on the device object with id: (0f3c9a71-5b2e-4d8a-a6c4-93e1b7d2f058).","TraceId":"b47d21e9-3c5a-4f06-8e92-1d7a6c0b5f34","Time":"10-03-2026 08:58:32Z"}',
      },
    });
  });

  it('keeps empty values and multi-line values (CR LF) exactly', () => {
    expect(byId(records, 42).data).toEqual({ ExitCode: '-2147012894', HttpStatus: '0', ServerMessage: '' });
    const debug = byId(records, 48).data.DebugOutput!;
    expect(debug.split('\r\n').slice(0, 7)).toEqual([
      'joinMode: Join',
      'drsInstance: azure',
      'registrationType: sync',
      'tenantType: managed',
      'tenantId: 5a8e2c4b-0d1f-4e63-9b7a-2c6f81d04e19',
      'configLocation: undefined',
      'errorPhase: join',
    ]);
  });

  it('gives events without EventData an empty data map and no message', () => {
    expect(byId(records, 41).data).toEqual({});
    expect(byId(records, 41).message).toBeUndefined();
  });
});

describe('Event Viewer "Save as XML" (RenderingInfo)', () => {
  it('reads the same records as wevtutil and keeps the rendered message', () => {
    const ev = read('join-fail.eventviewer.xml');
    const wev = read('join-fail.wevtutil.xml');
    expect(ev.warnings).toEqual([]);
    expect(ev.records.map(({ message, source, ...r }) => r)).toEqual(
      wev.records.map(({ source, ...r }) => r),
    );
    const m = byId(ev.records, 48).message!;
    expect(
      m.startsWith(
        'Automatic registration failed at join phase. \r\nExit code: Unknown HResult Error code: 0x801c03f2',
      ),
    ).toBe(true);
    expect(byId(ev.records, 41).message).toBe('The automatic device registration task will be triggered.');
  });

  it('reads a German export in UTF-16LE with a BOM, message in German, values untouched', () => {
    const bom = bytes('federated-fail.de-DE.eventviewer.xml');
    expect([bom[0], bom[1]]).toEqual([0xff, 0xfe]);
    const { records, warnings } = read('federated-fail.de-DE.eventviewer.xml');
    expect(warnings).toEqual([]);
    expect(records.map((r) => r.eventId)).toEqual([4096, 305, 304]);
    const r305 = records[1]!;
    expect(r305.message).toMatch(
      /^Fehler bei der automatischen Registrierung in der Authentifizierungsphase\./,
    );
    expect(records[0]!.message).toBe('Die Aufgabe zur automatischen Geräteregistrierung wird ausgelöst.');
    expect(r305.data.ExitCode).toBe('-894894036');
    expect(r305.data.TenantName).toBe('fabrikam.example');
    expect(r305.data.ServerErrorMessage).toContain('AdalErrorCode: 0xcaa9002c\r\n');
    // The same events as wevtutil wrote them.
    const plain = read('federated-fail.wevtutil.xml').records;
    expect(records.map(({ message, source, ...r }) => r)).toEqual(plain.map(({ source, ...r }) => r));
  });
});

describe('XML security', () => {
  it('refuses an XXE payload with a clear error and expands nothing', () => {
    let error: unknown;
    let count = 0;
    try {
      for (const _ of readEvents(bytes('xxe.xml'), { source: 'xxe.xml' })) count++;
    } catch (e) {
      error = e;
    }
    expect(count).toBe(0);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(
      'xxe.xml:2: refused: the XML declares a DTD or entities (<!DOCTYPE/<!ENTITY); event exports never do, and they are not expanded',
    );
    expect((error as Error).message).not.toContain('root:');
  });

  it('refuses an entity-expansion bomb before parsing', () => {
    expect(() => readEvents(bytes('entity-bomb.xml'), { source: 'bomb.xml' })).toThrow(
      /bomb\.xml:2: refused/,
    );
  });

  it('leaves undeclared entity references as written', () => {
    const [r] = [...parseEventXml(event(`<EventData><Data Name='x'>a &xxe; b &amp; c</Data></EventData>`))];
    expect(r!.data.x).toBe('a &xxe; b & c');
  });
});

const NS = "xmlns='http://schemas.microsoft.com/win/2004/08/events/event'";
function event(body: string, system = ''): string {
  return (
    `<Event ${NS}><System><Provider Name='Test-Provider'/><EventID>7</EventID><Level>4</Level>` +
    `<TimeCreated SystemTime='2026-10-03T04:31:02.1234567Z'/><EventRecordID>9</EventRecordID>${system}</System>${body}</Event>`
  );
}

describe('XML details', () => {
  it('decodes character references and the predefined entities', () => {
    const [r] = [
      ...parseEventXml(
        event(
          `<EventData><Data Name='m'>line1&#13;&#10;line2&#xD;&#xA;&lt;b&gt; &quot;q&quot; &apos;a&apos; &#x1F600; &#0;</Data></EventData>`,
        ),
      ),
    ];
    expect(r!.data.m).toBe('line1\r\nline2\r\n<b> "q" \'a\' 😀 \ufffd');
  });

  it('names unnamed Data #0, #1, ... and keeps Binary', () => {
    const [r] = [
      ...parseEventXml(
        event('<EventData><Data>first</Data><Data>second</Data><Binary>0A0B</Binary></EventData>'),
      ),
    ];
    expect(r!.data).toEqual({ '#0': 'first', '#1': 'second', Binary: '0A0B' });
  });

  it('flattens UserData as the .evtx reader does: dotted paths, attributes as @name, repeats numbered', () => {
    const [r] = [
      ...parseEventXml(
        event(
          "<UserData><LogFileCleared xmlns='http://manifests.microsoft.com/win/2004/08/windows/eventlog'>" +
            "<SubjectUserName>admin</SubjectUserName><Item>a</Item><Item>b</Item><Empty/><Src Name='x'>t</Src></LogFileCleared></UserData>",
        ),
      ),
    ];
    expect(r!.data).toEqual({
      'LogFileCleared.SubjectUserName': 'admin',
      'LogFileCleared.Item': 'a',
      'LogFileCleared.Item#1': 'b',
      'LogFileCleared.Empty': '',
      'LogFileCleared.Src@Name': 'x',
      'LogFileCleared.Src': 't',
    });
  });

  it('keeps a field named __proto__ as data, not as a prototype', () => {
    const [r] = [...parseEventXml(event("<EventData><Data Name='__proto__'>x</Data></EventData>"))];
    expect(Object.keys(r!.data)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(r!.data, '__proto__')?.value).toBe('x');
    expect(Object.getPrototypeOf(r!.data)).toBe(Object.prototype);
  });

  it('reads python-evtx style XML: <Events> root, declaration, space-separated microsecond time, lower-case GUIDs', () => {
    const xml =
      '<?xml version="1.1" encoding="utf-8" standalone="yes" ?>\n<Events>\n<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Security-Auditing" Guid="{54849625-5478-4994-a5ba-3e3b0328c30d}"></Provider>\n' +
      '<EventID Qualifiers="">4624</EventID>\n<Level>0</Level>\n<TimeCreated SystemTime="2016-06-29 15:24:36.685999"></TimeCreated>\n<EventRecordID>112</EventRecordID>\n<Channel>Security</Channel>\n<Computer>WIN-A</Computer>\n</System>\n' +
      '<EventData><Data Name="SubjectUserSid">S-1-5-18</Data></EventData>\n</Event>\n</Events>';
    const [r] = [...parseEventXml(xml, { source: 's.xml' })];
    expect(r).toEqual({
      source: 's.xml',
      recordId: 112,
      time: '2016-06-29T15:24:36.685999Z',
      provider: 'Microsoft-Windows-Security-Auditing',
      channel: 'Security',
      eventId: 4624,
      level: 0,
      computer: 'WIN-A',
      data: { SubjectUserSid: 'S-1-5-18' },
    });
  });

  it('accepts a namespace prefix on the event elements', () => {
    const xml = `<e:Event xmlns:e='http://schemas.microsoft.com/win/2004/08/events/event'><e:System><e:Provider Name='P'/><e:EventID>1</e:EventID><e:TimeCreated SystemTime='2026-01-02T03:04:05Z'/><e:EventRecordID>3</e:EventRecordID></e:System></e:Event>`;
    const [r] = [...parseEventXml(xml)];
    expect([r!.provider, r!.eventId, r!.recordId, r!.time, r!.level]).toEqual([
      'P',
      1,
      3,
      '2026-01-02T03:04:05.000Z',
      0,
    ]);
  });

  it('throws InputError for XML without any <Event>', () => {
    expect(() => parseEventXml('<Events></Events>', { source: 'e.xml' })).toThrow(
      'e.xml: no <Event> element: this XML is not an event log export',
    );
  });
});

describe('damaged XML', () => {
  it('reads every intact event and names the damaged ones with record, line and byte offset', () => {
    const { records, warnings } = read('damaged.wevtutil.xml');
    expect(records.map((r) => r.recordId)).toEqual([41, 42, 44, 45, 46, 47]);
    expect(warnings).toHaveLength(2);
    const text = readFileSync(`${dir}damaged.wevtutil.xml`, 'latin1');
    const third = text.indexOf('<Event xmlns', text.indexOf('<EventRecordID>42<'));
    expect(warnings[0]).toEqual({
      source: 'damaged.wevtutil.xml',
      code: 'xml-malformed',
      message: expect.stringMatching(/^malformed XML \(.*'Level'.*'Levl'.*\): event skipped$/),
      line: 1,
      offset: third,
      recordId: 43,
    });
    const last = text.lastIndexOf('<Event ');
    expect(warnings[1]).toEqual({
      source: 'damaged.wevtutil.xml',
      code: 'xml-event-cut-off',
      message: 'event cut off (no </Event>): skipped',
      line: text.slice(0, last).split('\n').length,
      offset: last,
      recordId: 48,
    });
  });

  it('skips events without a time or provider, and keeps one without a record ID as record 0', () => {
    const warnings: ReadWarning[] = [];
    const xml =
      `<Event><System><Provider Name='P'/><EventID>1</EventID><EventRecordID>5</EventRecordID></System></Event>` +
      `<Event><System><EventID>1</EventID><TimeCreated SystemTime='2026-01-02T03:04:05Z'/></System></Event>` +
      `<Event><System><Provider Name='P'/><EventID>2</EventID><TimeCreated SystemTime='2026-01-02T03:04:05Z'/><EventRecordID></EventRecordID></System></Event>` +
      '<Event/>';
    const records = [...parseEventXml(xml, { source: 'x', onWarning: (w) => warnings.push(w) })];
    expect(records.map((r) => [r.eventId, r.recordId])).toEqual([[2, 0]]);
    expect(warnings.map((w) => w.message)).toEqual([
      'event without a readable TimeCreated SystemTime: skipped',
      'event without a readable Provider Name: skipped',
      'event without a readable EventRecordID (""): kept as record 0',
      'empty <Event/> element skipped',
    ]);
  });

  it('stays linear on a file of unclosed events', { timeout: 60_000 }, () => {
    // The work is counted, not timed: the characters the searches for starts and ends pass over.
    const searched = (events: number) => {
      const xml = "<Event xmlns='x'><System>".repeat(events);
      let n = 0;
      const before = xmlSearchWork.characters;
      const records = [...parseEventXml(xml, { onWarning: () => n++ })];
      expect(records).toEqual([]);
      expect(n).toBe(events);
      return { work: xmlSearchWork.characters - before, length: xml.length };
    };
    const small = searched(25_000);
    const large = searched(50_000);
    expect(large.work).toBeGreaterThan(0);
    // Each character is passed over a bounded number of times, and twice the text is twice the work.
    expect(large.work).toBeLessThanOrEqual(4 * large.length);
    expect(large.work).toBeLessThanOrEqual(2.1 * small.work);
  });
});
