import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { memoryIO } from './helpers.js';
import { contract } from './schema.js';

const SAMPLES = '../shared/samples/dsregcmd/';
const sample = (name: string) => new Uint8Array(readFileSync(SAMPLES + name));
const validate = contract('diagnosis');

const FILES = [
  '001-entra-joined-win10-lab-software-ksp.txt',
  '003-domain-joined-ws2022-scp-missing-0x801c001d.txt',
  '005-entra-joined-local-account-no-prt.txt',
  '008-doc-old-format-hybrid-joined-keysigntest-must-run-elevated.txt',
  '009-doc-discover-fail-0x801c0021-0x80072ee2-unelevated.txt',
  '011-doc-join-fail-0x801c03f2-directoryerror-sync.txt',
  '013-doc-prt-fail-0xc000006d-aadsts50126.txt',
  '020-workgroup-azure-vm-ama-troubleshooter-html-br.txt',
  '023-entra-registered-personal-pc-italian-ps-banner-work-account.txt',
  '025-hybrid-joined-ws2016-old-format-x509certrequired-lab.txt',
  '031-hybrid-joined-powershell-psobject-format-list.txt',
  '036-hybrid-joined-win11-26200-lab-device-details-misaligned.txt',
  '037-hybrid-joined-prt-fail-aadsts90002-nonsynced-admin-local-upn.txt',
  '041-fragment-hybrid-pending-deviceauthstatus-failed-deleted.txt',
];

describe('dsreg-doctor diagnose', () => {
  it('prints JSON valid against the contract for every sample', async () => {
    for (const f of FILES) {
      const m = memoryIO({ [f]: sample(f) });
      await main(['diagnose', f, '--format', 'json'], m.io);
      const d = JSON.parse(m.out());
      expect(validate(d), f).toBe('');
      expect(m.err()).toBe('');
    }
  });

  it('exit codes: 0 healthy, 1 failed, --fail-on moves the bar', async () => {
    const healthy = '008-doc-old-format-hybrid-joined-keysigntest-must-run-elevated.txt';
    const failed = '011-doc-join-fail-0x801c03f2-directoryerror-sync.txt';
    const warning = '025-hybrid-joined-ws2016-old-format-x509certrequired-lab.txt';
    const files = { [healthy]: sample(healthy), [failed]: sample(failed), [warning]: sample(warning) };
    expect(await main(['diagnose', healthy], memoryIO(files).io)).toBe(0);
    expect(await main(['diagnose', failed], memoryIO(files).io)).toBe(1);
    expect(await main(['diagnose', warning], memoryIO(files).io)).toBe(1);
    expect(await main(['diagnose', warning, '--fail-on', 'error'], memoryIO(files).io)).toBe(0);
    expect(await main(['diagnose', failed, '--fail-on', 'never'], memoryIO(files).io)).toBe(0);
  });

  it('text output: verdict first, no line over 80 columns except URLs, no colour when not a TTY', async () => {
    for (const f of FILES) {
      const m = memoryIO({ [f]: sample(f) });
      await main(['diagnose', f], m.io);
      const out = m.out();
      expect(out.startsWith('Verdict')).toBe(true);
      expect(out).not.toMatch(/\x1b\[/);
      for (const line of out.split('\n')) {
        if (line.length > 80) expect(line, `${f}: ${line}`).toMatch(/https?:\/\/\S+$|^\s+\S+\.txt$/);
      }
    }
  });

  it('colours a TTY unless NO_COLOR is set', async () => {
    const f = FILES[5]!;
    const tty = memoryIO({ [f]: sample(f) });
    tty.io.isTTY = true;
    await main(['diagnose', f], tty.io);
    expect(tty.out()).toMatch(/\x1b\[/);
    const nc = memoryIO({ [f]: sample(f) });
    nc.io.isTTY = true;
    nc.io.env = { NO_COLOR: '1' };
    await main(['diagnose', f], nc.io);
    expect(nc.out()).not.toMatch(/\x1b\[/);
  });

  it('reads standard input with -', async () => {
    const m = memoryIO({ '-': sample(FILES[6]!) });
    expect(await main(['diagnose', '-'], m.io)).toBe(1);
    expect(m.out()).toContain('AADSTS50126');
    expect(m.out()).toContain('    -\n');
  });

  it('reads several captures of one device in one call', async () => {
    const a = 'elevated.txt';
    const b = 'user.txt';
    const m = memoryIO({
      [a]: 'AzureAdJoined : YES\nDomainJoined : YES\nKeySignTest : PASSED\n',
      [b]: 'AzureAdPrt : NO\nAttempt Status : 0xc000006d\nServer Error Description : AADSTS50126: bad password\n',
    });
    await main(['diagnose', a, b, '--format', 'json'], m.io);
    const d = JSON.parse(m.out());
    expect(d.joinType).toBe('hybrid');
    expect(d.findings[0].id).toBe('aadsts50126');
    expect(d.findings[0].evidence[0].source).toBe(b);
    expect(d.sources).toEqual([a, b]);
  });

  it('bad input: one line on stderr, exit 2, no stack trace', async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['diagnose', 'missing.txt'], {}, /^dsreg-doctor diagnose: missing\.txt: no such file\n$/],
      [
        ['diagnose', 'list.txt'],
        { 'list.txt': 'eggs\nmilk: 2\n' },
        /^dsreg-doctor diagnose: list\.txt: neither `dsregcmd \/status` output nor an event log export/,
      ],
      [['diagnose', 'x.txt', '--now', 'yesterday'], { 'x.txt': 'AzureAdJoined : YES\n' }, /--now/],
      [
        ['diagnose', 'x.txt', '--format', 'xml'],
        { 'x.txt': 'AzureAdJoined : YES\n' },
        /Allowed choices are text, json/,
      ],
      [['diagnose'], {}, /missing required argument/],
    ];
    for (const [argv, files, re] of cases) {
      const m = memoryIO(files);
      expect(await main(argv, m.io), argv.join(' ')).toBe(2);
      expect(m.err()).toMatch(re);
      expect(m.err()).not.toMatch(/\n\s+at /);
      expect(m.out()).toBe('');
    }
  });

  it('--now accepts the dsregcmd time form and checks the PRT age against it', async () => {
    const text =
      'AzureAdJoined : YES\nDomainJoined : NO\nAzureAdPrt : YES\nAzureAdPrtUpdateTime : 2024-05-01 04:00:00.000 UTC\n';
    const m = memoryIO({ 's.txt': text });
    expect(
      await main(['diagnose', 's.txt', '--now', '2024-05-01 10:00:00.000 UTC', '--format', 'json'], m.io),
    ).toBe(1);
    expect(JSON.parse(m.out()).findings[0].id).toBe('prt-not-refreshed');
  });

  it('--help teaches the command', async () => {
    const m = memoryIO();
    expect(await main(['diagnose', '--help'], m.io)).toBe(0);
    expect(m.out()).toMatch(/--format/);
    expect(m.out()).toMatch(/Exit codes/);
    expect(m.out()).toMatch(/--now/);
  });

  it('the timeline shows the last 20 attempts and says how many more; --all shows every one, in text and Markdown', async () => {
    // 25 failed join attempts, one a minute, as `events --format json` prints them.
    const lines = Array.from({ length: 25 }, (_, i) =>
      JSON.stringify({
        source: 'udr.jsonl',
        recordId: 100 + i,
        time: new Date(Date.UTC(2026, 9, 3, 7, i)).toISOString(),
        provider: 'Microsoft-Windows-User Device Registration',
        channel: 'Microsoft-Windows-User Device Registration/Admin',
        eventId: 304,
        level: 2,
        data: { ExitCode: '-2145648606', TenantType: 'Managed', JoinType: 'sync' },
      }),
    );
    const files = { 'udr.jsonl': `${lines.join('\n')}\n` };
    const attempts = (out: string) => out.split('\n').filter((l) => /2026-10-03 07:\d\d:00.*FAILED/.test(l));
    const text = memoryIO(files);
    await main(['diagnose', 'udr.jsonl'], text.io);
    expect(attempts(text.out())).toHaveLength(20);
    expect(attempts(text.out())[0]).toMatch(/07:05:00/);
    expect(text.out()).toContain('  5 earlier attempts are not shown (--all shows every attempt).\n');
    const all = memoryIO(files);
    await main(['diagnose', 'udr.jsonl', '--all'], all.io);
    expect(attempts(all.out())).toHaveLength(25);
    expect(all.out()).not.toContain('earlier attempt');
    const md = memoryIO(files);
    await main(['diagnose', 'udr.jsonl', '-f', 'md'], md.io);
    expect(md.out()).toContain('*5 earlier attempts are not shown (--all shows every attempt).*');
    const mdAll = memoryIO(files);
    await main(['diagnose', 'udr.jsonl', '-f', 'md', '--all'], mdAll.io);
    expect(mdAll.out()).not.toContain('earlier attempt');
    expect(mdAll.out().split('07:00:00').length).toBeGreaterThan(1);
  });
});
