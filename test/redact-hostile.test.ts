// Redaction of what the shapes of real inputs allow and hostile inputs try: addresses and serial
// numbers are identifiers, odd account names are redacted rather than refused, and the work done
// grows linearly with the input, whatever it is made of.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { readEvents } from '../src/events/read.js';
import { createRedactor, redactText } from '../src/redact/index.js';
import { memoryIO } from './helpers.js';

/**
 * The work of `f`, counted: how many characters the regular-expression operations (replace, split,
 * match, matchAll, search, test) are handed while it runs. The redactor's passes are such
 * operations, so a pass that rescans text it already read shows as more characters; a pattern that
 * backtracks inside one call does not, and is caught by the test's time limit instead.
 */
function scanned(f: () => void): number {
  const proto = RegExp.prototype as unknown as Record<PropertyKey, (...args: unknown[]) => unknown>;
  const keys: PropertyKey[] = [
    Symbol.replace,
    Symbol.split,
    Symbol.match,
    Symbol.matchAll,
    Symbol.search,
    'test',
  ];
  const saved = keys.map((k) => proto[k]!);
  let chars = 0;
  keys.forEach((k, i) => {
    const original = saved[i]!;
    proto[k] = function (this: RegExp, s: unknown, ...rest: unknown[]) {
      chars += String(s).length;
      return original.call(this, s, ...rest);
    };
  });
  try {
    f();
  } finally {
    keys.forEach((k, i) => {
      proto[k] = saved[i]!;
    });
  }
  return chars;
}

describe('addresses and serial numbers', () => {
  it('replaces IPv4 and IPv6 addresses, keeping loopback, versions and OIDs', () => {
    const out = redactText(
      [
        'Proxy Server List : 10.20.30.40:8080',
        'Server Message : connect to 192.168.1.17 failed, fe80::1c2d:3e4f:5a6b:7c8d%12 and 2001:db8:85a3:0:0:8a2e:370:7334',
        'Auto-Configuration URL : http://172.16.0.5/wpad.dat',
        'Loopback : 127.0.0.1 and ::1, at 10:23:00.000 UTC',
        'JoinSrvVersion : 2.0',
        'Driver version 8.15.1.50, OID 1.3.6.1.5.5.7.3.2',
        '',
      ].join('\n'),
    );
    expect(out).not.toMatch(/10\.20\.30\.40|192\.168|fe80|2001:db8|172\.16/);
    expect(out).toContain('Proxy Server List : <ip-1>:8080');
    expect(out).toMatch(/connect to <ip-3> failed, <ip-4> and <ip-5>\n/);
    expect(out).toContain('http://<ip-2>/wpad.dat');
    expect(out).toContain('127.0.0.1 and ::1, at 10:23:00.000 UTC');
    expect(out).toContain('8.15.1.50, OID 1.3.6.1.5.5.7.3.2');
  });

  it('replaces the addresses of .evtx records', () => {
    const bytes = new Uint8Array(readFileSync('../shared/samples/evtx/Security_short_selected.evtx'));
    const records = [...readEvents(bytes)];
    const r = createRedactor();
    r.learnEvents(records);
    const json = JSON.stringify(records.map((x) => r.eventRecord(x)));
    for (const ip of ['169.46.6.101', '169.46.118.42', '23.94.153.202']) {
      expect(JSON.stringify(records)).toContain(ip);
      expect(json).not.toContain(ip);
    }
    expect(json).toMatch(/"IpAddress":"<ip-\d>"/);
  });

  it('replaces certificate serial numbers, in records and in text', () => {
    const bytes = new Uint8Array(
      readFileSync(
        '../shared/samples/evtx/E_Windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx',
      ),
    );
    const records = [...readEvents(bytes)];
    const serials = new Set(
      records
        .flatMap((x) => Object.entries(x.data).filter(([k]) => /SerialNumber/.test(k)))
        .map(([, v]) => v),
    );
    expect(serials.size).toBeGreaterThan(2);
    const r = createRedactor();
    r.learnEvents(records);
    const json = JSON.stringify(records.map((x) => r.eventRecord(x)));
    for (const s of serials) expect(json).not.toContain(s);
    // The same serial quoted in a message later is the same pseudonym.
    const [first] = serials;
    expect(r.text(`Serial ${first} revoked`)).toMatch(/^Serial <serial-\d+> revoked$/);
    expect(redactText('Serial Number: 61 33 26 1a 00 00 00 00 00 31\n')).toBe('Serial Number: <serial-1>\n');
  });
});

describe('account names that no pattern places', () => {
  const cases = [
    'Executing Account Name : CONTOSO\\müller, müller@contoso.com',
    'User Identity : Администратор@contoso.com',
    'Executing Account Name : AzureAD\\José.García, José.García@contoso.onmicrosoft.com',
  ];
  for (const line of cases) {
    it(line, async () => {
      const value = line.split(' : ')[1]!;
      const text = `AzureAdJoined : YES\n${line}\nServer Message : Failed for ${value}\n`;
      const m = memoryIO({ 's.txt': text });
      expect(await main(['redact', 's.txt'], m.io)).toBe(0);
      expect(m.out()).not.toMatch(/müller|Администратор|José|contoso/);
      expect(m.out().split('\n').length).toBe(text.split('\n').length);
    });
  }
});

describe('linear work', () => {
  // Doubling the input doubles the characters scanned (plus a constant); a pass that rescanned the
  // text for every line would quadruple them.
  it('doubling the empty lines does not quadruple the work', () => {
    const make = (n: number) =>
      `DomainName : CONTOSO\nDevice Name : PC-0042\n${'\n'.repeat(n)}TenantName : Contoso\n`;
    const w1 = scanned(() => redactText(make(100_000)));
    const w2 = scanned(() => redactText(make(200_000)));
    expect(w1).toBeGreaterThan(200_000);
    expect(w2 / w1).toBeLessThan(2.5);
  });

  it('doubling a long line does not quadruple the work', () => {
    const make = (n: number) => `Server Message : ${'a.b-c '.repeat(n)}\nDomainName : CONTOSO\n`;
    const w1 = scanned(() => redactText(make(50_000)));
    const w2 = scanned(() => redactText(make(100_000)));
    expect(w1).toBeGreaterThan(300_000);
    expect(w2 / w1).toBeLessThan(2.5);
  });

  it('a 10 MB line of any make is redacted, without overflowing the stack', () => {
    for (const run of ['a', 'a1', 'a.', 'a-', 'aB3+', 'eyJ.', 'a:', 'a\\']) {
      const body = run.repeat(Math.ceil(10_000_000 / run.length));
      const out = redactText(`DomainName : CONTOSO\nServer Message : ${body}\nTenantId : x\n`);
      expect(out, run).toMatch(/^DomainName : <domain-1>\nServer Message : <data-1>\nTenantId : x\n$/);
    }
  });

  it('redact on a file with a 10 MB line writes the copy', async () => {
    const m = memoryIO({ 'big.txt': `AzureAdJoined : YES\nServer Message : ${'x'.repeat(10_000_000)}\n` });
    expect(await main(['redact', 'big.txt'], m.io)).toBe(0);
    expect(m.out()).toBe('AzureAdJoined : YES\nServer Message : <data-1>\n');
  });
});

describe('found by the fuzzer (scripts/fuzz-redact.mjs)', () => {
  it('a computer named like an element leaves the XML markup alone', () => {
    const xml = readFileSync('test/fixtures/events/prt-fail.wevtutil.xml', 'utf8').replace(
      /<Computer>[^<]*<\/Computer>/g,
      '<Computer>EventID</Computer>',
    );
    const r = createRedactor();
    r.learn(xml);
    const out = r.text(xml, 'xml');
    expect(out).toContain('<EventID>');
    expect(out).toContain('<Computer>&lt;computer-1&gt;</Computer>');
    expect([...readEvents(new TextEncoder().encode(out))].length).toBe(
      [...readEvents(new TextEncoder().encode(xml))].length,
    );
    expect(r.leaks(out, 'xml')).toEqual([]);
  });

  it('a value named like a pseudonym ("Computer", "user") does not rewrite the pseudonyms', () => {
    const r = createRedactor();
    const text = 'Device Name : Computer\nDomainName : user\nServer Message : no reply from Computer-x\n';
    r.learn(text);
    const out = r.text(text);
    expect(out).toBe(
      'Device Name : <computer-1>\nDomainName : <domain-1>\nServer Message : no reply from Computer-x\n',
    );
    expect(r.leaks(out)).toEqual([]);
  });

  it('a TenantName of corp.local keeps its .local, which the join type is inferred from', () => {
    const out = redactText('TenantName : corp.local\nUser Identity : Administrator@corp.local\n');
    expect(out).toBe('TenantName : <tenant-name-1>.local\nUser Identity : user1@<tenant-name-1>.local\n');
  });

  it('the words of a state ("UN-ELEVATED User") stay when a name is made of them', () => {
    const out = redactText('Device Name : UN-ELEVATED\nUser Context : UN-ELEVATED User\n');
    expect(out).toBe('Device Name : <computer-1>\nUser Context : UN-ELEVATED User\n');
  });

  it('a bare onmicrosoft.com is no one; a NetBIOS domain named like a suffix (TEST) still is', () => {
    const r = createRedactor();
    const rec = {
      recordId: 1,
      time: '2026-01-01T00:00:00Z',
      provider: 'x',
      eventId: 1,
      level: 2,
      computer: 'a.onmicrosoft.com',
      data: {},
    };
    r.learnEvents([rec]);
    expect(r.eventRecord(rec).computer).toBe('<computer-1>.onmicrosoft.com');
    expect(redactText('DomainName : Test\r')).toBe('DomainName : <domain-1>\r');
  });
});

describe('names found late', () => {
  it('a name the patterns find in a later record is replaced in the earlier ones too', () => {
    const rec = (data: Record<string, string>) => ({
      recordId: 1,
      time: '2026-01-01T00:00:00Z',
      provider: 'x',
      eventId: 1,
      level: 2,
      data,
    });
    const records = [rec({ Info: 'corp\\ü' }), rec({ Info: 'see http://pc1.corp.example/x' })];
    const r = createRedactor();
    r.learnEvents(records);
    const json = JSON.stringify(r.eventRecords(records));
    expect(json).not.toMatch(/corp|pc1/);
    expect(r.leaks(json)).toEqual([]);
  });
});

describe('words the knowledge base reads', () => {
  it('a computer named like a server error code (DirectoryError) leaves the server replies alone', () => {
    const xml = readFileSync('test/fixtures/events/join-fail.eventviewer.xml', 'utf8').replace(
      /<Computer>[^<]*<\/Computer>/g,
      '<Computer>DirectoryError</Computer>',
    );
    const r = createRedactor();
    r.learn(xml);
    const out = r.text(xml, 'xml');
    expect(out).not.toContain('<Computer>DirectoryError</Computer>');
    expect(out).toContain("<Data Name='ServerErrorMessage'>DirectoryError: The public key");
  });
});
