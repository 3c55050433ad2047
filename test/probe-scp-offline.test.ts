import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../src/input/decode.js';
import { parseKeywords, scpDn } from '../src/probe/scp.js';
import { checkScpFile, sniffScpFile } from '../src/probe/scp-offline.js';

const read = (name: string) =>
  decodeText(new Uint8Array(readFileSync(`test/fixtures/probe/scp/${name}`))).text;

describe('parseKeywords', () => {
  it('reads azureADId and azureADName, case-insensitively', () => {
    expect(
      parseKeywords([
        'AzureADName:Contoso.com',
        'azureADId: 8E2F4D1C-3B6A-4C7E-9F10-2A5B6C7D8E9F',
        'other:x',
      ]),
    ).toEqual({
      tenantId: '8e2f4d1c-3b6a-4c7e-9f10-2a5b6c7d8e9f',
      tenantName: 'contoso.com',
      malformed: [],
    });
  });
  it('keeps values that cannot be used', () => {
    expect(parseKeywords(['azureADId:not-a-guid', 'azureADName:'])).toEqual({
      malformed: ['azureADId:not-a-guid', 'azureADName:'],
    });
  });
  it('builds the SCP DN under the configuration naming context', () => {
    expect(scpDn('CN=Configuration,DC=contoso,DC=com')).toBe(
      'CN=62a0ff2e-97b9-4513-943f-0d221bd30080,CN=Device Registration Configuration,CN=Services,CN=Configuration,DC=contoso,DC=com',
    );
  });
});

describe('checkScpFile', () => {
  it('reads an ldifde export (folded lines, base64 value)', () => {
    const text = read('ldifde-contoso.ldf');
    expect(sniffScpFile(text)).toBe('ad-export');
    const r = checkScpFile('scp.ldf', text);
    expect(r.facts).toMatchObject({
      kind: 'ad',
      tenantId: '8e2f4d1c-3b6a-4c7e-9f10-2a5b6c7d8e9f',
      tenantName: 'contoso.com',
      line: 15,
    });
    expect(r.findings.map((f) => f.id)).toEqual(['probe-scp-found']);
    expect(r.findings[0]?.evidence.map((e) => e.line)).toEqual([15, 16]);
  });

  it('reads Get-ADObject output written by PowerShell 5.1 (UTF-16LE)', () => {
    const r = checkScpFile('scp.txt', read('get-adobject-fabrikam.txt'));
    expect(r.facts).toMatchObject({
      tenantId: '5b1a9c3e-7d2f-4e8a-b6c4-0f9e8d7c6b5a',
      tenantName: 'contoso.com',
    });
    expect(r.findings[0]?.evidence[0]).toMatchObject({ source: 'scp.txt', line: 4 });
  });

  it('refuses values cut short by Format-Table', () => {
    const r = checkScpFile('t.txt', read('get-adobject-table-truncated.txt'));
    expect(r.facts).toBeUndefined();
    expect(r.findings.map((f) => f.id)).toEqual(['probe-scp-file-truncated']);
  });

  it('reads the client-side SCP from a reg export (UTF-16LE with BOM)', () => {
    const text = read('cdj-aad.reg');
    expect(sniffScpFile(text)).toBe('registry');
    const r = checkScpFile('cdj.reg', text);
    expect(r.facts).toMatchObject({
      kind: 'registry',
      tenantId: '8e2f4d1c-3b6a-4c7e-9f10-2a5b6c7d8e9f',
      tenantName: 'contoso.com',
      line: 4,
    });
    expect(r.findings.map((f) => f.id)).toEqual(['probe-scp-registry-found']);
  });

  it('reads reg query output of the key', () => {
    const r = checkScpFile('q.txt', read('reg-query-cdj-aad.txt'));
    expect(r.facts).toMatchObject({ kind: 'registry', tenantName: 'contoso.onmicrosoft.com' });
  });

  it('says so when the export has no CDJ\\AAD values', () => {
    const r = checkScpFile('cdj.reg', read('cdj-no-aad.reg'));
    expect(r.facts).toBeUndefined();
    expect(r.findings.map((f) => `${f.id} ${f.severity}`)).toEqual(['probe-scp-registry-absent info']);
  });

  it('flags a half-filled SCP and an unrelated file', () => {
    const half = checkScpFile('half.ldf', 'dn: CN=x\nkeywords: azureADName:contoso.com\n');
    expect(half.findings.map((f) => `${f.id} ${f.severity}`)).toEqual(['probe-scp-malformed error']);
    expect(half.findings[0]?.title).toContain('lacks azureADId');
    expect(half.findings[0]?.codes[0]?.hex).toBe('0x801c001d');
    const other = checkScpFile('notes.txt', 'hello');
    expect(other.findings.map((f) => f.id)).toEqual(['probe-scp-file-unrecognised']);
  });
});
