// One block per rule: inputs that must trigger it (with the finding id) and inputs that must not.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnoseText } from '../src/diagnose.js';
import { RULES } from '../src/rules/index.js';

interface Cases {
  rule: string;
  invalid: { text: string; id: string; severity?: string; now?: string }[];
  valid: { text: string; now?: string }[];
}

const HYBRID = 'AzureAdJoined : YES\nDomainJoined : YES\nWorkplaceJoined : NO\n';
const AADJ = 'AzureAdJoined : YES\nDomainJoined : NO\nWorkplaceJoined : NO\n';
const DJ = 'AzureAdJoined : NO\nDomainJoined : YES\n';

const CASES: Cases[] = [
  {
    rule: 'join-state',
    invalid: [
      {
        text: 'AzureAdJoined : NO\nDomainJoined : NO\nWorkplaceJoined : NO\n',
        id: 'not-domain-joined',
        severity: 'info',
      },
      { text: 'AzureAdJoined : NO\nDomainJoined : NO\nWorkplaceJoined : YES\n', id: 'entra-registered' },
      {
        text: 'AzureAdJoined : YES\nDomainJoined : YES\nWorkplaceJoined : YES\n',
        id: 'dual-state',
        severity: 'warning',
      },
      { text: `${HYBRID}EnterpriseJoined : YES\n`, id: 'enterprise-and-entra-joined' },
      { text: 'AzureAdPrt : YES\n', id: 'join-type-inferred', severity: 'info' },
    ],
    valid: [{ text: HYBRID }, { text: AADJ }],
  },
  {
    rule: 'join-failure',
    invalid: [
      { text: `${DJ}AD Connectivity Test : FAIL [0x54b]\n`, id: 'precheck-phase-failed', severity: 'error' },
      { text: `${DJ}AD Configuration Test : FAIL [0x80070002]\n`, id: 'discover-phase-failed' },
      { text: `${DJ}Token acquisition Test : FAIL [0xcaa90017]\n`, id: 'auth-phase-failed' },
      { text: `${DJ}Error Phase : auth\nClient ErrorCode : 0xcaa82ee2\n`, id: 'auth-phase-failed' },
      { text: `${DJ}Error Phase : pre-check\nClient ErrorCode : 0x80070774\n`, id: 'precheck-phase-failed' },
      {
        text: `${DJ}Error Phase : join\nClient ErrorCode : 0x801c03f2\nServer ErrorCode : DirectoryError\nServer Message : Your request is throttled temporarily. Please try after 300 seconds.\n`,
        id: 'drs-throttled',
      },
      {
        text: `${DJ}Error Phase : join\nClient ErrorCode : 0x801c03f2\nServer ErrorCode : DirectoryError\nServer Message : AADSTS90002: Tenant 11111111-0000-0000-0000-000000000000 not found.\n`,
        id: 'drs-tenant-not-found',
      },
      {
        text: `${DJ}Error Phase : join\nClient ErrorCode : 0x801c0002\nServer ErrorCode : AuthenticationError\nServer Message : The verification of the target computer's SID failed.\n`,
        id: 'drs-sid-verification',
      },
      { text: `${DJ}Error Phase : join\nClient ErrorCode : 0x80090016\n`, id: 'join-phase-failed' },
    ],
    valid: [
      { text: `${HYBRID}` },
      { text: `${DJ}AD Connectivity Test : PASS\nDRS Discovery Test : SKIPPED\n` },
    ],
  },
  {
    rule: 'hybrid-join-incomplete',
    invalid: [
      { text: DJ, id: 'hybrid-join-incomplete', severity: 'error' },
      {
        text: `${DJ}AD Connectivity Test : PASS\nToken acquisition Test : PASS\n`,
        id: 'hybrid-join-incomplete',
      },
    ],
    valid: [{ text: HYBRID }, { text: `${DJ}Error Phase : discover\nClient ErrorCode : 0x801c001d\n` }],
  },
  {
    rule: 'capture-context',
    invalid: [
      { text: `${DJ}User Context : UN-ELEVATED User\n`, id: 'capture-not-elevated', severity: 'warning' },
      { text: `${DJ}User Context : ELEVATED User\n`, id: 'capture-not-system', severity: 'info' },
    ],
    valid: [{ text: `${DJ}User Context : SYSTEM\n` }],
  },
  {
    rule: 'sync-join-fallback-disabled',
    invalid: [{ text: `${DJ}Fallback to Sync-Join : DISABLED\n`, id: 'sync-join-fallback-disabled' }],
    valid: [{ text: `${DJ}Fallback to Sync-Join : ENABLED\n` }],
  },
  {
    rule: 'device-auth-status',
    invalid: [
      {
        text: `${AADJ}DeviceAuthStatus : FAILED. Device is either disabled or deleted.\n`,
        id: 'device-disabled-or-deleted',
      },
      {
        text: `${AADJ}DeviceAuthStatus : FAILED. ERROR\n`,
        id: 'device-auth-status-unknown',
        severity: 'warning',
      },
    ],
    valid: [{ text: `${AADJ}DeviceAuthStatus : SUCCESS\n` }],
  },
  {
    rule: 'key-sign-test',
    invalid: [
      { text: `${HYBRID}KeySignTest : FAILED 0x80090016\n`, id: 'key-sign-test-failed', severity: 'error' },
      {
        text: `${HYBRID}KeySignTest: : MUST Run elevated to test.\n`,
        id: 'key-sign-test-not-run',
        severity: 'info',
      },
    ],
    valid: [{ text: `${HYBRID}KeySignTest : PASSED\n` }, { text: `${HYBRID}KeySignTest: : PASSED\n` }],
  },
  {
    rule: 'aad-recovery-enabled',
    invalid: [{ text: `${HYBRID}AadRecoveryEnabled : YES\n`, id: 'aad-recovery-enabled' }],
    valid: [{ text: `${HYBRID}AadRecoveryEnabled: NO\n` }],
  },
  {
    rule: 'device-certificate-validity',
    invalid: [
      {
        text: `${AADJ}DeviceCertificateValidity : [ 2014-01-01 00:00:00.000 UTC -- 2024-01-01 00:00:00.000 UTC ]\n`,
        id: 'device-certificate-expired',
        now: '2025-01-01T00:00:00Z',
      },
      {
        text: `${AADJ}DeviceCertificateValidity : [ 2026-01-01 00:00:00.000 UTC -- 2036-01-01 00:00:00.000 UTC ]\n`,
        id: 'device-certificate-not-yet-valid',
        now: '2025-01-01T00:00:00Z',
      },
    ],
    valid: [
      {
        text: `${AADJ}DeviceCertificateValidity : [ 2020-01-01 00:00:00.000 UTC -- 2030-01-01 00:00:00.000 UTC ]\n`,
        now: '2025-01-01T00:00:00Z',
      },
      // Without a capture time the dates are not judged (never against the wall clock).
      {
        text: `${AADJ}DeviceCertificateValidity : [ 2014-01-01 00:00:00.000 UTC -- 2024-01-01 00:00:00.000 UTC ]\n`,
      },
    ],
  },
  {
    rule: 'prt-attempt-failed',
    invalid: [
      {
        text: `${HYBRID}AzureAdPrt : NO\nAttempt Status : 0xc000023c\nHTTP Error : 0x2ee2\n`,
        id: 'prt-attempt-failed',
        severity: 'error',
      },
      {
        text: `${AADJ}AzureAdPrt : NO\nAttempt Status : 0xc000006d\nServer Error Code : invalid_grant\nServer Error Description : AADSTS50155: Device authentication failed.\n`,
        id: 'aadsts50155',
      },
      {
        text: `${AADJ}AzureAdPrt : NO\nAttempt Status : 0xc000006d\nServer Error Description : AADSTS50034: The user account {EmailHidden} does not exist in the tenant.\n`,
        id: 'aadsts50034',
      },
    ],
    valid: [{ text: `${HYBRID}AzureAdPrt : YES\n` }],
  },
  {
    rule: 'prt-missing',
    invalid: [{ text: `${HYBRID}AzureAdPrt : NO\n`, id: 'prt-missing', severity: 'warning' }],
    valid: [
      { text: `${HYBRID}AzureAdPrt : YES\n` },
      { text: 'AzureAdJoined : NO\nDomainJoined : NO\nWorkplaceJoined : YES\nAzureAdPrt : NO\n' },
      { text: `${DJ}AzureAdPrt : NO\n` },
    ],
  },
  {
    rule: 'prt-not-refreshed',
    invalid: [
      {
        text: `${HYBRID}AzureAdPrt : YES\nAzureAdPrtUpdateTime : 2024-05-01 04:00:00.000 UTC\n`,
        id: 'prt-not-refreshed',
        now: '2024-05-01T09:00:00Z',
      },
      {
        text: `${HYBRID}AzureAdPrt : YES\nAzureAdPrtUpdateTime : 2024-05-01 04:00:00.000 UTC\nAzureAdPrtExpiryTime : 2024-05-15 04:00:00.000 UTC\n`,
        id: 'prt-expired',
        now: '2024-06-01T00:00:00Z',
      },
    ],
    valid: [
      {
        text: `${HYBRID}AzureAdPrt : YES\nAzureAdPrtUpdateTime : 2024-05-01 04:00:00.000 UTC\n`,
        now: '2024-05-01T07:59:00Z',
      },
      { text: `${HYBRID}AzureAdPrt : YES\nAzureAdPrtUpdateTime : 2024-05-01 04:00:00.000 UTC\n` },
    ],
  },
  {
    rule: 'enterprise-prt-missing',
    invalid: [
      {
        text: `${HYBRID}AzureAdPrt : YES\nEnterprisePrt : NO\nEnterprisePrtAuthority : https://fs.fabrikam.example:443/adfs\n`,
        id: 'enterprise-prt-missing',
      },
    ],
    valid: [{ text: `${HYBRID}AzureAdPrt : YES\nEnterprisePrt : NO\nEnterprisePrtAuthority :\n` }],
  },
  {
    rule: 'software-key-storage',
    invalid: [
      {
        text: `${AADJ}KeyProvider : Microsoft Software Key Storage Provider\nTpmProtected : NO\n`,
        id: 'software-key-storage',
      },
    ],
    valid: [{ text: `${AADJ}KeyProvider : Microsoft Platform Crypto Provider\nTpmProtected : YES\n` }],
  },
  {
    rule: 'wpad-detection-failed',
    invalid: [
      {
        text: `${DJ}Auto Detect PAC Status : Failed to auto detect the PAC script using WPAD. code: 0x80072f94\n`,
        id: 'wpad-detection-failed',
      },
    ],
    valid: [{ text: `${DJ}Auto Detect Settings : YES\n` }],
  },
];

describe('rules', () => {
  it('every rule has tests (here, or in test/story.test.ts for the event-log rules), and a kebab-case id', () => {
    const story = readFileSync('test/story.test.ts', 'utf8');
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      if (CASES.some((c) => c.rule === rule.id)) continue;
      expect(story, rule.id).toContain(`'${rule.id}'`);
    }
  });

  for (const c of CASES) {
    describe(c.rule, () => {
      const rule = RULES.find((r) => r.id === c.rule)!;
      for (const [i, inv] of c.invalid.entries()) {
        it(`triggers: ${inv.id} (#${i})`, () => {
          const d = diagnoseText(inv.text, 't', inv.now ? { now: inv.now } : {});
          const f = d.findings.find((x) => x.id === inv.id);
          expect(f, `${inv.id} in ${d.findings.map((x) => x.id)}`).toBeDefined();
          if (inv.severity) expect(f!.severity).toBe(inv.severity);
          expect(f!.evidence.length).toBeGreaterThan(0);
          expect(f!.docs?.length).toBeGreaterThan(0);
          expect(f!.title.length).toBeGreaterThan(10);
          // The finding comes from this rule alone.
          const only = diagnoseText(inv.text, 't', { rules: [rule], ...(inv.now ? { now: inv.now } : {}) });
          expect(only.findings.map((x) => x.id)).toContain(inv.id);
        });
      }
      for (const [i, v] of c.valid.entries()) {
        it(`stays quiet (#${i})`, () => {
          const d = diagnoseText(v.text, 't', { rules: [rule], ...(v.now ? { now: v.now } : {}) });
          expect(d.findings.filter((f) => f.id !== 'join-type-inferred')).toEqual([]);
        });
      }
    });
  }

  it('decodes the WinHTTP error of a PRT attempt as a sub-code', () => {
    const d = diagnoseText(`${HYBRID}AzureAdPrt : NO\nAttempt Status : 0xc000023c\nHTTP Error : 0x2ee2\n`);
    expect(d.findings[0]!.codes.map((c) => c.hex)).toEqual(['0xc000023c', '0x2ee2']);
    expect(d.findings[0]!.codes[1]!.name).toBe('ERROR_WINHTTP_TIMEOUT');
  });
});
