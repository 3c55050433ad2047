// Files of a log collection are recognised by content, never by name: captures, event exports, and the
// rest with the reason it was left out.
import { readdirSync, readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { binaryHead, classifyBundle, classifyEntry, dsregcmdFields } from '../src/input/bundle.js';

const bytes = (p: string) => new Uint8Array(readFileSync(p));
const text = (s: string) => new TextEncoder().encode(s);
const SAMPLES = '../shared/samples/dsregcmd/';

describe('classifyEntry', () => {
  it('every public dsregcmd sample is a capture, whatever its name', () => {
    for (const f of readdirSync(SAMPLES).filter((x) => x.endsWith('.txt'))) {
      const c = classifyEntry({ name: 'random-name.log', bytes: bytes(SAMPLES + f) });
      expect(c.kind, f).toBe('dsregcmd');
      expect(c.reason).toMatch(/^dsregcmd \/status output \(\d+ fields\)$/);
    }
  });

  it('every kind of event export is an event export, whatever its name', () => {
    const cases: [string, string][] = [
      ['test/fixtures/events/join-fail.wevtutil.xml', 'xml'],
      ['test/fixtures/events/join-fail.eventviewer.csv', 'csv'],
      ['test/fixtures/events/prt-fail.getwinevent.json', 'json'],
      ['../shared/samples/evtx/Security_short_selected.evtx', 'evtx'],
    ];
    for (const [path, kind] of cases) {
      const c = classifyEntry({ name: 'notes.txt', bytes: bytes(path) });
      expect(c.kind, path).toBe(kind);
      expect(c.reason).toMatch(/event log/);
    }
  });

  it('says why anything else is left out', () => {
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(0), /^empty file$/],
      [zipSync({ 'a.txt': text('x') }), /zip archive inside the bundle: not opened/],
      [text('MSCF\0\0\0\0'), /cabinet/],
      [
        new Uint8Array([0x30, 0, 0, 0, 0x4c, 0x66, 0x4c, 0x65, 1, 0, 0, 0]),
        /\.evt event log .*not supported/,
      ],
      [text('%PDF-1.7\n'), /PDF/],
      [new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0]), /program or library/],
      [bytes('test/fixtures/bundles/authlogs-wks0417/Network/nettrace.etl'), /^binary file/],
      [bytes('test/fixtures/bundles/authlogs-wks0417/Network/ipconfig_all.txt'), /^text without/],
      [text('Key : value\nOther : thing\n'), /^text without/],
    ];
    for (const [b, re] of cases) {
      const c = classifyEntry({ name: 'x', bytes: b });
      expect(c.kind).toBe('ignored');
      expect(c.reason).toMatch(re);
    }
  });

  it('a capture needs a known section or two known keys', () => {
    expect(dsregcmdFields('AzureAdJoined : YES\n')).toBe(0);
    expect(dsregcmdFields('AzureAdJoined : YES\nDomainJoined : NO\n')).toBe(2);
    expect(dsregcmdFields('+----+\n| SSO State |\n+----+\n  AzureAdPrt : NO\n')).toBe(1);
  });

  it('binaryHead tells binary heads from text in any encoding and from .evtx', () => {
    expect(binaryHead(bytes('test/fixtures/bundles/authlogs-wks0417/Network/nettrace.etl'))).toBe(true);
    expect(binaryHead(bytes('test/fixtures/bundles/authlogs-wks0417/dsregcmd_status_user.txt'))).toBe(false);
    const utf16NoBom = bytes('test/fixtures/bundles/authlogs-wks0417/dsregcmd_status_user.txt').subarray(2);
    expect(binaryHead(utf16NoBom)).toBe(false);
    expect(binaryHead(bytes('../shared/samples/evtx/system.evtx'))).toBe(false);
    expect(binaryHead(text('plain text\r\n'))).toBe(false);
  });
});

describe('classifyBundle', () => {
  it('reads the top folder first, then by name, and leaves out a copy with the name of what it copies', () => {
    const capture = bytes(`${SAMPLES}011-doc-join-fail-0x801c03f2-directoryerror-sync.txt`);
    const out = classifyBundle([
      { name: 'b/backup/status.txt', bytes: capture },
      { name: 'b/Work Account 10.txt', bytes: text('WorkplaceJoined : YES\nWorkAccountCount : 1\n') },
      { name: 'b/status.txt', bytes: capture },
      { name: 'b/Work Account 2.txt', bytes: text('WorkplaceJoined : NO\nNgcSet : NO\n') },
    ]);
    expect(out.map((c) => [c.name, c.kind])).toEqual([
      ['b/status.txt', 'dsregcmd'],
      ['b/Work Account 2.txt', 'dsregcmd'],
      ['b/Work Account 10.txt', 'dsregcmd'],
      ['b/backup/status.txt', 'ignored'],
    ]);
    expect(out[3]!.reason).toBe('same content as b/status.txt');
  });
});
