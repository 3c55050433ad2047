import { readFileSync } from 'node:fs';
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
    expect(ci).toEqual(['npm ci', 'npm test', 'npm run compare:evtx', 'npm run fuzz:evtx -- --seconds 20']);
    for (const l of ci.slice(2)) expect(pkg.scripts[l.split(' ')[2]!]).toBeDefined();
  });
});
