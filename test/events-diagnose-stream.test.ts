// `diagnose` on a large event log keeps only what the rules read (src/story/collector.ts): the
// diagnosis from the kept records is the diagnosis from the whole log.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readForDiagnosis } from '../src/cli/intake.js';
import { nodeIO } from '../src/cli/io.js';
import { analyzeInputs } from '../src/diagnose.js';
import { readEvents } from '../src/events/read.js';
import type { EventRecord } from '../src/events/types.js';
import { createStoryCollector, neededForDiagnosis } from '../src/story/collector.js';

const logs = [
  'test/fixtures/evtx/udr-admin.evtx',
  'test/fixtures/evtx/aad-operational.evtx',
  'test/fixtures/evtx/aad-analytic.evtx',
  'test/fixtures/events/join-fail.wevtutil.xml',
  'test/fixtures/events/prt-fail.getwinevent.json',
  'test/fixtures/events/prt-fail.powershell.csv',
  'test/fixtures/events/federated-fail.de-DE.eventviewer.xml',
];
const io = { ...nodeIO(), stderr: () => {} };

describe('diagnose keeps only the story of a large log', () => {
  it('the same diagnosis, from the kept records as from the whole logs', async () => {
    const whole = analyzeInputs(logs.map((name) => ({ name, bytes: new Uint8Array(readFileSync(name)) })));
    // streamAbove 0: every log is read record by record, as a log over 64 MiB is.
    const streamed = await Promise.all(logs.map((p) => readForDiagnosis(p, io, { streamAbove: 0 })));
    expect(streamed.map((s) => s.kind)).toEqual(['evtx', 'evtx', 'evtx', 'xml', 'json', 'csv', 'xml']);
    const kept = analyzeInputs(streamed.map(({ name, bytes }) => ({ name, bytes })));
    expect(kept.diagnosis).toEqual(whole.diagnosis);
    expect(whole.diagnosis.timeline?.length).toBeGreaterThan(3);
    // The report counts every record of the log, not only those kept.
    for (const [i, s] of streamed.entries()) expect(s.reason).toBe(whole.inputs[i]!.reason);
  });

  it('a log with no join or PRT record is still read and named, and nothing of it is kept but its first record', async () => {
    const s = await readForDiagnosis('../shared/samples/evtx/security.evtx', io, { streamAbove: 0 });
    const records = new TextDecoder().decode(s.bytes).trim().split('\n');
    expect(records).toHaveLength(1);
    expect(s.reason).toMatch(/^\d{4} event records$/);
    const d = analyzeInputs([{ name: s.name, bytes: s.bytes }]).diagnosis;
    expect(d.sources).toEqual(['../shared/samples/evtx/security.evtx']);
    expect(d.verdict).toBe('unknown');
  });

  it('past maxRecords the oldest story records are dropped, with a warning', async () => {
    const s = await readForDiagnosis('test/fixtures/evtx/aad-analytic.evtx', io, {
      streamAbove: 0,
      maxRecords: 3,
    });
    const kept = new TextDecoder()
      .decode(s.bytes)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as EventRecord);
    const all = [...readEvents(new Uint8Array(readFileSync('test/fixtures/evtx/aad-analytic.evtx')))];
    const newest = [...all].sort((a, b) => (a.time < b.time ? 1 : -1)).slice(0, 3);
    expect(kept.map((r) => r.recordId).sort()).toEqual(newest.map((r) => r.recordId).sort());
    expect(s.warnings?.map((w) => w.code)).toContain('story-records-dropped');
    expect(s.reason).toMatch(/the oldest \d+ join and PRT records left out/);
  });
});

describe('createStoryCollector', () => {
  const rec = (id: number, provider: string, time: string): EventRecord => ({
    recordId: id,
    time,
    provider,
    eventId: 1,
    level: 4,
    data: {},
  });

  it('keeps User Device Registration and AAD records, in arrival order, and nothing else', () => {
    const c = createStoryCollector();
    const input = [
      rec(1, 'Microsoft-Windows-Security-Auditing', '2026-01-01T00:00:00Z'),
      rec(2, 'Microsoft-Windows-AAD', '2026-01-01T00:00:02Z'),
      rec(3, 'Microsoft-Windows-User Device Registration', '2026-01-01T00:00:01Z'),
    ];
    for (const r of input) c.add(r);
    expect(c.finish()).toEqual({ records: [input[1], input[2]], seen: 3, dropped: 0 });
    expect(input.map(neededForDiagnosis)).toEqual([false, true, true]);
  });

  it('holds at most twice maxRecords while adding, whatever the number of records', () => {
    const c = createStoryCollector({ maxRecords: 10 });
    for (let i = 0; i < 10_000; i++) {
      c.add(rec(i, 'Microsoft-Windows-AAD', new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()));
    }
    const { records, dropped } = c.finish();
    expect(records.map((r) => r.recordId)).toEqual([...Array(10).keys()].map((k) => 9990 + k));
    expect(dropped).toBe(9990);
  });
});

describe('diagnose on a log over 8 MiB', () => {
  it('reads it record by record, reports it as the .evtx it is with every record counted, and finds what the small log gives', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { main } = await import('../src/cli/main.js');
    const chunks = (file: string) => {
      const b = readFileSync(file);
      const out: Buffer[] = [];
      for (let o = 4096; o + 65536 <= b.length; o += 65536)
        if (b[o] === 0x45 && b[o + 3] === 0x43) out.push(b.subarray(o, o + 65536));
      return { header: b.subarray(0, 4096), chunks: out };
    };
    const security = chunks('../shared/samples/evtx/security.evtx');
    const udr = chunks('test/fixtures/evtx/udr-admin.evtx');
    const dir = mkdtempSync(path.join(tmpdir(), 'dsreg-big-'));
    try {
      const file = path.join(dir, 'big.evtx');
      writeFileSync(
        file,
        Buffer.concat([security.header, ...Array(5).fill(security.chunks).flat(), ...udr.chunks]),
      );
      const run = async (p: string) => {
        let out = '';
        const code = await main(['diagnose', '--format', 'json', p], {
          ...nodeIO(),
          isTTY: false,
          env: {},
          stdout: (t: string) => {
            out += t;
          },
          stderr: () => {},
        });
        return { code, d: JSON.parse(out) };
      };
      const big = await run(file);
      const small = await run('test/fixtures/evtx/udr-admin.evtx');
      expect(big.d.inputs[0].kind).toBe('evtx');
      expect(big.d.inputs[0].reason).toMatch(/^event log \(\.evtx\), \d{5} event records$/);
      expect(big.code).toBe(small.code);
      expect(big.d.findings.map((f: { id: string }) => f.id)).toEqual(
        small.d.findings.map((f: { id: string }) => f.id),
      );
      expect(big.d.timeline.length).toBe(small.d.timeline.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
