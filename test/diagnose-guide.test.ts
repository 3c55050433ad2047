// The dsregcmd examples printed in the troubleshooting guide itself (test/fixtures/guide/).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnoseText } from '../src/diagnose.js';

const load = (name: string) => readFileSync(`test/fixtures/guide/${name}`, 'utf8');

describe('the guide examples', () => {
  it('step 1: a hybrid joined device is healthy; the key test simply was not run', () => {
    const d = diagnoseText(load('step1-hybrid-joined-status.txt'), 'step1');
    expect(d.joinType).toBe('hybrid');
    expect(d.verdict).toBe('healthy');
    expect(d.phase).toBeNull();
    expect(d.findings.map((f) => f.id)).toEqual(['key-sign-test-not-run']);
    expect(d.device).toMatchObject({
      domainName: 'CONTOSO',
      deviceId: '5820fbe9-60c8-43b0-bb11-44aee233e4e7',
    });
    expect(d.prt?.azureAdPrt).toBe(true);
  });

  it('step 3: the previous registration names the join phase and DirectoryError', () => {
    for (const f of ['step3-previous-registration-join-fail.txt', 'join-phase-previous-registration.txt']) {
      const d = diagnoseText(load(f), f);
      expect(d.phase).toBe('join');
      expect(d.verdict).toBe('failed');
      expect(d.findings[0]!.id).toBe('drs-device-not-found');
      expect(d.findings[0]!.codes.map((c) => c.hex)).toEqual(['0x801c03f2']);
      expect(d.findings[0]!.serverErrorCode).toBe('DirectoryError');
    }
  });

  it('discover: DRS Discovery Test FAIL [0x801c0021/0x80072ee2]', () => {
    const d = diagnoseText(load('discover-drs-discovery-test-fail.txt'), 'x');
    expect(d.phase).toBe('discover');
    expect(d.findings[0]!.codes.map((c) => c.name)).toEqual([
      'DSREG_AUTOJOIN_DISC_FAILED',
      'WININET_E_TIMEOUT',
    ]);
    // The pre-join diagnostics exist only on a domain-joined device that is not hybrid joined.
    expect(d.joinType).toBe('domain-joined');
  });

  it('post-join step 1: a PRT, checked against the four-hour rule only when given a time', () => {
    const text = load('prt-step1-sso-state-yes.txt');
    const none = diagnoseText(text, 'x');
    expect(none.verdict).toBe('healthy');
    expect(none.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(none.nextSteps?.join(' ')).toMatch(/--now/);
    expect(diagnoseText(text, 'x', { now: '2020-07-13T01:00:00Z' }).findings.map((f) => f.id)).not.toContain(
      'prt-not-refreshed',
    );
    const late = diagnoseText(text, 'x', { now: '2020-07-13T03:00:00Z' });
    const f = late.findings.find((x) => x.id === 'prt-not-refreshed');
    expect(f?.severity).toBe('warning');
    expect(f?.title).toMatch(/4 hours/);
    expect(late.verdict).toBe('warning');
  });

  it('post-join step 2: Attempt Status 0xc000006d with AADSTS50126', () => {
    const d = diagnoseText(load('prt-step2-attempt-status-logon-failure.txt'), 'x');
    expect(d.phase).toBe('post-join');
    const f = d.findings[0]!;
    expect(f.id).toBe('aadsts50126');
    expect(f.codes[0]).toMatchObject({
      hex: '0xc000006d',
      name: 'STATUS_LOGON_FAILURE',
      signed: -1073741715,
    });
    expect(f.evidence.map((e) => e.text)).toContain('Server Error Code : invalid_grant');
    expect(d.nextSteps?.join(' ')).toMatch(/1006/);
  });
});
