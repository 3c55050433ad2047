// The redactor's rules, one behaviour at a time, and redaction of event exports (XML, CSV, JSON, .evtx
// records): identifiers go, what the diagnosis needs stays, the export still reads as the same records.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeInputs } from '../src/diagnose.js';
import { readEvents } from '../src/events/read.js';
import { decodeText } from '../src/input/decode.js';
import { loadCodeNames } from '../src/kb/names.js';
import { createRedactor, isXml, redactText } from '../src/redact/index.js';
import type { Diagnosis } from '../src/types.js';

const EVENTS = 'test/fixtures/events/';
const readBytes = (p: string) => new Uint8Array(readFileSync(p));
const readText = (p: string) => decodeText(readBytes(p)).text;

describe('redactor rules', () => {
  it('replaces UPNs and e-mail addresses as userN@<domain-N>, keeping a non-routable suffix', () => {
    const out = redactText(
      "User Identity : Administrator@corp.local\nServer Error Description : AADSTS90002: Tenant 'corp.local' not found.\n",
    );
    expect(out).toBe(
      "User Identity : user1@<domain-1>.local\nServer Error Description : AADSTS90002: Tenant '<domain-1>.local' not found.\n",
    );
  });

  it('replaces a UPN whose at sign is percent-encoded, as in the query string of a live check', () => {
    // The user name is not distinctive enough to be chased as a word: the pattern must find it.
    const out = redactText(
      'GET https://login.microsoftonline.com/common/userrealm/?user=alice%40contoso.com&api-version=1.0: HTTP 200\n',
    );
    expect(out).toBe(
      'GET https://login.microsoftonline.com/common/userrealm/?user=user1%40<domain-1>&api-version=1.0: HTTP 200\n',
    );
  });

  it('keeps the $ of a computer account and the AzureAD prefix, and splits an FQDN device name', () => {
    const text =
      'DomainName : RCMLAB\nDevice Name : rcmlab-ws2022-s.rcmlab.local\nExecuting Account Name : RCMLAB\\RCMLAB-WS2022-S$, RCMLAB-WS2022-S$@rcmlab.local\n';
    expect(redactText(text)).toBe(
      'DomainName : <domain-1>\nDevice Name : <computer-1>.<domain-1>.local\nExecuting Account Name : <domain-1>\\<computer-1>$, <computer-1>$@<domain-1>.local\n',
    );
    expect(redactText('Executing Account Name : AzureAD\\JaneDoe, jane.doe@contoso.onmicrosoft.com\n')).toBe(
      'Executing Account Name : AzureAD\\user1, user2@<domain-1>.onmicrosoft.com\n',
    );
  });

  it('keeps codes, phases, states, Microsoft endpoints and well-known SIDs and GUIDs', () => {
    const text = [
      'AzureAdJoined : YES',
      'Error Phase : join',
      'Client ErrorCode : 0x801c03f2',
      'DRS Discovery Test : FAIL [0x801c0021/0x80072ee2]',
      'JoinSrvUrl : https://enterpriseregistration.windows.net/EnrollmentServer/device/',
      'WamDefaultGUID : {B16898C6-A148-4967-9171-64D755DA8520} (AzureAd)',
      'Diagnostics Reference : www.microsoft.com/aadjerrors',
      "<Security UserID='S-1-5-18'/>",
      '',
    ].join('\n');
    expect(redactText(text)).toBe(text);
  });

  it('replaces host names in URLs outside Microsoft, proxy lists, SIDs, thumbprints, JWTs and base64 blobs', () => {
    const out = redactText(
      [
        'EnterprisePrtAuthority : https://sts.fabrikam.example:443/adfs',
        'Auto-Configuration URL : http://wpad.corp.fabrikam.example/wpad.dat',
        'Proxy Server List : proxy01.corp.fabrikam.example:8080',
        'Proxy Bypass List : *.corp.fabrikam.example;<local>',
        'user SID S-1-5-21-3623811015-3361044348-30300820-1013 and S-1-12-1-1234-5678-91011-1213',
        'Thumbprint : 0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C',
        'AuthToken: eyJhbGciOiJSUzI1NiJ9.eyJ1cG4iOiJqb2huQGNvbnRvc28uY29tIn0.c2lnbmF0dXJl',
        'SettingsUrl : eyJVcmlzIjpbImh0dHBzOi8va2FpbGFuaS5vbmUubWljcm9zb2Z0LmNvbS8iXX0=',
        '',
      ].join('\n'),
    );
    expect(out).not.toMatch(/fabrikam|3623811015|1234-5678|0BF36D24|eyJ1cG4|eyJVcmlz/i);
    expect(out).toContain('EnterprisePrtAuthority : https://sts.<domain-1>.example:443/adfs');
    expect(out).toContain('Auto-Configuration URL : http://wpad.<domain-2>.example/wpad.dat');
    expect(out).toContain('Proxy Server List : <host-1>.<domain-2>.example:8080');
    expect(out).toContain('<local>');
    expect(out).toContain('Thumbprint : <thumbprint-1>');
    expect(out).toMatch(/<sid-1> and <sid-2>/);
    expect(out).toContain('AuthToken: <token-1>');
    expect(out).toContain('SettingsUrl : <data-1>');
  });

  it('replaces a tenant named in a sign-in URL by a GUID or by its domain', () => {
    const out = redactText(
      'AuthCodeUrl : https://login.microsoftonline.com/msitsupp.microsoft.com/oauth2/authorize\nAzureAdPrtAuthority : https://login.microsoftonline.com/96fa76d0-xxxx-xxxx-xxxx-eb60cc22xxxx\n',
    );
    expect(out).toBe(
      'AuthCodeUrl : https://login.microsoftonline.com/<domain-1>/oauth2/authorize\nAzureAdPrtAuthority : https://login.microsoftonline.com/<tenant-1>\n',
    );
  });

  it('replaces times only when asked', () => {
    const text =
      'DeviceCertificateValidity : [ 2025-03-09 10:23:00.000 UTC -- 2035-03-09 11:53:00.000 UTC ]\n';
    expect(redactText(text)).toBe(text);
    expect(redactText(text, { times: true })).toBe('DeviceCertificateValidity : [ <time-1> -- <time-2> ]\n');
    expect(
      createRedactor({ times: true, identifiers: false }).text(
        'Device Name : PC01 at 2025-03-09 10:23:00 UTC',
      ),
    ).toBe('Device Name : PC01 at <time-1>');
  });

  it('never rewrites the key of a dsregcmd line, nor the project prose of a diagnosis', () => {
    const r = createRedactor();
    r.learn('DomainName : DEVICE\nTenantName : Contoso\n');
    expect(r.text('            Device Name : x\nDomainName : DEVICE\n')).toBe(
      '            Device Name : x\nDomainName : <domain-1>\n',
    );
    const d = r.diagnosis({
      schemaVersion: 1,
      verdict: 'failed',
      joinType: 'hybrid',
      phase: 'discover',
      findings: [
        {
          id: 'x',
          severity: 'error',
          title: 'Check the CDJ\\AAD registry key',
          codes: [{ hex: '0x801c001d' }],
          evidence: [{ source: 'Contoso-status.txt', line: 3, text: 'TenantName : Contoso' }],
          fix: ['Set the CDJ\\AAD values TenantId and TenantName.'],
          docs: ['https://learn.microsoft.com/entra/identity/devices/x'],
        },
      ],
    } satisfies Diagnosis);
    const f = d.findings[0]!;
    expect(f.title).toBe('Check the CDJ\\AAD registry key');
    expect(f.fix).toEqual(['Set the CDJ\\AAD values TenantId and TenantName.']);
    expect(f.evidence[0]).toEqual({
      source: '<tenant-name-1>-status.txt',
      line: 3,
      text: 'TenantName : <tenant-name-1>',
    });
    expect(f.codes).toEqual([{ hex: '0x801c001d' }]);
  });

  it('is stable: a second pass over a redacted text changes nothing', () => {
    for (const p of [
      '../shared/samples/dsregcmd/003-domain-joined-ws2022-scp-missing-0x801c001d.txt',
      '../shared/samples/dsregcmd/001-entra-joined-win10-lab-software-ksp.txt',
      `${EVENTS}prt-fail.getwinevent.json`,
    ]) {
      const once = redactText(readText(p));
      expect(redactText(once), p).toBe(once);
    }
  });

  it('leaks() names a learned value still present, and only as a whole word', () => {
    const r = createRedactor();
    r.learn('Device Name : WKS-0417\nTenantName : Fabrikam\n');
    expect(r.leaks('all clean: <computer-1>')).toEqual([]);
    expect(r.leaks('oops WKS-0417 here')).toEqual(['WKS-0417']);
    expect(r.leaks('Fabrikamish is another word')).toEqual([]);
  });
});

describe('event exports', () => {
  const cases = [
    'join-fail.wevtutil.xml',
    'join-fail.eventviewer.xml',
    'join-fail.eventviewer.csv',
    'join-fail.getwinevent.json',
    'prt-fail.wevtutil.xml',
    'prt-fail.getwinevent.json',
    'prt-fail.powershell.csv',
    'federated-fail.wevtutil.xml',
    'federated-fail.de-DE.eventviewer.xml',
    'federated-fail.de-DE.eventviewer.csv',
  ];
  // Every identifier the generator of these fixtures put in them.
  const IDS = [
    'WKS-0417',
    'WKS-0522',
    'fabrikam.example',
    'corp.contoso.example',
    'contoso.example',
    '5a8e2c4b-0d1f-4e63-9b7a-2c6f81d04e19',
    '0f3c9a71-5b2e-4d8a-a6c4-93e1b7d2f058',
    'b47d21e9-3c5a-4f06-8e92-1d7a6c0b5f34',
    'C1E5F0A2-7D34-4B8E-9F21-6A0D3B5C8E47',
  ];

  for (const name of cases) {
    it(`${name}: no identifier left, the same records and the same diagnosis`, async () => {
      await loadCodeNames();
      const bytes = readBytes(EVENTS + name);
      const text = decodeText(bytes).text;
      const present = IDS.filter((id) => text.toLowerCase().includes(id.toLowerCase()));
      expect(present.length).toBeGreaterThan(0);
      const out = redactText(text);
      for (const id of present) expect(out.toLowerCase(), id).not.toContain(id.toLowerCase());
      // Nor any GUID but the providers' own.
      const guids = (out.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi) ?? []).map(
        (g) => g.toLowerCase(),
      );
      expect(
        guids.filter(
          (g) =>
            !['23b8d46b-67dd-40a3-b636-d43e50552c6d', '4de9bc9c-b27a-43c9-8994-0915f1a5e24f'].includes(g),
        ),
      ).toEqual([]);
      // No user name or UPN either.
      expect(out).not.toMatch(/[A-Za-z0-9._-]+@(?!<)[a-z0-9.-]+\.[a-z]{2,}/);
      expect(isXml(text)).toBe(name.endsWith('.xml'));

      const outBytes = new TextEncoder().encode(out);
      const before = [...readEvents(bytes, { source: name })];
      const after = [...readEvents(outBytes, { source: name })];
      expect(after.map((r) => [r.recordId, r.eventId, r.level, r.time])).toEqual(
        before.map((r) => [r.recordId, r.eventId, r.level, r.time]),
      );
      const d0 = analyzeInputs([{ name, bytes }]).diagnosis;
      const d1 = analyzeInputs([{ name, bytes: outBytes }]).diagnosis;
      const shape = (d: Diagnosis) => [
        d.verdict,
        d.joinType,
        d.phase,
        d.findings.map((f) => `${f.id}:${f.codes.map((c) => c.hex)}`),
        d.timeline?.map((t) => `${t.time} ${t.kind} ${t.outcome} ${t.codes.map((c) => c.hex)}`),
      ];
      expect(shape(d1)).toEqual(shape(d0));
    });
  }

  it('.evtx records: computer and user names replaced, record IDs, times and codes kept', () => {
    const bytes = readBytes('../shared/samples/evtx/Security_short_selected.evtx');
    const records = [...readEvents(bytes, { source: 'security.evtx' })];
    const r = createRedactor();
    r.learnEvents(records);
    const out = records.map((x) => r.eventRecord(x));
    const computers = new Set(records.map((x) => x.computer));
    expect(computers.size).toBeGreaterThan(0);
    for (const c of computers) expect(JSON.stringify(out)).not.toContain(c!);
    expect(out.map((x) => [x.recordId, x.time, x.eventId])).toEqual(
      records.map((x) => [x.recordId, x.time, x.eventId]),
    );
    expect(JSON.stringify(out)).toContain('0xc000006a');
  });
});
