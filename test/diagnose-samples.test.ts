// The public samples in ../shared/samples/dsregcmd/, each with what its README says a correct
// diagnosis concludes (join type, verdict, phase, codes, the key finding).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnoseInputs } from '../src/diagnose.js';
import type { Diagnosis, JoinType, Phase, Verdict } from '../src/types.js';

const DIR = '../shared/samples/dsregcmd/';

function run(file: string): Diagnosis {
  return diagnoseInputs([{ name: file, bytes: new Uint8Array(readFileSync(DIR + file)) }]);
}

interface Case {
  file: string;
  joinType: JoinType | JoinType[];
  verdict: Verdict | Verdict[];
  phase: Phase | null | (Phase | null)[];
  /** The main finding's id and codes (hex), main code first. */
  key?: { id: string; codes?: string[]; severity?: string };
  /** Findings that must not appear. */
  absent?: string[];
}

const CASES: Case[] = [
  {
    file: '001-entra-joined-win10-lab-software-ksp.txt',
    joinType: 'entra-joined',
    verdict: 'healthy',
    phase: null,
    key: { id: 'software-key-storage', severity: 'info' },
  },
  {
    file: '003-domain-joined-ws2022-scp-missing-0x801c001d.txt',
    joinType: 'domain-joined',
    verdict: 'failed',
    phase: 'discover',
    key: { id: 'discover-phase-failed', codes: ['0x801c001d', '0x80070002'], severity: 'error' },
  },
  {
    file: '005-entra-joined-local-account-no-prt.txt',
    joinType: 'entra-joined',
    verdict: 'healthy',
    phase: null,
    key: { id: 'prt-local-account', severity: 'info' },
    absent: ['prt-missing', 'prt-attempt-failed'],
  },
  {
    file: '008-doc-old-format-hybrid-joined-keysigntest-must-run-elevated.txt',
    joinType: 'hybrid',
    verdict: 'healthy',
    phase: null,
    key: { id: 'key-sign-test-not-run', severity: 'info' },
  },
  {
    file: '009-doc-discover-fail-0x801c0021-0x80072ee2-unelevated.txt',
    joinType: ['unknown', 'domain-joined'],
    verdict: 'failed',
    phase: 'discover',
    key: { id: 'discover-phase-failed', codes: ['0x801c0021', '0x80072ee2'], severity: 'error' },
  },
  {
    file: '011-doc-join-fail-0x801c03f2-directoryerror-sync.txt',
    joinType: ['unknown', 'domain-joined'],
    verdict: ['failed', 'warning'],
    phase: 'join',
    key: { id: 'drs-device-not-found', codes: ['0x801c03f2'] },
  },
  {
    file: '013-doc-prt-fail-0xc000006d-aadsts50126.txt',
    joinType: ['unknown', 'entra-joined', 'hybrid'],
    verdict: 'failed',
    phase: 'post-join',
    key: { id: 'aadsts50126', codes: ['0xc000006d'], severity: 'error' },
  },
  {
    file: '020-workgroup-azure-vm-ama-troubleshooter-html-br.txt',
    joinType: 'not-joined',
    verdict: 'healthy',
    phase: null,
    key: { id: 'not-domain-joined', severity: 'info' },
  },
  {
    file: '023-entra-registered-personal-pc-italian-ps-banner-work-account.txt',
    joinType: 'entra-registered',
    verdict: 'healthy',
    phase: null,
    key: { id: 'entra-registered', severity: 'info' },
    absent: ['prt-missing'],
  },
  {
    file: '025-hybrid-joined-ws2016-old-format-x509certrequired-lab.txt',
    joinType: 'hybrid',
    verdict: ['warning', 'healthy'],
    phase: ['post-join', null],
    key: { id: 'prt-missing' },
    absent: ['prt-attempt-failed'],
  },
  {
    file: '031-hybrid-joined-powershell-psobject-format-list.txt',
    joinType: 'hybrid',
    verdict: 'healthy',
    phase: null,
  },
  {
    file: '036-hybrid-joined-win11-26200-lab-device-details-misaligned.txt',
    joinType: 'hybrid',
    verdict: 'healthy',
    phase: null,
  },
  {
    file: '037-hybrid-joined-prt-fail-aadsts90002-nonsynced-admin-local-upn.txt',
    joinType: 'hybrid',
    verdict: ['failed', 'warning'],
    phase: 'post-join',
    key: { id: 'aadsts90002', codes: ['0xc00000d0'] },
  },
  {
    file: '041-fragment-hybrid-pending-deviceauthstatus-failed-deleted.txt',
    joinType: 'hybrid',
    verdict: 'failed',
    phase: ['post-join', 'join'],
    key: { id: 'device-disabled-or-deleted', severity: 'error' },
  },
];

const oneOf = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

describe('public dsregcmd samples', () => {
  for (const c of CASES) {
    it(c.file, () => {
      const d = run(c.file);
      expect(oneOf(c.joinType)).toContain(d.joinType);
      expect(oneOf(c.verdict)).toContain(d.verdict);
      expect(oneOf(c.phase)).toContain(d.phase);
      if (c.key) {
        const f = d.findings.find((x) => x.id === c.key!.id);
        expect(f, `finding ${c.key.id} in ${d.findings.map((x) => x.id)}`).toBeDefined();
        if (c.key.codes) expect(f!.codes.map((x) => x.hex)).toEqual(c.key.codes);
        if (c.key.severity) expect(f!.severity).toBe(c.key.severity);
        // The most severe finding comes first.
        if (d.verdict === 'failed') expect(d.findings[0]!.severity).toBe('error');
        // Evidence cites real lines of the input.
        const lines = readFileSync(DIR + c.file, 'utf8').split(/\r?\n/);
        for (const e of f!.evidence) {
          expect(e.source).toBe(c.file);
          if (c.file.startsWith('020')) continue; // one physical line, split at <br/>
          const first = e.text.split('\n')[0]!;
          expect(lines[e.line! - 1]!.replace(/\*\*/g, '')).toContain(first.split(' : ')[0]!.trim());
        }
      }
      for (const id of c.absent ?? []) expect(d.findings.map((x) => x.id)).not.toContain(id);
    });
  }

  it('003: the SCP failure is the main finding; the WPAD failure is only a note', () => {
    const d = run('003-domain-joined-ws2022-scp-missing-0x801c001d.txt');
    expect(d.findings[0]!.id).toBe('discover-phase-failed');
    expect(d.findings[0]!.cause).toMatch(/service connection point/);
    expect(d.findings[0]!.fix!.join(' ')).toMatch(/SCP/);
    const wpad = d.findings.find((f) => f.id === 'wpad-detection-failed');
    expect(wpad?.severity).toBe('info');
    expect(wpad?.codes[0]?.hex).toBe('0x80072f94');
    // The wrapped "Auto Detect PAC Status" line was joined back together.
    expect(wpad?.evidence[0]?.text).toContain('script u\nsing WPAD');
  });

  it('009: advises a re-run elevated or as SYSTEM', () => {
    const d = run('009-doc-discover-fail-0x801c0021-0x80072ee2-unelevated.txt');
    const ctx = d.findings.find((f) => f.id === 'capture-not-elevated');
    expect(ctx?.severity).toBe('warning');
    expect(ctx?.fix?.join(' ')).toMatch(/SYSTEM/);
    expect(d.findings[0]!.fix![0]).toMatch(/enterpriseregistration\.windows\.net/);
  });

  it('011: names the unsynchronized computer object and keeps the server details', () => {
    const d = run('011-doc-join-fail-0x801c03f2-directoryerror-sync.txt');
    const f = d.findings[0]!;
    expect(f.serverErrorCode).toBe('DirectoryError');
    expect(f.title).toMatch(/not yet synchronized/);
    expect(f.codes[0]).toEqual({ hex: '0x801c03f2', name: 'DSREG_E_DIRECTORY_FAILURE', signed: -2145647630 });
    expect(f.evidence.map((e) => e.line)).toEqual([15, 16, 17, 18, 19, 20, 21, 22]);
  });

  it('013: bad credentials or a password change not yet synchronized', () => {
    const f = run('013-doc-prt-fail-0xc000006d-aadsts50126.txt').findings[0]!;
    expect(f.serverErrorCode).toBe('AADSTS50126');
    expect(f.codes[0]?.name).toBe('STATUS_LOGON_FAILURE');
    expect(f.cause).toMatch(/password/);
  });

  it('037: the .local UPN suffix is not a verified domain', () => {
    const d = run('037-hybrid-joined-prt-fail-aadsts90002-nonsynced-admin-local-upn.txt');
    const f = d.findings.find((x) => x.id === 'aadsts90002')!;
    expect(f.codes[0]?.name).toBe('STATUS_REQUEST_NOT_ACCEPTED');
    expect(f.cause).toMatch(/Administrator@corp\.local/);
    expect(d.findings.find((x) => x.id === 'join-type-inferred')).toBeDefined();
  });

  it('041: re-registration steps for a hybrid device', () => {
    const f = run('041-fragment-hybrid-pending-deviceauthstatus-failed-deleted.txt').findings[0]!;
    expect(f.fix!.join(' ')).toMatch(/dsregcmd \/debug \/leave/);
    expect(f.fix!.join(' ')).not.toMatch(/forcerecovery/);
  });

  it('023: keeps the Work Account block apart from the device fields', () => {
    const d = run('023-entra-registered-personal-pc-italian-ps-banner-work-account.txt');
    expect(d.device?.deviceId).toBeUndefined();
    expect(d.device?.name).toBe('Vagabondo');
  });
});
