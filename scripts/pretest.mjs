#!/usr/bin/env node
// `npm test` runs this first (the "pretest" script): it checks that every program the test suite
// runs is on this machine, installs the missing ones with apt-get when it runs as root on Debian or
// Ubuntu, and otherwise stops with one line naming the exact command to run. A test that cannot run
// must never count as passed, so nothing here offers a way to skip.
//
//   node scripts/pretest.mjs           check, install what is missing (as root), or stop
//   node scripts/pretest.mjs --check   check only: exit 1 with the install command when one is missing
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Whether `name` is an executable on PATH (or one of the given absolute paths exists). */
function onPath(name, env = process.env) {
  return (env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, name)));
}

/** The PostgreSQL server binaries (postgres and initdb) of any installed major version. */
function postgresServer(exists) {
  const root = '/usr/lib/postgresql';
  if (!exists(root)) return false;
  let versions = [];
  try {
    versions = readdirSync(root);
  } catch {
    return false;
  }
  return versions.some(
    (v) => exists(join(root, v, 'bin', 'postgres')) && exists(join(root, v, 'bin', 'initdb')),
  );
}

/**
 * What the suite needs from the system, the Debian package that brings it, and who uses it.
 * `exists` is passed in so a test can pretend a program is missing.
 */
export function requirements(exists = existsSync, which = (name) => onPath(name)) {
  return [
    {
      package: 'chromium',
      present: () => exists('/usr/bin/chromium'),
      usedBy: 'the browser page and HTML report tests (playwright-core drives /usr/bin/chromium)',
    },
    {
      package: 'slapd',
      present: () =>
        (exists('/usr/sbin/slapd') || which('slapd')) && (exists('/usr/sbin/slapadd') || which('slapadd')),
      usedBy: "the probe's SCP tests against a real directory (scripts/ldap-test-server.sh)",
    },
    {
      package: 'ldap-utils',
      present: () => which('ldapsearch') || exists('/usr/bin/ldapsearch'),
      usedBy: 'the test directory set-up',
    },
    {
      package: 'openssl',
      present: () => which('openssl') || exists('/usr/bin/openssl'),
      usedBy: "the probe tests' throw-away certificate authority",
    },
    {
      package: 'libevtx-utils',
      present: () => exists('/usr/bin/evtxexport'),
      usedBy: 'the .evtx comparison with libevtx (evtxexport)',
    },
    {
      package: 'python3-evtx',
      present: () => exists('/usr/bin/evtx_dump.py'),
      usedBy: 'the .evtx comparison with python-evtx (evtx_dump.py)',
    },
    {
      package: 'postgresql',
      present: () => postgresServer(exists),
      usedBy: 'the fleet server tests on a real PostgreSQL (postgres and initdb)',
    },
  ];
}

/** The packages whose programs are missing. */
export function missingPackages(reqs = requirements()) {
  return reqs.filter((r) => !r.present()).map((r) => r.package);
}

/** The exact command that installs them, with sudo unless already root. */
export function installCommand(packages, root = process.getuid?.() === 0) {
  return `${root ? '' : 'sudo '}apt-get install -y ${packages.join(' ')}`;
}

/** The one line printed when the suite cannot run. */
export function stopLine(packages, root = process.getuid?.() === 0) {
  const list = packages.join(', ');
  return `npm test: ${list} ${packages.length === 1 ? 'is' : 'are'} missing; install with: ${installCommand(packages, root)}`;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return r.status === 0;
}

function main(argv) {
  const checkOnly = argv.includes('--check');
  let missing = missingPackages();
  if (missing.length === 0) return 0;
  const root = process.getuid?.() === 0;
  const apt = existsSync('/usr/bin/apt-get');
  if (checkOnly || !root || !apt) {
    process.stderr.write(`${stopLine(missing, root)}\n`);
    return 1;
  }
  process.stderr.write(`npm test: installing ${missing.join(', ')} with apt-get\n`);
  // The package lists once, then everything in one transaction.
  if (!run('apt-get', ['update', '-q']) || !run('apt-get', ['install', '-y', '-q', ...missing])) {
    process.stderr.write(`${stopLine(missing, root)}\n`);
    return 1;
  }
  missing = missingPackages();
  if (missing.length > 0) {
    process.stderr.write(`${stopLine(missing, root)}\n`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
