// The bin runs each command from a CommonJS bundle of its own, compiled from V8's code cache
// (bin/dsreg-doctor.js, scripts/build.mjs). What it prints never depends on which bundle ran or on
// the state of the cache: a damaged cache, a bundle built again and missing bundles all give the
// same output. Runs a copy of the built bin and dist/ (npm run build), so that the real one is left
// alone while other tests use it.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, main } from '../src/cli/main.js';
import { memoryIO } from './helpers.js';

const dir = join('test-results', 'bin-code-cache');
const bundles = join(dir, 'dist', 'cli');
const CAPTURE = 'examples/dsregcmd/join-fail-device-not-synced.txt';

const run = (args: string[]) =>
  spawnSync(process.execPath, [join(dir, 'bin', 'dsreg-doctor.js'), ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
  });

/** The cache files of a command's bundle. */
const caches = (name: string) =>
  readdirSync(bundles).filter((f) => f.startsWith(`${name}.cjs.`) && f.endsWith('.cache'));

describe('the bin and its code cache', () => {
  beforeAll(() => {
    rmSync(dir, { recursive: true, force: true });
    cpSync('bin', join(dir, 'bin'), { recursive: true });
    cpSync('dist', join(dir, 'dist'), { recursive: true, preserveTimestamps: true });
  });

  it('has a bundle and a cache made by the build for every command, and one for no command', () => {
    for (const name of ['main', ...COMMANDS.map((c) => c.name)]) {
      expect(readdirSync(bundles), name).toContain(`${name}.cjs`);
      expect(caches(name), name).toHaveLength(1);
    }
  });

  it('prints what main() prints, for every command and without one', async () => {
    for (const argv of [[], ['--help'], ['--version'], ...COMMANDS.map((c) => [c.name, '--help'])]) {
      const m = memoryIO();
      const code = await main(argv, m.io);
      const r = run(argv);
      expect(r.stdout, argv.join(' ')).toBe(m.out());
      expect(r.stderr, argv.join(' ')).toBe(m.err());
      expect(r.status, argv.join(' ')).toBe(code);
    }
  });

  it('rejects a cache made for another bundle, prints the same, and writes the cache again', () => {
    const before = run(['diagnose', CAPTURE]);
    expect(before.stdout).toContain('Verdict');
    const path = join(bundles, caches('diagnose')[0]!);
    const foreign = readFileSync(join(bundles, caches('lookup')[0]!));
    writeFileSync(path, foreign);
    const after = run(['diagnose', CAPTURE]);
    expect(after.stdout).toBe(before.stdout);
    expect(after.stderr).toBe(before.stderr);
    expect(after.status).toBe(before.status);
    expect(readFileSync(path).equals(foreign)).toBe(false);
    expect(run(['diagnose', CAPTURE]).stdout).toBe(before.stdout);
  });

  it('never uses the cache of another build of a bundle', () => {
    const before = run(['lookup', '0x801c03f2']);
    const old = caches('lookup');
    // The bundle built again: another time on disk.
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(bundles, 'lookup.cjs'), later, later);
    const after = run(['lookup', '0x801c03f2']);
    expect(after.stdout).toBe(before.stdout);
    expect(after.status).toBe(before.status);
    const now = caches('lookup');
    expect(now).toEqual(expect.arrayContaining(old));
    expect(now).toHaveLength(old.length + 1);
  });

  it('loads a library from its own bundle only when a run uses it, and caches it too', () => {
    const xml = 'examples/events/join-fail.wevtutil.xml';
    const libCaches = () => readdirSync(join(bundles, 'lib')).filter((f) => f.endsWith('.cache'));
    rmSync(join(bundles, 'lib', libCaches().find((f) => f.startsWith('fast-xml-parser.')) ?? 'none'), {
      force: true,
    });
    expect(run(['diagnose', CAPTURE]).status).toBe(1);
    expect(libCaches().filter((f) => f.startsWith('fast-xml-parser.'))).toEqual([]);
    // An XML export needs the XML parser: the first run compiles it and writes its cache, the
    // next one runs from that cache; both print the same diagnosis.
    const first = run(['diagnose', xml]);
    expect(first.stdout).toContain('event-join-failure');
    expect(libCaches().filter((f) => f.startsWith('fast-xml-parser.'))).toHaveLength(1);
    const second = run(['diagnose', xml]);
    expect(second.stdout).toBe(first.stdout);
    expect(second.status).toBe(first.status);
    expect(libCaches().filter((f) => f.startsWith('fast-xml-parser.'))).toHaveLength(1);
  });

  it('runs the ES module build when the bundles are missing', () => {
    const before = run(['diagnose', CAPTURE, '--format', 'json']);
    rmSync(bundles, { recursive: true, force: true });
    const after = run(['diagnose', CAPTURE, '--format', 'json']);
    expect(JSON.parse(after.stdout)).toEqual(JSON.parse(before.stdout));
    expect(after.status).toBe(before.status);
  });
});
