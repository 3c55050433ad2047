import { expect } from 'vitest';
import { DJ, example, HYBRID, sample, testRule } from './tester.js';

// The dsregcmd article's failed sync join (public sample 011) as the newest builds print it: a
// Kerberos Ticket Test, a fallback sync join, and a renewal refused for a missing device object.
const RENEW_OF_DELETED_DEVICE = sample('011-doc-join-fail-0x801c03f2-directoryerror-sync.txt')
  .replace(
    '    Token acquisition Test : PASS\n',
    '    Token acquisition Test : PASS\n      Kerberos Ticket Test : FAIL [0x80090303]\n',
  )
  .replace('Registration Type : sync', 'Registration Type : fallback_sync')
  .replace(
    '          Server ErrorCode : DirectoryError\n',
    '          Server ErrorCode : DirectoryError\n       Server ErrorSubCode : error_missing_device\n          Server Operation : DeviceRenew\n',
  );

testRule('join-failure', {
  invalid: [
    {
      name: 'no domain controller',
      text: `${DJ}AD Connectivity Test : FAIL [0x54b]\n`,
      findings: ['precheck-phase-failed'],
    },
    {
      name: 'the SCP cannot be read',
      text: `${DJ}AD Configuration Test : FAIL [0x80070002]\n`,
      findings: ['discover-phase-failed'],
    },
    {
      name: 'SCP missing on Windows Server 2022 (public sample 003)',
      text: sample('003-domain-joined-ws2022-scp-missing-0x801c001d.txt'),
      findings: ['discover-phase-failed'],
      expect: (d) => {
        expect(d.phase).toBe('discover');
        expect(d.findings[0]!.codes.map((c) => c.hex)).toContain('0x801c001d');
      },
    },
    {
      name: 'discovery timed out (public sample 009)',
      text: sample('009-doc-discover-fail-0x801c0021-0x80072ee2-unelevated.txt'),
      findings: ['discover-phase-failed'],
      expect: (d) => expect(d.findings[0]!.codes.map((c) => c.hex)).toEqual(['0x801c0021', '0x80072ee2']),
    },
    {
      name: 'no token from AD FS',
      text: `${DJ}Token acquisition Test : FAIL [0xcaa90017]\n`,
      findings: ['auth-phase-failed'],
    },
    {
      name: 'a registration that failed in the auth phase',
      text: `${DJ}Error Phase : auth\nClient ErrorCode : 0xcaa82ee2\n`,
      findings: ['auth-phase-failed'],
    },
    {
      name: 'a registration that failed in pre-check',
      text: `${DJ}Error Phase : pre-check\nClient ErrorCode : 0x80070774\n`,
      findings: ['precheck-phase-failed'],
    },
    {
      name: 'throttled',
      text: `${DJ}Error Phase : join\nClient ErrorCode : 0x801c03f2\nServer ErrorCode : DirectoryError\nServer Message : Your request is throttled temporarily. Please try after 300 seconds.\n`,
      findings: ['drs-throttled'],
    },
    {
      name: 'tenant not found',
      text: `${DJ}Error Phase : join\nClient ErrorCode : 0x801c03f2\nServer ErrorCode : DirectoryError\nServer Message : AADSTS90002: Tenant 11111111-0000-0000-0000-000000000000 not found.\n`,
      findings: ['drs-tenant-not-found'],
    },
    {
      name: 'the device object is not synchronized yet (public sample 011)',
      text: sample('011-doc-join-fail-0x801c03f2-directoryerror-sync.txt'),
      findings: ['drs-device-not-found'],
      expect: (d) => expect(d.phase).toBe('join'),
    },
    {
      name: "the computer's certificate is not synchronized yet (example)",
      text: example('wks0417-join-fail-public-key-system.txt'),
      findings: ['drs-public-key-not-found'],
    },
    {
      name: 'SID verification',
      text: `${DJ}Error Phase : join\nClient ErrorCode : 0x801c0002\nServer ErrorCode : AuthenticationError\nServer Message : The verification of the target computer's SID failed.\n`,
      findings: ['drs-sid-verification'],
    },
    {
      name: 'a join-phase failure with no server message',
      text: `${DJ}Error Phase : join\nClient ErrorCode : 0x80090016\n`,
      findings: ['join-phase-failed'],
    },
    {
      name: 'a renewal refused because the device object is gone, beside a failed Kerberos Ticket Test',
      text: RENEW_OF_DELETED_DEVICE,
      findings: ['drs-renew-device-missing'],
      expect: (d) => {
        expect(d.phase).toBe('join');
        const f = d.findings.find((x) => x.id === 'drs-renew-device-missing')!;
        expect(f.phase).toBe('join');
        // One finding: the Kerberos failure is part of it, not a cause of its own.
        expect(d.findings.filter((x) => x.severity === 'error')).toHaveLength(1);
        expect(f.evidence.map((e) => e.text)).toEqual(
          expect.arrayContaining([
            'Kerberos Ticket Test : FAIL [0x80090303]',
            'Server ErrorSubCode : error_missing_device',
            'Server Operation : DeviceRenew',
            'Registration Type : fallback_sync',
          ]),
        );
        expect(f.codes.map((c) => c.hex)).toEqual(['0x801c03f2', '0x80090303']);
        expect(f.cause).toMatch(/no device object for it any more/);
        expect(f.cause).toMatch(/fell back to a sync join/);
        expect(f.cause).toMatch(/Kerberos Ticket Test failed too/);
        expect(f.cause).not.toMatch(/not yet|has not synchronized/);
        expect(f.fix!.join(' ')).toMatch(/dsregcmd \/debug \/leave/);
        expect(f.serverErrorCode).toBe('DirectoryError');
      },
    },
    {
      name: 'the same record on a device whose flags still say hybrid joined',
      text: `${HYBRID}${RENEW_OF_DELETED_DEVICE}`,
      findings: ['drs-renew-device-missing'],
    },
    {
      name: 'a fallback sync join whose device is not synchronized yet',
      text: sample('011-doc-join-fail-0x801c03f2-directoryerror-sync.txt').replace(
        'Registration Type : sync',
        'Registration Type : fallback_sync',
      ),
      findings: ['drs-device-not-found'],
      expect: (d) =>
        expect(d.findings[0]!.cause).toMatch(
          /Registration Type fallback_sync: the federated join did not succeed/,
        ),
    },
    {
      name: 'a renewal refused with another sub-code',
      text: `${DJ}Error Phase : join\nClient ErrorCode : 0x80090016\nServer ErrorSubCode : error_other\nServer Operation : DeviceRenew\n`,
      findings: ['join-phase-failed'],
      expect: (d) => {
        expect(d.findings[0]!.cause).toMatch(
          /Server Operation DeviceRenew: the device asked to renew an existing registration/,
        );
        expect(d.findings[0]!.cause).toMatch(/Server ErrorSubCode error_other/);
      },
    },
    {
      name: 'the Kerberos ticket test alone',
      text: `${DJ}Kerberos Ticket Test : FAIL [0x80090322]\n`,
      findings: ['pre-join-test-failed'],
    },
  ],
  valid: [
    { name: 'hybrid', text: HYBRID },
    {
      name: 'tests passed or skipped',
      text: `${DJ}AD Connectivity Test : PASS\nDRS Discovery Test : SKIPPED\n`,
    },
  ],
});
