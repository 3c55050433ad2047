import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { memoryIO } from './helpers.js';

describe('cli', () => {
  it('prints help and exits 0', async () => {
    const m = memoryIO();
    expect(await main(['--help'], m.io)).toBe(0);
    expect(m.out()).toContain('Usage: dsreg-doctor');
  });
  it('rejects an unknown command with exit 2', async () => {
    const m = memoryIO();
    expect(await main(['frobnicate'], m.io)).toBe(2);
    expect(m.err()).toMatch(/unknown command/);
  });
});

describe('lazy commands', () => {
  it('every command in the table loads and registers the command of its name', async () => {
    const { Command } = await import('commander');
    const { COMMANDS } = await import('../src/cli/main.js');
    for (const c of COMMANDS) {
      const program = new Command('x');
      (await c.load())(program, memoryIO().io, { code: 0 });
      expect(
        program.commands.map((x) => x.name()),
        c.name,
      ).toEqual([c.name]);
    }
  });
  it('`help <command>` and `<command> --help` print the full help of the command', async () => {
    for (const argv of [
      ['help', 'diagnose'],
      ['diagnose', '--help'],
    ]) {
      const m = memoryIO();
      expect(await main(argv, m.io)).toBe(0);
      expect(m.out()).toMatch(/--fail-on/);
    }
  });
});

describe('the bin', () => {
  it('ends quietly when the reader of its output goes away (EPIPE)', async () => {
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync(
      'bash',
      [
        '-c',
        'node bin/dsreg-doctor.js events ../shared/samples/evtx/security.evtx --format jsonl 2>&1 | head -c 200',
      ],
      { encoding: 'utf8' },
    );
    expect(out).not.toMatch(/EPIPE|Error:|\n\s+at /);
    expect(out.startsWith('{')).toBe(true);
  });
});

describe('dsreg-doctor rules', () => {
  it('lists every rule, as text and as JSON', async () => {
    const { RULES } = await import('../src/rules/index.js');
    const text = memoryIO();
    expect(await main(['rules'], text.io)).toBe(0);
    for (const r of RULES) expect(text.out()).toContain(r.id);
    for (const line of text.out().split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    const json = memoryIO();
    await main(['rules', '--format', 'json'], json.io);
    expect(JSON.parse(json.out()).map((r: { id: string }) => r.id)).toEqual(RULES.map((r) => r.id));
  });
});

describe('the package entry points', () => {
  it('dsreg-doctor and dsreg-doctor/node resolve to the built library', async () => {
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync(
      process.execPath,
      [
        '-e',
        "import('dsreg-doctor/node').then(async (n) => { const { readEvtx, diagnoseText } = await import('dsreg-doctor'); const s = n.openFileSource('../shared/samples/evtx/security.evtx'); let c = 0; for (const r of readEvtx(s)) c++; s.close(); console.log(c, diagnoseText('AzureAdJoined : YES\\nDomainJoined : YES\\n').joinType); })",
      ],
      { encoding: 'utf8' },
    );
    expect(out.trim()).toBe('2261 hybrid');
  });
});

describe('npm test brings what it needs (scripts/pretest.mjs)', () => {
  it('names each missing package and the one command that installs them', async () => {
    const { requirements, missingPackages, stopLine } = (await import(
      // @ts-expect-error: a plain .mjs script without types
      '../scripts/pretest.mjs'
    )) as {
      requirements(exists: (p: string) => boolean, which: (n: string) => boolean): unknown[];
      missingPackages(reqs: unknown[]): string[];
      stopLine(packages: string[], root: boolean): string;
    };
    // A machine with everything but slapd and the PostgreSQL server.
    const exists = (p: string) => !p.includes('slap') && !p.startsWith('/usr/lib/postgresql');
    const which = (n: string) => !n.startsWith('slap');
    const missing = missingPackages(requirements(exists, which));
    expect(missing).toEqual(['slapd', 'postgresql']);
    expect(stopLine(missing, false)).toBe(
      'npm test: slapd, postgresql are missing; install with: sudo apt-get install -y slapd postgresql',
    );
    expect(stopLine(['chromium'], true)).toBe(
      'npm test: chromium is missing; install with: apt-get install -y chromium',
    );
    expect(
      missingPackages(
        requirements(
          () => true,
          () => true,
        ),
      ),
    ).toEqual([]);
  });
  it('runs before the tests, and CI calls only the README commands and the npm scripts', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.pretest).toBe('node scripts/pretest.mjs');
    const ci = readFileSync('.ci/run', 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#') && !/^(set|cd) /.test(l));
    expect(ci).toEqual([
      'npm ci',
      'npm test',
      'npm run compare:evtx',
      'npm run fuzz:evtx -- --seconds 20 --seed 20261201',
      'npm run fuzz -- --seconds 20 --seed 20261201',
      'npm run fuzz:redact -- --seconds 20 --seed 20261201',
    ]);
    for (const l of ci.slice(2)) expect(pkg.scripts[l.split(' ')[2]!]).toBeDefined();
  });
});

describe('one command line', () => {
  const mine = ['lookup', 'probe', 'web'];
  it('help is wrapped by commander to 80 columns and ends with an example', async () => {
    for (const argv of [['--help'], ...mine.map((c) => [c, '--help'])]) {
      const m = memoryIO();
      expect(await main(argv, m.io), argv.join(' ')).toBe(0);
      const lines = m.out().trimEnd().split('\n');
      expect(
        lines.filter((l) => l.length > 80),
        argv.join(' '),
      ).toEqual([]);
      // The last block is "Examples:" and each of its lines a command as typed.
      const at = lines.lastIndexOf('Examples:');
      expect(at, argv.join(' ')).toBeGreaterThan(0);
      expect(lines[at - 1]).toBe('');
      for (const l of lines.slice(at + 1))
        expect(l).toMatch(/^ {2}(\S+=\S+ )?(dsreg-doctor|dsregcmd| {4}--)/);
    }
  });
  it('wraps the help to a wider terminal, but never past 100 columns', async () => {
    const m = memoryIO();
    m.io.isTTY = true;
    m.io.columns = 200;
    await main(['probe', '--help'], m.io);
    const widths = m
      .out()
      .split('\n')
      .map((l) => l.length);
    expect(Math.max(...widths)).toBeLessThanOrEqual(100);
    expect(Math.max(...widths)).toBeGreaterThan(80);
  });
  it("prints commander's own errors as one line, `dsreg-doctor <command>: ...`, with Did you mean", async () => {
    const cases: [string[], string][] = [
      [
        ['lookup', '--fromat', 'json', '1'],
        "dsreg-doctor lookup: unknown option '--fromat' (did you mean --format?)\n",
      ],
      [['lookup'], "dsreg-doctor lookup: missing required argument 'codes'\n"],
      [['diagnse', 'x'], "dsreg-doctor: unknown command 'diagnse' (did you mean diagnose?)\n"],
      [
        ['probe', '-f', 'yaml'],
        "dsreg-doctor probe: --format: argument 'yaml' is invalid. Allowed choices are text, json.\n",
      ],
      [
        ['web', '--port', 'x'],
        "dsreg-doctor web: --port: argument 'x' is invalid. give a port number from 0 to 65535\n",
      ],
      [
        ['probe', '--timeout', '0'],
        'dsreg-doctor probe: --timeout must be a number of seconds between 0 and 600, not "0"\n',
      ],
    ];
    for (const [argv, line] of cases) {
      const m = memoryIO();
      expect(await main(argv, m.io), argv.join(' ')).toBe(2);
      expect(m.err(), argv.join(' ')).toBe(line);
      expect(m.out()).toBe('');
    }
  });
  it('lookup takes -f json (and jsonl) and -o; colour only on a terminal or with --color', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsreg-cli-'));
    try {
      const a = memoryIO();
      expect(await main(['lookup', '12002', '-f', 'json'], a.io)).toBe(0);
      expect((JSON.parse(a.out()) as { value: { hex: string } }).value.hex).toBe('0x2ee2');
      const b = memoryIO();
      expect(await main(['lookup', '12002', '-f', 'jsonl'], b.io)).toBe(0);
      expect(b.out()).toBe(a.out());
      const file = join(dir, 'x.txt');
      const c = memoryIO();
      expect(await main(['lookup', '12002', '-o', file], c.io)).toBe(0);
      expect(c.out()).toBe('');
      expect(readFileSync(file, 'utf8')).toMatch(/^0x2ee2 {2}\(signed 12002/);
      const d = memoryIO();
      expect(await main(['lookup', '12002', '--color'], d.io)).toBe(0);
      expect(d.out()).toContain('\u001b[1m0x2ee2');
      const e = memoryIO();
      e.io.isTTY = true;
      expect(await main(['lookup', '12002', '--no-color'], e.io)).toBe(0);
      expect(e.out()).not.toContain('\u001b[');
      const f = memoryIO();
      expect(await main(['lookup', '12002', '-o', join(dir, 'no', 'such', 'x')], f.io)).toBe(2);
      expect(f.err()).toMatch(/^dsreg-doctor lookup: .*x: cannot write \(no such folder\)\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('progress on a terminal (src/cli/progress.ts)', () => {
  const fake = (isTTY: boolean) => {
    const writes: string[] = [];
    return { stream: { isTTY, columns: 80, write: (t: string) => writes.push(t) }, writes };
  };
  it('draws one line on standard error of a terminal, and erases it at the end', async () => {
    const { startProgress } = await import('../src/cli/progress.js');
    const t = fake(true);
    const p = startProgress({
      label: 'Reading big.evtx',
      total: 4 * 1024 * 1024,
      stream: t.stream,
      env: {},
      delayMs: 0,
    });
    expect(p.visible).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    p.update(2 * 1024 * 1024);
    p.stop();
    const all = t.writes.join('');
    expect(all).toContain('Reading big.evtx');
    expect(all).toContain('50% 2.0 MB of 4.0 MB');
    // The line is cleared (erase-line) and the cursor shown again when the work ends.
    expect(t.writes.at(-1)).toMatch(/\u001b\[\?25h|\u001b\[2K|\r/);
    expect(all).not.toContain('\n');
  });
  it('shows the line from update() in work that never lets a timer run (records parsed from memory)', async () => {
    const { startProgress } = await import('../src/cli/progress.js');
    const t = fake(true);
    // A clock the test moves: 100 ms a record, so the delay passes at the sixth record.
    let ms = 0;
    const p = startProgress({
      label: 'Reading x.evtx',
      unit: 'records',
      stream: t.stream,
      env: {},
      delayMs: 500,
      now: () => ms,
    });
    // No await: the timer cannot fire; the delay passes inside the loop.
    for (let n = 1; n <= 4; n++) {
      ms += 100;
      p.update(n);
    }
    expect(t.writes).toEqual([]);
    for (let n = 5; n <= 8; n++) {
      ms += 100;
      p.update(n);
    }
    expect(t.writes.join('')).toContain('Reading x.evtx: ');
    p.stop();
    expect(t.writes.join('')).toContain('Reading x.evtx: 8 records');
  });
  it('says nothing into a pipe or a file, in CI, or for quick work', async () => {
    const { startProgress } = await import('../src/cli/progress.js');
    for (const [isTTY, env, delayMs] of [
      [false, {}, 0],
      [true, { CI: 'true' }, 0],
      [true, {}, 10000],
    ] as const) {
      const t = fake(isTTY);
      const p = startProgress({ label: 'Reading', total: 10, unit: 'files', stream: t.stream, env, delayMs });
      p.increment();
      await new Promise((r) => setTimeout(r, 20));
      p.stop();
      expect(t.writes).toEqual([]);
    }
  });
});
