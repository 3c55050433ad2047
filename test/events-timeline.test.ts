// `events --timeline`: the story of the join and PRT attempts, in order (issue 5).
import { describe, expect, it } from 'vitest';
import { nodeIO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';

async function run(argv: string[]) {
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
  const code = await main(argv, io);
  return { code, out, err };
}

const F = 'test/fixtures/events/';

describe('events --timeline', () => {
  it('tells the join and PRT attempts from several exports in time order', async () => {
    const r = await run([
      'events',
      `${F}join-fail.wevtutil.xml`,
      `${F}prt-fail.getwinevent.json`,
      '--timeline',
    ]);
    expect(r.code).toBe(0);
    const rows = r.out.split('\n').filter((l) => /^ {2}\d{4}-/.test(l));
    expect(rows.map((l) => l.slice(2, 21))).toEqual([
      '2026-10-03 07:58:12',
      '2026-10-03 08:58:32',
      '2026-10-03 09:12:41',
      '2026-10-03 09:47:26',
    ]);
    expect(rows[0]).toMatch(/join {2}FAILED {2}discover phase: DSREG_AUTOJOIN_DISC_FAILED/);
    expect(rows[2]).toMatch(/PRT {3}FAILED {2}STATUS_LOGON_FAILURE \(AADSTS50126\)/);
    expect(r.out).toMatch(/Join: 2 attempts, 2 failed, no success recorded/);
    for (const line of r.out.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('prints one JSON object per attempt with --format jsonl', async () => {
    const r = await run([
      'events',
      `${F}federated-fail.de-DE.eventviewer.xml`,
      '--timeline',
      '--format',
      'jsonl',
    ]);
    const attempts = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(attempts.map((a) => [a.kind, a.outcome, a.phase])).toEqual([
      ['join', 'failure', 'auth'],
      ['join', 'failure', 'auth'],
    ]);
    expect(attempts[1].codes[0].name).toBe('ERROR_ADAL_FAILED_TO_PARSE_XML');
    expect(attempts[1].evidence[0].recordId).toBeTypeOf('number');
  });

  it('says so when the events hold no attempt', async () => {
    const r = await run(['events', '../shared/samples/evtx/security.evtx', '--timeline']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/No join or PRT attempt in these events/);
  });
});
