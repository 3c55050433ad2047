import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeIO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { bytesSource, readEvtx } from '../src/evtx/index.js';
import { memoryIO } from './helpers.js';
import { contract } from './schema.js';

const dir = 'test/fixtures/events/';
const fixture = (name: string) => new Uint8Array(readFileSync(dir + name));
const sample = (name: string) => new Uint8Array(readFileSync(`../shared/samples/evtx/${name}`));
const validEvent = contract('event');

async function run(args: string[], files: Record<string, Uint8Array | string> = {}) {
  const m = memoryIO(files);
  const code = await main(['events', ...args], m.io);
  return { code, out: m.out(), err: m.err() };
}

function jsonLines(out: string): Array<Record<string, unknown>> {
  if (out === '') return [];
  return out
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe('events: the table', () => {
  it('prints one line per record (more when values do not fit) at 80 columns, codes in hex', async () => {
    const r = await run(['join.xml'], { 'join.xml': fixture('join-fail.wevtutil.xml') });
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toBe(
      [
        'TIME (UTC)           LEVEL    ID  PROVIDER          DETAILS',
        '2026-10-03 07:58:11  Info   4096  UserDeviceReg',
        '2026-10-03 07:58:12  Error   201  UserDeviceReg     ExitCode=0x80072ee2',
        '    HttpStatus=0',
        '2026-10-03 07:58:12  Error   304  UserDeviceReg     ExitCode=0x801c0021',
        '    TenantType=Managed JoinType=sync',
        '    DebugOutput=joinMode: Join drsInstance: azure registrationType: sync tenant…',
        '2026-10-03 08:58:30  Info   4096  UserDeviceReg',
        '2026-10-03 08:58:31  Info    101  UserDeviceReg',
        '    ServerMessage={"DiscoveryService":{"DiscoveryEndpoint":"https:\\/\\/enterpris…',
        '2026-10-03 08:58:31  Info    102  UserDeviceReg     JoinRequestType=1',
        '    JoinRequestTypeSymbolicName=DEVICE Domain=corp.contoso.example',
        '2026-10-03 08:58:32  Error   204  UserDeviceReg     ExitCode=0x801c03f2',
        '    HttpStatus=400',
        '    ServerResponse={"ErrorType":"DirectoryError","Message":"The public key user…',
        '2026-10-03 08:58:32  Error   304  UserDeviceReg     ExitCode=0x801c03f2',
        '    ServerErrorMessage=DirectoryError: The public key user certificate is not f…',
        '    TenantType=Managed JoinType=sync DebugOutput=joinMode: Join drsInstance: az…',
        '8 records',
        '',
      ].join('\n'),
    );
    for (const line of r.out.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('shows the message where an export has no event data (CSV), and counts what the filters kept', async () => {
    const r = await run(['prt.csv', '--id', '1081,1007'], { 'prt.csv': fixture('prt-fail.powershell.csv') });
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        'TIME (UTC)           LEVEL    ID  PROVIDER          DETAILS',
        '2026-10-03 09:47:26  Info   1007  AAD               AadCloudAPPlugin GetToken',
        '    Stop. Status: 0xC000023C',
        '2026-10-03 09:12:41  Info   1007  AAD               AadCloudAPPlugin GetToken',
        '    Stop. Status: 0xC000006D',
        '2026-10-03 09:12:41  Error  1081  AAD               OAuth response error:',
        '    invalid_grant Error description: AADSTS50126: Error validating credentials',
        '    due to invalid username or password. Trace ID: 9d04c1b7-2e6a-4f83-a5d9-0b7e…',
        '3 of 15 records shown; 2 warnings on standard error',
        '',
      ].join('\n'),
    );
    expect(r.err).toBe(
      'prt.csv: line 3: Export-Csv keeps no event data (Properties holds only a type name): only the message is kept\n' +
        "prt.csv: line 3: TimeCreated carries no time zone (the exporting machine's local time): read as UTC\n",
    );
    expect(r.out).toMatch(/\n3 of 15 records shown; 2 warnings on standard error\n$/);
  });

  it('merges several logs into one time order, naming a log before each run of its records', async () => {
    const r = await run(['a.xml', 'b.json', '--level', 'error', '--id', '304,305'], {
      'a.xml': fixture('federated-fail.de-DE.eventviewer.xml'),
      'b.json': fixture('join-fail.getwinevent.json'),
    });
    expect(r.code).toBe(0);
    const heads = r.out.split('\n').filter((l) => /^(==|\d{4}-)/.test(l));
    // b.json (Get-WinEvent) lists the newest first: it is put in time order too.
    expect(heads.map((l) => l.slice(0, 47).trimEnd())).toEqual([
      '== b.json ==',
      '2026-10-03 07:58:12  Error   304  UserDeviceReg',
      '== a.xml ==',
      '2026-10-03 07:58:31  Error   305  UserDeviceReg',
      '2026-10-03 07:58:31  Error   304  UserDeviceReg',
      '== b.json ==',
      '2026-10-03 08:58:32  Error   304  UserDeviceReg',
    ]);
  });
});

describe('events --format jsonl', () => {
  it('prints one contract-valid object per record, source set to the file as given', async () => {
    const r = await run(['logs/prt.json', '--format', 'jsonl'], {
      'logs/prt.json': fixture('prt-fail.getwinevent.json'),
    });
    expect(r.code).toBe(0);
    const lines = jsonLines(r.out);
    expect(lines).toHaveLength(15);
    for (const l of lines) expect(validEvent(l)).toBe('');
    expect(lines.every((l) => l.source === 'logs/prt.json')).toBe(true);
    expect(lines[1]).toEqual({
      source: 'logs/prt.json',
      recordId: 2010,
      time: '2026-10-03T09:47:26.342Z',
      provider: 'Microsoft-Windows-AAD',
      channel: 'Microsoft-Windows-AAD/Analytic',
      eventId: 1007,
      level: 4,
      computer: 'WKS-0388.corp.contoso.example',
      data: { Status: '3221226044' },
      message: 'AadCloudAPPlugin GetToken Stop.\r\nStatus: 0xC000023C',
    });
  });

  it('is valid against the schema for every fixture and every public .evtx sample', async () => {
    const files: Record<string, Uint8Array> = {};
    for (const f of [
      'join-fail.wevtutil.xml',
      'join-fail.eventviewer.xml',
      'join-fail.eventviewer.csv',
      'join-fail.getwinevent.json',
      'federated-fail.de-DE.eventviewer.xml',
      'federated-fail.de-DE.eventviewer.csv',
      'prt-fail.wevtutil.xml',
      'prt-fail.powershell.csv',
      'prt-fail.getwinevent.json',
    ]) {
      files[f] = fixture(f);
    }
    for (const f of [
      'security.evtx',
      'system.evtx',
      'sample_with_a_bad_chunk_magic.evtx',
      'MSExchange_Management_wec.evtx',
    ]) {
      files[f] = sample(f);
    }
    const r = await run([...Object.keys(files), '--format', 'jsonl'], files);
    expect(r.code).toBe(0);
    const lines = jsonLines(r.out);
    expect(lines.length).toBeGreaterThan(4500);
    const invalid = lines.map((l) => validEvent(l)).filter(Boolean);
    expect(invalid).toEqual([]);
    expect(new Set(lines.map((l) => l.source))).toEqual(new Set(Object.keys(files)));
  });

  it('reads standard input for -', async () => {
    const r = await run(['-', '-f', 'jsonl', '--id', '204'], {
      '-': fixture('join-fail.eventviewer.xml'),
    });
    expect(r.code).toBe(0);
    const [line] = jsonLines(r.out);
    expect(line).toMatchObject({ source: '-', recordId: 47, eventId: 204 });
    expect(line!.message).toMatch(/^The get join response operation callback failed/);
  });

  it('prints nothing on standard output when no record matches', async () => {
    const r = await run(['j.xml', '--format', 'jsonl', '--id', '9999'], {
      'j.xml': fixture('join-fail.wevtutil.xml'),
    });
    expect([r.code, r.out, r.err]).toEqual([0, '', '']);
  });
});

describe('events on every public .evtx sample', () => {
  const names = readdirSync('../shared/samples/evtx').filter((f) => f.endsWith('.evtx'));
  for (const name of names) {
    it(`${name}: every record the reader recovers, schema-valid, warnings in the documented form`, async () => {
      const expected = [...readEvtx(bytesSource(sample(name)), { onWarning: () => {} })].map(
        (r) => r.recordId,
      );
      const r = await run([name, '--format', 'jsonl'], { [name]: sample(name) });
      expect(r.code).toBe(0);
      const lines = jsonLines(r.out);
      expect(lines.map((l) => l.recordId)).toEqual(expected);
      expect(lines.map((l) => validEvent(l)).filter(Boolean)).toEqual([]);
      for (const w of r.err.split('\n').filter(Boolean)) {
        expect(w).toMatch(
          new RegExp(
            `^${name.replace(/[.%]/g, '\\$&')}: (chunk \\d+(, record \\d+)?, offset \\d+: \\S|\\d+ more warnings not shown$)`,
          ),
        );
      }
    });
  }
});

describe('events: filters', () => {
  const files = {
    'prt.xml': fixture('prt-fail.wevtutil.xml'),
    'join.xml': fixture('join-fail.wevtutil.xml'),
  };
  const ids = async (...args: string[]) =>
    jsonLines((await run([...Object.keys(files), '--format', 'jsonl', ...args], files)).out).map(
      (l) => l.recordId,
    );

  it('--id takes lists and ranges', async () => {
    // The two logs merged in time order: the join attempts of 07:58 and 08:58 before the PRT's of 09:12 on.
    expect(await ids('--id', '1006-1007,304')).toEqual([43, 48, 2001, 2005, 2006, 2010]);
  });

  it('--provider and --channel match with or without "Microsoft-Windows-", any case, * as a wildcard', async () => {
    expect(await ids('--provider', 'user device registration', '--id', '304')).toEqual([43, 48]);
    expect(await ids('--channel', 'AAD/Operational')).toEqual([310, 311, 312, 313, 314]);
    expect(await ids('--channel', '*/Analytic', '--id', '1007')).toEqual([2005, 2010]);
    expect(await ids('--provider', 'AA')).toEqual([]);
  });

  it('--since and --until take ISO dates and times, a date alone meaning the whole day', async () => {
    expect(await ids('--since', '2026-10-03T09:47:26Z', '--provider', 'AAD')).toEqual([312, 313, 2010, 314]);
    expect(await ids('--until', '2026-10-03T07:58:12.5Z')).toEqual([41]);
    expect(await ids('--since', '2026-10-03T10:58:31+02:00', '--until', '2026-10-03T08:58:32')).toEqual([
      45, 46,
    ]);
    expect((await ids('--until', '2026-10-03')).length).toBe(23);
    expect(await ids('--until', '2026-10-02')).toEqual([]);
  });

  it('--level takes names or numbers; information includes level 0', async () => {
    expect(await ids('--level', 'warning')).toEqual([314]);
    expect(await ids('--level', '2', '--provider', 'Microsoft-Windows-AAD')).toEqual([310, 311, 312, 313]);
  });

  it('rejects a bad filter value with one line and exit code 2', async () => {
    for (const [args, message] of [
      [
        ['--id', '30x'],
        'dsreg-doctor events: --id: "30x" is not an event ID or a range of them (use 304,305 or 1006-1007)\n',
      ],
      [
        ['--since', 'yesterday'],
        'dsreg-doctor events: --since: "yesterday" is not an ISO date (use 2026-10-03 or 2026-10-03T04:31:00Z)\n',
      ],
      [
        ['--since', '2026-10-04', '--until', '2026-10-03'],
        'dsreg-doctor events: --since is after --until: no record can match\n',
      ],
      [
        ['--level', 'loud'],
        'dsreg-doctor events: --level: "loud" is not a level (use critical, error, warning, information, verbose or 0-255)\n',
      ],
    ] as const) {
      const r = await run(['join.xml', ...args], files);
      expect([r.code, r.out, r.err]).toEqual([2, '', message]);
    }
    const bad = await run(['join.xml', '--format', 'yaml'], files);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/argument 'yaml' is invalid. Allowed choices are table, json, jsonl/);
  });
});

describe('events: bad and damaged input', () => {
  it('gives a file that is no event log one clear line and exit code 2', async () => {
    const dsreg = readFileSync(
      '../shared/samples/dsregcmd/011-doc-join-fail-0x801c03f2-directoryerror-sync.txt',
    );
    const r = await run(['status.txt', 'notes.txt'], {
      'status.txt': dsreg,
      'notes.txt': 'hello, world\nnothing here\n',
    });
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      'dsreg-doctor events: status.txt: not an event log export (expected .evtx, or XML, CSV or JSON from Event Viewer, wevtutil or Get-WinEvent); this looks like dsregcmd /status output: use `dsreg-doctor diagnose`\n' +
        'dsreg-doctor events: notes.txt: not an event log export (expected .evtx, or XML, CSV or JSON from Event Viewer, wevtutil or Get-WinEvent)\n',
    );
  });

  it('gives an unreadable path one line and exit code 2, and still reads the other files', async () => {
    const r = await run(['missing.evtx', 'join.xml', '--format', 'jsonl'], {
      'join.xml': fixture('join-fail.wevtutil.xml'),
    });
    expect(r.code).toBe(2);
    expect(r.err).toBe('dsreg-doctor events: missing.evtx: no such file\n');
    expect(jsonLines(r.out)).toHaveLength(8);
  });

  it('refuses an XXE payload with one line and exit code 2', async () => {
    const r = await run(['xxe.xml'], { 'xxe.xml': fixture('xxe.xml') });
    expect([r.code, r.out]).toEqual([2, '']);
    expect(r.err).toBe(
      'dsreg-doctor events: xxe.xml:2: refused: the XML declares a DTD or entities (<!DOCTYPE/<!ENTITY); event exports never do, and they are not expanded\n',
    );
  });

  it('prints the readable records of a damaged export and one warning per problem on standard error', async () => {
    const r = await run(['bad.xml', '--format', 'jsonl'], { 'bad.xml': fixture('damaged.wevtutil.xml') });
    expect(r.code).toBe(0);
    expect(jsonLines(r.out).map((l) => l.recordId)).toEqual([41, 42, 44, 45, 46, 47]);
    const warnings = r.err.trimEnd().split('\n');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(
      /^bad\.xml: record 43, line 1, offset 1\d{3}: malformed XML \(.+\): event skipped$/,
    );
    expect(warnings[1]).toMatch(
      /^bad\.xml: record 48, line 3, offset \d+: event cut off \(no <\/Event>\): skipped$/,
    );
  });

  it('reports .evtx damage as "source: chunk N, record R, offset X: ..." and prints every recoverable record', async () => {
    const r = await run(['bad.evtx', '--format', 'jsonl'], {
      'bad.evtx': sample('sample_with_a_bad_chunk_magic.evtx'),
    });
    expect(r.code).toBe(0);
    expect(jsonLines(r.out).length).toBeGreaterThan(250);
    const warnings = r.err.trimEnd().split('\n');
    expect(warnings.length).toBeGreaterThan(0);
    for (const w of warnings) expect(w).toMatch(/^bad\.evtx: chunk \d+(, record \d+)?, offset \d+: \S/);
  });

  it('caps the warnings of one file and says how many more there were', async () => {
    const many = "<Event xmlns='x'><System>".repeat(30);
    const r = await run(['many.xml'], { 'many.xml': many });
    const lines = r.err.trimEnd().split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[20]).toBe('many.xml: 10 more warnings not shown');
    expect(r.out).toBe('0 records; 30 warnings on standard error\n');
  });
});

describe('events: several logs, folders and zips, and the options every command shares', () => {
  const diskIO = () => {
    let out = '';
    let err = '';
    const io = {
      ...nodeIO(),
      isTTY: false,
      stderrIsTTY: false,
      columns: 80,
      env: {},
      stdout: (t: string) => {
        out += t;
      },
      stderr: (t: string) => {
        err += t;
      },
    };
    return { io, out: () => out, err: () => err };
  };
  const times = (out: string) => jsonLines(out).map((l) => `${l.time} ${String(l.source).split('/').pop()}`);

  it('one .evtx on disk as JSON: the lines written straight from the reader are what each record gives', async () => {
    const { recordJson } = await import('../src/cli/commands/events.js');
    const files = [
      '../shared/samples/evtx/security.evtx',
      '../shared/samples/evtx/2-system-Microsoft-Windows-LiveId%4Operational.evtx',
      'test/fixtures/evtx/udr-admin.evtx',
    ];
    for (const f of files) {
      const expected = [...readEvtx(bytesSource(new Uint8Array(readFileSync(f))), { source: f })];
      const d = diskIO();
      expect(await main(['events', f, '-f', 'jsonl'], d.io)).toBe(0);
      expect(d.out()).toBe(expected.map((r) => `${recordJson(r)}\n`).join(''));
      // A filter takes the records' path, with the same lines for what it keeps.
      const id = expected[0]!.eventId;
      const filtered = diskIO();
      expect(await main(['events', f, '-f', 'json', '--id', String(id)], filtered.io)).toBe(0);
      const kept = expected.filter((r) => r.eventId === id).map((r) => `${recordJson(r)}\n`);
      expect(filtered.out()).toBe(kept.join(''));
    }
  });

  it('merges logs into one time order; a tie goes to the log given first', async () => {
    const r = await run(['a.xml', 'b.json', '-f', 'json'], {
      'a.xml': fixture('join-fail.wevtutil.xml'),
      'b.json': fixture('join-fail.getwinevent.json'),
    });
    expect(r.code).toBe(0);
    const lines = times(r.out);
    expect(lines).toHaveLength(16);
    // The same eight records in both: each time twice, a.xml's first, though b.json lists the newest first.
    expect(lines.slice(0, 4)).toEqual([
      '2026-10-03T07:58:11.2034561Z a.xml',
      '2026-10-03T07:58:11.2034561Z b.json',
      '2026-10-03T07:58:12.8830127Z a.xml',
      '2026-10-03T07:58:12.8830127Z b.json',
    ]);
    expect([...lines].sort()).toEqual(lines);
    // One log alone keeps its own order (Get-WinEvent: newest first).
    const one = await run(['b.json', '-f', 'json'], { 'b.json': fixture('join-fail.getwinevent.json') });
    expect(times(one.out)[0]).toBe('2026-10-03T08:58:32.4413302Z b.json');
  });

  it('reads a folder (also as "dir/") and a zip, finding the event logs by content', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsreg-events-'));
    try {
      mkdirSync(join(dir, 'logs', 'Events'), { recursive: true });
      writeFileSync(join(dir, 'logs', 'Events', 'udr.dat'), fixture('join-fail.wevtutil.xml'));
      writeFileSync(join(dir, 'logs', 'aad.json'), fixture('prt-fail.getwinevent.json'));
      writeFileSync(join(dir, 'logs', 'notes.txt'), 'nothing to see\n');
      for (const given of [join(dir, 'logs'), `${join(dir, 'logs')}/`]) {
        const m = diskIO();
        expect(await main(['events', given, '-f', 'json'], m.io)).toBe(0);
        const lines = jsonLines(m.out());
        expect(lines).toHaveLength(8 + 15);
        expect(new Set(lines.map((l) => l.source))).toEqual(
          new Set([join(dir, 'logs', 'Events', 'udr.dat'), join(dir, 'logs', 'aad.json')]),
        );
        expect(times(m.out())).toEqual([...times(m.out())].sort());
        expect(m.err()).toBe(
          `dsreg-doctor events: ${join(dir, 'logs')}: 2 event logs read; 1 other file left out\n`,
        );
      }
      const z = diskIO();
      expect(await main(['events', 'examples/bundles/authlogs-wks0417.zip', '--id', '304'], z.io)).toBe(0);
      expect(z.out()).toMatch(/^TIME \(UTC\) .*\n2026-10-03 \d\d:\d\d:\d\d {2}Error {3}304 /);
      expect(z.err()).toMatch(
        /^dsreg-doctor events: examples\/bundles\/authlogs-wks0417\.zip: 1 event log read; \d+ other files left out\n$/,
      );
      const empty = diskIO();
      mkdirSync(join(dir, 'empty'));
      writeFileSync(join(dir, 'empty', 'notes.txt'), 'nothing\n');
      expect(await main(['events', join(dir, 'empty')], empty.io)).toBe(2);
      expect(empty.err()).toBe(
        `dsreg-doctor events: ${join(dir, 'empty')}: no event log export found in it\n`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--wide prints every value whole; the table without it cuts them', async () => {
    const files = { 'join.xml': fixture('join-fail.wevtutil.xml') };
    const cut = await run(['join.xml', '--id', '304'], files);
    const wide = await run(['join.xml', '--id', '304', '--wide'], files);
    expect(cut.out).toContain('…');
    expect(wide.out).not.toContain('…');
    const debug = /DebugOutput=([^\n]*)/.exec(wide.out)![1]!;
    const record = jsonLines((await run(['join.xml', '--id', '304', '-f', 'json'], files)).out)[0]!;
    expect(debug).toBe((record.data as Record<string, string>).DebugOutput!.replace(/\s+/g, ' ').trim());
    // Values that fit share a line, as in the table; the first columns are the same.
    expect(wide.out.split('\n')[1]!.slice(0, 52)).toBe(cut.out.split('\n')[1]!.slice(0, 52));
  });

  it('-o writes the records to a file; --color and --no-color as everywhere', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsreg-events-'));
    try {
      const files = { 'join.xml': fixture('join-fail.wevtutil.xml') };
      const file = join(dir, 'records.jsonl');
      const a = memoryIO(files);
      expect(await main(['events', 'join.xml', '-f', 'json', '-o', file], a.io)).toBe(0);
      expect(a.out()).toBe('');
      expect(jsonLines(readFileSync(file, 'utf8'))).toHaveLength(8);
      const bad = memoryIO(files);
      expect(await main(['events', 'join.xml', '-o', join(dir, 'no', 'x')], bad.io)).toBe(2);
      expect(bad.err()).toMatch(/^dsreg-doctor events: .*x: cannot write \(no such folder\)\n$/);
      const colored = await run(['join.xml', '--color'], files);
      expect(colored.out).toContain('\u001b[31mError');
      const tty = memoryIO(files);
      tty.io.isTTY = true;
      expect(await main(['events', 'join.xml', '--no-color'], tty.io)).toBe(0);
      expect(tty.out()).not.toContain('\u001b[');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
