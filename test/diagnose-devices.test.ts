// Different devices are different diagnoses: inputs are grouped by device before evidence
// (DeviceId, else the device's name, else the Computer of event records), and each device is
// diagnosed on its own, by the library and by the CLI.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze, groupingWork } from '../src/analyze.js';
import { nodeIO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { analyzeInputs, diagnose, diagnoseInputs } from '../src/diagnose.js';
import type { Diagnosis } from '../src/types.js';
import { memoryIO } from './helpers.js';
import { contract } from './schema.js';

const SAMPLES = '../shared/samples/dsregcmd/';
const bytes = (path: string) => new Uint8Array(readFileSync(path));
const input = (name: string, path = SAMPLES + name) => ({ name, bytes: bytes(path) });
const text = (name: string, t: string) => ({ name, bytes: new TextEncoder().encode(t) });
const validate = contract('diagnosis');
const ids = (d: Diagnosis) => d.findings.map((f) => `${f.severity}:${f.id}`);

// Two pairs of public samples of different devices, each pair chosen because merging them goes wrong:
// 003 + 036 merged shows a warning that neither has and a wrong join type; 001 + 005 merged loses
// 005's finding about the local account.
const SCP_MISSING = '003-domain-joined-ws2022-scp-missing-0x801c001d.txt';
const WIN11_HYBRID = '036-hybrid-joined-win11-26200-lab-device-details-misaligned.txt';
const ENTRA_KSP = '001-entra-joined-win10-lab-software-ksp.txt';
const LOCAL_ACCOUNT = '005-entra-joined-local-account-no-prt.txt';

function cliIO(files: Record<string, Uint8Array | string>) {
  return memoryIO(files);
}

describe('analyze: inputs grouped by device', () => {
  it('two captures of different devices are two devices, in input order', () => {
    const a = analyze([input(SCP_MISSING), input(WIN11_HYBRID)]);
    expect(a.devices.map((d) => d.identity)).toEqual([
      { name: 'rcmlab-ws2022-s.rcmlab.local' },
      { deviceId: '4785a6bd-534b-476d-b779-37782e2b7ff0', name: 'corppc01.corp.local' },
    ]);
    expect(a.devices.map((d) => d.inputs)).toEqual([[SCP_MISSING], [WIN11_HYBRID]]);
  });

  it('each device is diagnosed as if it were alone: nothing lost, nothing added', () => {
    for (const pair of [
      [SCP_MISSING, WIN11_HYBRID],
      [ENTRA_KSP, LOCAL_ACCOUNT],
    ]) {
      const alone = pair.map((f) => diagnoseInputs([input(f)]));
      const grouped = analyze(pair.map((f) => input(f))).devices.map((d) => diagnose(d.evidence));
      expect(grouped).toEqual(alone);
      // What merging them did (and no longer does): findings lost or made up, not the two devices' together.
      const merged = analyzeInputs(pair.map((f) => input(f))).diagnosis;
      const both = [...new Set(alone.flatMap(ids))].sort();
      expect(ids(merged).sort()).not.toEqual(both);
    }
  });

  it('the same DeviceId is one device, whatever the names; a name joins the device that carries it', () => {
    const elevated = text(
      'system.txt',
      'AzureAdJoined : YES\nDomainJoined : YES\nDeviceId : 0f3c9a71-5b2e-4d8a-a6c4-93e1b7d2f058\nDevice Name : WKS-0417.corp.contoso.example\n',
    );
    const user = text(
      'user.txt',
      'DeviceId : 0F3C9A71-5B2E-4D8A-A6C4-93E1B7D2F058\nAzureAdPrt : NO\nAttempt Status : 0xc000006d\n',
    );
    const short = text('short.txt', 'Device Name : wks-0417\nAzureAdPrt : NO\nNgcSet : NO\n');
    const log = input('udr.xml', 'test/fixtures/events/join-fail.wevtutil.xml');
    const a = analyze([elevated, user, short, log]);
    expect(a.devices).toHaveLength(1);
    expect(a.devices[0]!.inputs).toEqual(['system.txt', 'user.txt', 'short.txt', 'udr.xml']);
    expect(a.devices[0]!.evidence.events.length).toBe(8);
    expect(a.warnings).toEqual([]);
  });

  it('two DeviceIds are two devices even under one name (a device joined again)', () => {
    const before = text(
      'before.txt',
      'DeviceId : 11111111-2222-4333-8444-555555555555\nDevice Name : PC1\nAzureAdJoined : YES\n',
    );
    const after = text(
      'after.txt',
      'DeviceId : 66666666-7777-4888-9999-aaaaaaaaaaaa\nDevice Name : PC1\nAzureAdJoined : YES\n',
    );
    expect(analyze([before, after]).devices.map((d) => d.identity.deviceId)).toEqual([
      '11111111-2222-4333-8444-555555555555',
      '66666666-7777-4888-9999-aaaaaaaaaaaa',
    ]);
  });

  it('event logs are grouped by the Computer of their records', () => {
    const a = analyze([
      input('join.xml', 'test/fixtures/events/join-fail.wevtutil.xml'),
      input('prt.json', 'test/fixtures/events/prt-fail.getwinevent.json'),
      input('join.json', 'test/fixtures/events/join-fail.getwinevent.json'),
    ]);
    expect(a.devices.map((d) => [d.identity.name, d.inputs])).toEqual([
      ['WKS-0417.corp.contoso.example', ['join.xml', 'join.json']],
      ['WKS-0388.corp.contoso.example', ['prt.json']],
    ]);
  });

  it('an input that names no device joins the only device there is', () => {
    // An Event Viewer CSV carries no Computer column.
    const a = analyze([
      input('status.txt', 'examples/dsregcmd/wks0417-join-fail-public-key-system.txt'),
      input('udr.csv', 'test/fixtures/events/join-fail.eventviewer.csv'),
    ]);
    expect(a.devices).toHaveLength(1);
    expect(a.devices[0]!.inputs).toEqual(['status.txt', 'udr.csv']);
    expect(a.warnings.filter((w) => /names no device/.test(w.message))).toEqual([]);
  });

  it('among several devices, an input that names none stands alone, with a warning', () => {
    const a = analyze([
      input(SCP_MISSING),
      input(WIN11_HYBRID),
      text('fragment.txt', 'AzureAdPrt : NO\nAttempt Status : 0xc000006d\n'),
    ]);
    expect(a.devices.map((d) => d.inputs)).toEqual([[SCP_MISSING], [WIN11_HYBRID], ['fragment.txt']]);
    expect(a.warnings).toEqual([
      {
        source: 'fragment.txt',
        message:
          'names no device (no DeviceId, Device Name or event Computer) while the inputs describe 2 devices: diagnosed on its own',
      },
    ]);
  });

  it('inputs that name no device at all are one device, as before', () => {
    const a = analyze([
      text('elevated.txt', 'AzureAdJoined : YES\nDomainJoined : YES\nKeySignTest : PASSED\n'),
      text('user.txt', 'AzureAdPrt : NO\nAttempt Status : 0xc000006d\n'),
    ]);
    expect(a.devices).toHaveLength(1);
    expect(a.devices[0]!.evidence.captures.map((c) => c.source)).toEqual(['elevated.txt', 'user.txt']);
  });
});

describe('dsreg-doctor diagnose of several devices', () => {
  it('--format json: one diagnosis per device, one per line, most severe first, none of them losing a finding', async () => {
    for (const pair of [
      [WIN11_HYBRID, SCP_MISSING],
      [ENTRA_KSP, LOCAL_ACCOUNT],
    ]) {
      const files = Object.fromEntries(pair.map((f) => [f, bytes(SAMPLES + f)]));
      const m = cliIO(files);
      await main(['diagnose', ...pair, '--format', 'json'], m.io);
      const lines = m.out().split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(2);
      const got = lines.map((l) => JSON.parse(l) as Diagnosis & { inputs: { name: string }[] });
      for (const d of got) expect(validate(d)).toBe('');
      // Each line is what the device alone prints (its inputs are its own file).
      const alone = await Promise.all(
        pair.map(async (f) => {
          const one = cliIO({ [f]: bytes(SAMPLES + f) });
          await main(['diagnose', f, '--format', 'json'], one.io);
          return JSON.parse(one.out()) as Diagnosis;
        }),
      );
      const order = { failed: 0, warning: 1, unknown: 2, healthy: 3 } as const;
      const expected = [...alone].sort((a, b) => order[a.verdict] - order[b.verdict]);
      expect(got).toEqual(expected);
    }
  });

  it('text: one report per device, each headed by the device, the failed one first; exit code of the worst', async () => {
    const files = {
      [WIN11_HYBRID]: bytes(SAMPLES + WIN11_HYBRID),
      [SCP_MISSING]: bytes(SAMPLES + SCP_MISSING),
    };
    const m = cliIO(files);
    expect(await main(['diagnose', WIN11_HYBRID, SCP_MISSING], m.io)).toBe(1);
    const out = m.out();
    expect(out.split('\n')[0]).toBe('2 devices: 1 failed, 1 healthy');
    const first = out.indexOf(
      'Device 1 of 2: rcmlab-ws2022-s.rcmlab.local\n\nVerdict    FAILED in the discover phase',
    );
    const second = out.indexOf('Device 2 of 2: corppc01.corp.local\n\nVerdict    HEALTHY');
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first);
    for (const line of out.split('\n')) {
      if (line.length > 80) expect(line).toMatch(/https?:\/\/\S+$/);
    }
    // Both healthy: 0; --fail-on never: 0 whatever the devices say.
    const healthy = cliIO({
      [ENTRA_KSP]: bytes(SAMPLES + ENTRA_KSP),
      [WIN11_HYBRID]: bytes(SAMPLES + WIN11_HYBRID),
    });
    expect(await main(['diagnose', ENTRA_KSP, WIN11_HYBRID], healthy.io)).toBe(0);
    expect(await main(['diagnose', WIN11_HYBRID, SCP_MISSING, '--fail-on', 'never'], cliIO(files).io)).toBe(
      0,
    );
  });

  it('Markdown and HTML: one section per device, headed by it, with anchors of its own', async () => {
    const files = {
      [WIN11_HYBRID]: bytes(SAMPLES + WIN11_HYBRID),
      [SCP_MISSING]: bytes(SAMPLES + SCP_MISSING),
    };
    const md = cliIO(files);
    await main(['diagnose', WIN11_HYBRID, SCP_MISSING, '--format', 'md'], md.io);
    const mdLines = md.out().split('\n');
    expect(mdLines[0]).toBe('# dsreg-doctor: 2 devices: 1 failed, 1 healthy');
    const h2 = mdLines.filter((l) => /^## /.test(l));
    expect(h2[0]).toMatch(/^## Device 1 of 2: rcmlab-ws2022-s\.rcmlab\.local: FAILED/);
    expect(h2[1]).toMatch(/^## Device 2 of 2: corppc01\.corp\.local: HEALTHY/);
    expect(mdLines.filter((l) => /^# /.test(l))).toHaveLength(1);

    const html = cliIO(files);
    await main(['diagnose', WIN11_HYBRID, SCP_MISSING, '--format', 'html'], html.io);
    const doc = html.out();
    expect(doc.match(/<!doctype html>/g)).toHaveLength(1);
    expect(doc.match(/<section class="device" id="device-\d">/g)).toEqual([
      '<section class="device" id="device-1">',
      '<section class="device" id="device-2">',
    ]);
    expect(doc).toContain('<h2 class="device-title">Device 1 of 2: rcmlab-ws2022-s.rcmlab.local</h2>');
    const anchors = [...doc.matchAll(/ id="([^"]+)"/g)].map((x) => x[1]);
    expect(new Set(anchors).size).toBe(anchors.length);
    for (const [, href] of doc.matchAll(/href="#([^"]+)"/g)) expect(anchors).toContain(href);
  });

  it('--redact: the devices are told apart and headed by their pseudonyms, nothing real left', async () => {
    const files = {
      [WIN11_HYBRID]: bytes(SAMPLES + WIN11_HYBRID),
      [SCP_MISSING]: bytes(SAMPLES + SCP_MISSING),
    };
    for (const format of ['text', 'md', 'html', 'json']) {
      const m = cliIO(files);
      expect(
        await main(['diagnose', WIN11_HYBRID, SCP_MISSING, '--redact', '--format', format], m.io),
        format,
      ).toBe(1);
      const out = m.out();
      for (const real of ['rcmlab-ws2022-s', 'corppc01', '4785a6bd-534b-476d-b779-37782e2b7ff0']) {
        expect(out.toLowerCase(), `${format}: ${real}`).not.toContain(real);
      }
      if (format === 'text') {
        expect(out.split('\n')[0]).toBe('2 devices: 1 failed, 1 healthy');
        expect(out).toMatch(/^Device 1 of 2: <computer-\d+>/m);
      }
    }
  });

  it('a folder of many devices is diagnosed device by device; "dir/" reads like "dir"', async () => {
    const run = async (path: string) => {
      let out = '';
      let err = '';
      const io = {
        ...nodeIO(),
        isTTY: false,
        columns: 80,
        env: {},
        stdout: (t: string) => {
          out += t;
        },
        stderr: (t: string) => {
          err += t;
        },
      };
      const code = await main(['diagnose', path, '--format', 'json'], io);
      return { code, out, err };
    };
    const plain = await run('examples/fleet');
    const slash = await run('examples/fleet/');
    expect(slash).toEqual(plain);
    expect(plain.code).toBe(1);
    const devices = plain.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Diagnosis & { inputs: { name: string; used: boolean }[] });
    expect(devices.map((d) => [d.device?.name, d.verdict])).toEqual([
      ['fab-lt-0042.corp.fabrikam.example', 'failed'],
      ['WKS-0417.corp.contoso.example', 'failed'],
      ['fab-lt-0107.corp.fabrikam.example', 'healthy'],
    ]);
    expect(devices[1]!.inputs.map((i) => i.name)).toEqual([
      'examples/fleet/WKS-0417/dsregcmd_status.txt',
      'examples/fleet/WKS-0417/udr-admin.xml',
    ]);
    // The capture and the log of WKS-0417 tell one failure: one finding with both evidences.
    expect(devices[1]!.findings[0]!.evidence.map((e) => e.source)).toContain(
      'examples/fleet/WKS-0417/udr-admin.xml',
    );
  });
});

describe('grouping stays linear', () => {
  it('doubling the number of devices doubles the grouping work', { timeout: 60_000 }, () => {
    const enc = new TextEncoder();
    const inputs = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        name: `pc${i}.txt`,
        // Half by DNS name, half by bare host name of other devices: every lookup path is taken.
        bytes: enc.encode(
          `Device Name : ${i % 2 ? `PC-${i}` : `PC-${i}.corp.contoso.com`}\nAzureAdJoined : YES\n`,
        ),
      }));
    // The index reads and writes the grouping counts (no clock); the timeout guards the rest.
    const work = (n: number) => {
      const before = groupingWork.steps;
      expect(analyze(inputs(n)).devices).toHaveLength(n);
      return groupingWork.steps - before;
    };
    const small = work(3000);
    const large = work(6000);
    expect(small).toBeGreaterThan(3000);
    expect(large).toBe(2 * small);
  });
});
