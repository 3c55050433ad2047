// Redaction on every public sample and every example: no identifier of the input survives in the
// redacted capture or in any report format, and the redacted input diagnoses exactly as the original.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { diagnoseText } from '../src/diagnose.js';
import { parseDsregcmd } from '../src/dsregcmd/parse.js';
import { decodeText } from '../src/input/decode.js';
import { loadCodeNames } from '../src/kb/names.js';
import { createRedactor, redactText } from '../src/redact/index.js';
import type { Diagnosis } from '../src/types.js';
import { memoryIO } from './helpers.js';
import { contract } from './schema.js';

const validate = contract('diagnosis');
const SAMPLES = '../shared/samples/dsregcmd/';
const EXAMPLES = 'examples/dsregcmd/';
const inputs = [
  ...readdirSync(SAMPLES)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => SAMPLES + f),
  ...readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => EXAMPLES + f),
];
const read = (path: string) => decodeText(new Uint8Array(readFileSync(path))).text;

// The fields whose values name a tenant, a device, a person, a domain or a computer.
const ID_KEYS = new Set([
  'deviceid',
  'workplacedeviceid',
  'tenantid',
  'workplacetenantid',
  'tenantname',
  'workplacetenantname',
  'devicename',
  'domainname',
  'thumbprint',
  'workplacethumbprint',
  'keycontainerid',
  'ngckeyid',
  'correlationid',
  'requestid',
  'useridentity',
  'executingaccountname',
  'settingsurl',
  'servermessage',
  'endpointuri',
  'azureadprtauthority',
  'authcodeurl',
  'enterpriseprtauthority',
]);
const GUID = /[0-9a-fx]{6,8}-[0-9a-fx]{3,4}-[0-9a-fx]{3,4}-[0-9a-fx]{4}-[0-9a-fx]{8,12}/gi;
// Public constants, the same on every device: the Microsoft Entra web account provider's GUID.
const PUBLIC = new Set(['b16898c6-a148-4967-9171-64d755da8520']);
// Values their authors already masked say nothing.
const MASKED = /^[xX*.\-\s{}]+$/;

/** The identifiers of a capture, collected from its parsed fields independently of the redactor. */
function identifiersOf(text: string): string[] {
  const ids = new Set<string>();
  const add = (v: string | undefined) => {
    const t = v?.trim().replace(/[.)]+$/, '');
    if (t && t.length >= 3 && !MASKED.test(t) && !/^(?:YES|NO|NONE)$/i.test(t)) ids.add(t);
  };
  for (const f of parseDsregcmd(text).fields) {
    for (const g of f.value.match(GUID) ?? [])
      if (!PUBLIC.has(g.toLowerCase()) && !/^[x-]+$/i.test(g)) add(g);
    if (!ID_KEYS.has(f.normKey)) continue;
    const v = f.value;
    if (/^https?:\/\//i.test(v)) {
      const seg = /^https?:\/\/[^/]+\/([^/]+)/i.exec(v)?.[1];
      if (seg?.includes('.')) add(seg);
      continue;
    }
    if (f.normKey === 'servermessage') continue;
    add(v);
    for (const part of v.split(/,\s*/)) {
      const p = part.trim();
      add(p);
      const [local, domain] = p.split('@');
      if (domain) {
        add(local!.replace(/\$$/, ''));
        add(domain);
      }
      const slash = p.split('\\');
      if (slash.length === 2) {
        if (!/^AzureAD$/i.test(slash[0]!)) add(slash[0]);
        add(slash[1]!.replace(/\$$/, ''));
      }
    }
    if (f.normKey === 'devicename' && v.includes('.')) {
      add(v.slice(0, v.indexOf('.')));
      add(v.slice(v.indexOf('.') + 1));
    }
  }
  return [...ids];
}

/** Identifiers found in a text as whole words (case-insensitive). */
function survivors(ids: string[], text: string, ignore: string[] = []): string[] {
  const lower = text.toLowerCase();
  return ids.filter((id) => {
    if (ignore.includes(id.toLowerCase())) return false;
    const needle = id.toLowerCase();
    let i = lower.indexOf(needle);
    while (i >= 0) {
      const before = lower[i - 1] ?? ' ';
      const after = lower[i + needle.length] ?? ' ';
      if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) return true;
      i = lower.indexOf(needle, i + 1);
    }
    return false;
  });
}

const shape = (d: Diagnosis) => ({
  verdict: d.verdict,
  joinType: d.joinType,
  phase: d.phase,
  findings: d.findings.map((f) => `${f.id} ${f.severity} ${f.phase} ${f.codes.map((c) => c.hex).join(',')}`),
});

describe('redaction on every public sample and example', () => {
  it('finds identifiers to check in the inputs (the test would prove nothing otherwise)', () => {
    const total = inputs.map((p) => identifiersOf(read(p)).length).reduce((a, b) => a + b, 0);
    expect(inputs.length).toBeGreaterThanOrEqual(19);
    expect(total).toBeGreaterThan(60);
    expect(identifiersOf(read(`${SAMPLES}001-entra-joined-win10-lab-software-ksp.txt`))).toEqual(
      expect.arrayContaining([
        'Win10-Client',
        '6e4cbe68-588b-499c-8c04-dcfff140a1ca',
        '0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C',
        'INE Security Labs',
        'd10f84e2-ba05-45c0-90b7-994f1fafa537',
        'user_d26zuvzj01@inesecuritylabs.onmicrosoft.com',
        'inesecuritylabs.onmicrosoft.com',
        'INEUser',
      ]),
    );
  });

  for (const path of inputs) {
    it(path, () => {
      const text = read(path);
      const ids = identifiersOf(text);
      // The matcher finds every identifier in the original (so an empty list below means something).
      expect(survivors(ids, text)).toEqual(ids);
      const redacted = redactText(text);
      expect(survivors(ids, redacted), 'identifiers left in the redacted capture').toEqual([]);
      // Same lines: line numbers in a diagnosis of the copy point at the same places.
      expect(redacted.split(/\r\n|\n|\r/).length).toBe(text.split(/\r\n|\n|\r/).length);
      // The diagnosis does not move.
      const before = diagnoseText(text, 'status.txt');
      const after = diagnoseText(redacted, 'status.txt');
      expect(shape(after)).toEqual(shape(before));
      // Error codes, phases and states are kept as they were.
      for (const code of text.match(/0x[0-9a-f]{6,8}\b/gi) ?? []) expect(redacted).toContain(code);
      for (const f of parseDsregcmd(text).fields) {
        if (/^(?:YES|NO|PASS|FAIL|SKIPPED|SUCCESS|PASSED)$/.test(f.value)) {
          expect(redacted).toContain(`${f.key}`);
        }
      }
    });
  }

  it('redacts the same value to the same pseudonym across captures, and never the same for two values', () => {
    const a = read(`${SAMPLES}001-entra-joined-win10-lab-software-ksp.txt`);
    const r = createRedactor();
    r.learn(a);
    const out = r.text(a);
    const tenants = new Set(out.match(/<tenant-\d+>/g));
    expect([...tenants]).toEqual(['<tenant-1>']);
    expect(out.match(/<tenant-1>/g)!.length).toBe(6);
    expect(out).toContain('Executing Account Name : AzureAD\\user1, user2@<domain-1>.onmicrosoft.com');
    expect(out).toContain('TenantName : <tenant-name-1>');
    // Microsoft endpoints stay.
    expect(out).toContain('JoinSrvUrl : https://enterpriseregistration.windows.net/EnrollmentServer/device/');
    expect(out).toContain('AuthCodeUrl : https://login.microsoftonline.com/<tenant-1>/oauth2/authorize');
    // Times stay unless asked.
    expect(out).toContain('AzureAdPrtUpdateTime : 2025-03-09 11:00:27.000 UTC');
  });
});

describe('diagnose --redact in every format', () => {
  for (const path of inputs) {
    it(path, async () => {
      await loadCodeNames();
      const bytes = new Uint8Array(readFileSync(path));
      const ids = identifiersOf(read(path));
      const plain = memoryIO({ 'status.txt': bytes });
      const code = await main(['diagnose', 'status.txt', '--format', 'json'], plain.io);
      for (const format of ['text', 'json', 'md', 'html']) {
        const m = memoryIO({ 'status.txt': bytes });
        expect(await main(['diagnose', 'status.txt', '--redact', '--format', format], m.io), format).toBe(
          code,
        );
        expect(m.err()).toBe('');
        // "Administrator" is a built-in account name, and a word of the project's own advice.
        expect(survivors(ids, m.out(), ['administrator']), `${format}: identifiers left`).toEqual([]);
        if (format === 'json') {
          const d = JSON.parse(m.out());
          expect(validate(d)).toBe('');
          expect(shape(d)).toEqual(shape(JSON.parse(plain.out())));
        }
      }
    });
  }

  it('--redact-times also replaces times, and the JSON stays valid', async () => {
    const bytes = new Uint8Array(readFileSync(`${SAMPLES}001-entra-joined-win10-lab-software-ksp.txt`));
    for (const format of ['json', 'md', 'html', 'text']) {
      const m = memoryIO({ 'status.txt': bytes });
      await main(['diagnose', 'status.txt', '--redact-times', '--format', format], m.io);
      expect(m.out()).not.toMatch(/20\d\d-\d\d-\d\d/);
      expect(m.out()).not.toMatch(/d10f84e2|Win10-Client/i);
      if (format === 'json') {
        const d = JSON.parse(m.out());
        expect(validate(d)).toBe('');
        expect(d.prt).toEqual({ azureAdPrt: true, enterprisePrt: false });
      }
    }
  });
});
