// Help and the version printed from the pages the build wrote (src/cli/quick-help.ts,
// scripts/build.mjs writeHelpPages): every page is what main() prints for the same arguments at
// the same width, and the bin prints it without loading the CLI. Reads the built dist/ (npm test
// builds first).
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, main } from '../src/cli/main.js';
import {
  commandForms,
  findPage,
  HELP_WIDTHS,
  helpWidth,
  mayBeHelp,
  PROGRAM_FORMS,
} from '../src/cli/quick-help.js';
import { memoryIO } from './helpers.js';

const PAGES = join('dist', 'cli', 'help');
const TARGETS: [string, readonly string[][]][] = [
  ['main', PROGRAM_FORMS],
  ...COMMANDS.map((c): [string, readonly string[][]] => [c.name, commandForms(c.name)]),
];

async function byMain(argv: readonly string[], isTTY: boolean, columns: number) {
  const m = memoryIO();
  m.io.isTTY = isTTY;
  m.io.columns = columns;
  const code = await main([...argv], m.io);
  return { code, out: m.out(), err: m.err() };
}

describe('the help pages the build wrote', () => {
  for (const [target, forms] of TARGETS) {
    it(`${target}: every form at 60, 73, 80 and 100 columns and into a pipe is what main() prints`, async () => {
      const file = readFileSync(join(PAGES, `${target}.txt`), 'utf8');
      for (const argv of forms) {
        for (const [isTTY, columns] of [
          [true, 60],
          [true, 73],
          [true, 80],
          [true, 100],
          [false, 0],
        ] as const) {
          const want = await byMain(argv, isTTY, columns);
          const page = findPage(file, argv, helpWidth(isTTY, columns));
          const name = `${argv.join(' ')} at ${isTTY ? columns : 'a pipe'}`;
          expect(page, name).toBeDefined();
          expect(page!.code, name).toBe(want.code);
          expect(page!.text, name).toBe(page!.fd === 1 ? want.out : want.err);
          expect(page!.fd === 1 ? want.err : want.out, name).toBe('');
        }
      }
    });
  }

  it('has no page for arguments that are not one of the forms', () => {
    const file = readFileSync(join(PAGES, 'diagnose.txt'), 'utf8');
    expect(findPage(file, ['diagnose', '--help', 'x.txt'], 80)).toBeUndefined();
    expect(findPage(file, ['-h', 'diagnose'], 80)).toBeUndefined();
    expect(findPage(file, ['diagnose', '--help'], HELP_WIDTHS.max + 1)).toBeUndefined();
  });
});

describe('which arguments may be a call for help', () => {
  it('looks no further for an ordinary run', () => {
    expect(mayBeHelp([])).toBe(true);
    expect(mayBeHelp(['--help'])).toBe(true);
    expect(mayBeHelp(['help', 'diagnose'])).toBe(true);
    expect(mayBeHelp(['diagnose', 'status.txt'])).toBe(false);
    expect(mayBeHelp(['diagnose', 'status.txt', '--help'])).toBe(false);
    expect(mayBeHelp(['lookup', '0x801c03f2'])).toBe(false);
  });

  it('wraps to the terminal between 60 and 100 columns, and to 80 into a pipe', () => {
    expect(helpWidth(false, 200)).toBe(80);
    expect(helpWidth(true, 0)).toBe(80);
    expect(helpWidth(true, 40)).toBe(60);
    expect(helpWidth(true, 90)).toBe(90);
    expect(helpWidth(true, 300)).toBe(100);
  });
});

describe('the bin answers help from the pages', () => {
  const dir = join('test-results', 'quick-help');
  const bundles = join(dir, 'dist', 'cli');
  const run = (args: string[]) =>
    spawnSync(process.execPath, [join(dir, 'bin', 'dsreg-doctor.js'), ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });

  beforeAll(() => {
    rmSync(dir, { recursive: true, force: true });
    cpSync('bin', join(dir, 'bin'), { recursive: true });
    cpSync('dist', join(dir, 'dist'), { recursive: true, preserveTimestamps: true });
    // A CLI that only says it was loaded: a page printed without it never shows this.
    for (const name of ['main', 'diagnose', 'lookup']) {
      writeFileSync(
        join(bundles, `${name}.cjs`),
        "exports.main = async () => { process.stdout.write('the CLI ran\\n'); return 3; }; exports.whenFlushed = (f) => f();",
      );
    }
  });

  it('prints help, the version and a command help without loading the CLI', async () => {
    for (const argv of [
      [],
      ['--help'],
      ['-h'],
      ['help'],
      ['--version'],
      ['diagnose', '--help'],
      ['help', 'lookup'],
    ]) {
      const want = await byMain(argv, false, 80);
      const r = run(argv);
      expect(r.stdout, argv.join(' ')).toBe(want.out);
      expect(r.stderr, argv.join(' ')).toBe(want.err);
      expect(r.status, argv.join(' ')).toBe(want.code);
    }
  });

  it('runs the CLI for everything else, and when a page is missing or damaged', () => {
    expect(run(['lookup', '0x801c03f2']).stdout).toBe('the CLI ran\n');
    expect(run(['--help', '--help']).status).toBe(3);
    rmSync(join(bundles, 'help', 'main.txt'));
    expect(run(['--help']).stdout).toBe('the CLI ran\n');
    writeFileSync(join(bundles, 'help', 'diagnose.txt'), '{"pages": \n');
    expect(run(['diagnose', '--help']).stdout).toBe('the CLI ran\n');
    rmSync(join(bundles, 'help.cjs'));
    expect(run(['help', 'lookup']).stdout).toBe('the CLI ran\n');
  });
});
