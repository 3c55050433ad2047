// `dsreg-doctor redact FILE|-`: a redacted copy on standard output or in a file, a summary on standard
// error, one-line errors for what it cannot redact.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { readEvents } from '../src/events/read.js';
import { memoryIO } from './helpers.js';

const sample = (name: string) => new Uint8Array(readFileSync(`../shared/samples/dsregcmd/${name}`));
const tmp = mkdtempSync(join(tmpdir(), 'dsreg-redact-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('dsreg-doctor redact', () => {
  it('writes the redacted capture to standard output and says what it replaced', async () => {
    const m = memoryIO({
      's.txt': sample('036-hybrid-joined-win11-26200-lab-device-details-misaligned.txt'),
    });
    expect(await main(['redact', 's.txt'], m.io)).toBe(0);
    expect(m.out()).toContain('               Device Name : <computer-1>.<domain-1>.local\n');
    expect(m.out()).toContain('                  DeviceId : <device-1>\n');
    expect(m.out()).not.toMatch(/4785a6bd|98BAF54E|a4f1c767|corppc01/i);
    expect(m.err()).toBe(
      'dsreg-doctor redact: replaced 1 domain, 1 computer name, 1 device ID, 1 thumbprint, 1 key ID\n',
    );
  });

  it('reads standard input, decodes UTF-16, and writes UTF-8 with the same lines', async () => {
    const text = 'AzureAdJoined : YES\r\nDomainJoined : YES\r\nDevice Name : PC-0042.corp.contoso.com\r\n';
    const utf16 = new Uint8Array(2 + text.length * 2);
    utf16.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) utf16[2 + 2 * i] = text.charCodeAt(i);
    const m = memoryIO({ '-': utf16 });
    expect(await main(['redact', '-'], m.io)).toBe(0);
    expect(m.out()).toBe(
      'AzureAdJoined : YES\r\nDomainJoined : YES\r\nDevice Name : <computer-1>.<domain-1>\r\n',
    );
  });

  it('--out writes a file, --times replaces times', async () => {
    const out = join(tmp, 'redacted.txt');
    const m = memoryIO({ 's.txt': sample('001-entra-joined-win10-lab-software-ksp.txt') });
    expect(await main(['redact', 's.txt', '--times', '--out', out], m.io)).toBe(0);
    expect(m.out()).toBe('');
    const written = readFileSync(out, 'utf8');
    expect(written).toContain('DeviceCertificateValidity : [ <time-1> -- <time-2> ]');
    expect(written).toContain('AzureAdPrtUpdateTime : <time-3>');
    expect(m.err()).toMatch(/^dsreg-doctor redact: replaced .*4 times/);
  });

  it('keeps an XML export well-formed and readable as the same records', async () => {
    const bytes = new Uint8Array(readFileSync('test/fixtures/events/join-fail.eventviewer.xml'));
    const m = memoryIO({ 'udr.xml': bytes });
    expect(await main(['redact', 'udr.xml'], m.io)).toBe(0);
    expect(m.out()).toContain('<Computer>&lt;computer-1&gt;.&lt;domain-1&gt;.example</Computer>');
    const after = [...readEvents(new TextEncoder().encode(m.out()))];
    expect(after.length).toBe([...readEvents(bytes)].length);
    expect(after.every((r) => r.computer === '<computer-1>.<domain-1>.example')).toBe(true);
  });

  it('writes the records of an .evtx as JSON lines, which read back', async () => {
    const bytes = new Uint8Array(readFileSync('../shared/samples/evtx/Security_short_selected.evtx'));
    const m = memoryIO({ 'sec.evtx': bytes });
    expect(await main(['redact', 'sec.evtx'], m.io)).toBe(0);
    const lines = m.out().trim().split('\n');
    expect(lines.length).toBe([...readEvents(bytes)].length);
    expect(JSON.parse(lines[0]!).computer).toBe('<computer-1>');
    expect(m.err()).toMatch(/sec\.evtx: an \.evtx is binary; its 7 records are written as JSON lines/);
    expect([...readEvents(new TextEncoder().encode(m.out()))].length).toBe(lines.length);
  });

  it('bad input: one line on standard error, exit 2, nothing on standard output', async () => {
    const cases: [string[], Record<string, Uint8Array | string>, RegExp][] = [
      [['redact', 'missing.txt'], {}, /^dsreg-doctor redact: missing\.txt: no such file\n$/],
      [
        ['redact', 'e.txt'],
        { 'e.txt': '' },
        /^dsreg-doctor redact: e\.txt: empty file: nothing to redact\n$/,
      ],
      [
        ['redact', 'a.zip'],
        { 'a.zip': new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]) },
        /^dsreg-doctor redact: a\.zip: /,
      ],
      [
        ['redact', 'b.bin'],
        { 'b.bin': new Uint8Array([1, 0, 2, 0, 3, 0, 0, 0, 9]) },
        /b\.bin: a binary file/,
      ],
      [['redact'], {}, /missing required argument/],
    ];
    for (const [argv, files, re] of cases) {
      const m = memoryIO(files);
      expect(await main(argv, m.io), argv.join(' ')).toBe(2);
      expect(m.err()).toMatch(re);
      expect(m.err().trim().split('\n').length).toBeLessThanOrEqual(2);
      expect(m.out()).toBe('');
    }
  });

  it('--help explains the command', async () => {
    const m = memoryIO();
    expect(await main(['redact', '--help'], m.io)).toBe(0);
    expect(m.out()).toMatch(/stable pseudonyms/);
    expect(m.out()).toMatch(/--times/);
    expect(m.out()).toMatch(/Exit codes/);
  });
});
