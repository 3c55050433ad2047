// Start-up of the bin: each command on a small real input against bare `node -e ''`, measured in
// the same run, round by round (every command once a round, so that a change in the machine's load
// falls on all of them alike). Goals (issue 17): every command within 1.3x bare node, `--help`
// within 1.15x.
//
// Wall time is the median of the runs. On Linux the CPU time of each run (user + system, from the
// children's times in /proc/self/stat, in clock ticks) is shown too, averaged over the runs: it is
// what the command costs, less disturbed by other work on a loaded machine.
//
// With --callgrind, each command is instead run once under `valgrind --tool=callgrind` and the
// instructions it executed (all threads) are compared with those of bare node: a count that the
// machine's load does not change. Left out of every count, bare node's included: the instructions
// of V8's search for a random prime when it seeds its hash tables (detail::sprp, called by
// HashSeed::InitializeRoots), which vary from 1 to 12 million from one run of the same command to
// the next; without them two runs agree within about 0.3%. The code cache is not disturbed: node
// runs with the same flags as without valgrind.
//
// Every run, bare node's included, runs without NODE_EXTRA_CA_CERTS (unless --keep-env): that
// variable makes every node process read and parse each certificate of the file it names before it
// runs a line, which on this workplace's machines (where it names the system's 145 CAs) is four
// fifths of bare node's own start-up and would hide what our commands add. A user's machine rarely
// has it set; with --keep-env the figures are those of the environment as it is.
//
//   npm run build && node bench/startup.mjs [--runs 15] [--callgrind] [--keep-env]
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const KEEP_ENV = args.includes('--keep-env');
/** The children's environment: this one, without NODE_EXTRA_CA_CERTS unless --keep-env. */
const env = { ...process.env };
if (!KEEP_ENV) delete env.NODE_EXTRA_CA_CERTS;
const ENV_NOTE = KEEP_ENV
  ? `environment as given (NODE_EXTRA_CA_CERTS ${process.env.NODE_EXTRA_CA_CERTS ? 'set' : 'not set'})`
  : 'without NODE_EXTRA_CA_CERTS';
const runsAt = args.indexOf('--runs');
const RUNS = runsAt >= 0 ? Number(args[runsAt + 1]) : 15;
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error('bench/startup.mjs: --runs takes a whole number of runs, such as 15');
  process.exit(2);
}

const BARE = { name: "node -e ''", argv: ['-e', ''] };
const bin = (...argv) => ['bin/dsreg-doctor.js', ...argv];
const COMMANDS = [
  { name: '--help', argv: bin('--help'), goal: 1.15 },
  { name: '--version', argv: bin('--version'), goal: 1.3 },
  { name: 'diagnose <capture>', argv: bin('diagnose', 'examples/dsregcmd/hybrid-healthy.txt'), goal: 1.3 },
  { name: 'lookup 0x801c03f2', argv: bin('lookup', '0x801c03f2'), goal: 1.3 },
  { name: 'events <small .evtx>', argv: bin('events', 'examples/events/udr-admin.evtx'), goal: 1.3 },
  { name: 'rules', argv: bin('rules'), goal: 1.3 },
  {
    name: 'redact <capture>',
    argv: bin('redact', 'examples/dsregcmd/join-fail-device-not-synced.txt'),
    goal: 1.3,
  },
  {
    name: 'reconcile <examples>',
    argv: bin(
      'reconcile',
      'examples/reconcile/ad-computers.csv',
      'examples/reconcile/entra-devices.csv',
      'examples/reconcile/wks-left-status.txt',
      '--now',
      '2026-12-01T12:00:00Z',
    ),
    goal: 1.3,
  },
  { name: 'probe --help', argv: bin('probe', '--help'), goal: 1.3 },
];

/**
 * The instructions a run executes under callgrind (all threads), from valgrind's summary line,
 * less those of V8's random prime search (see above), read from the profile by callgrind_annotate.
 */
function instructions(cmd) {
  const out = join(tmpdir(), `dsreg-startup-${process.pid}.callgrind`);
  try {
    const r = spawnSync(
      'valgrind',
      ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, ...cmd.argv],
      { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
    );
    const m = /Collected : (\d+)/.exec(r.stderr ?? '');
    if (r.error || !m) {
      console.error(
        `bench/startup.mjs: valgrind could not measure ${cmd.name}: ${r.error?.message ?? 'no count'}`,
      );
      process.exit(2);
    }
    return Number(m[1]) - primeSearch(out);
  } finally {
    rmSync(out, { force: true });
  }
}

/** The instructions of detail::sprp in a callgrind profile (0 if callgrind_annotate is missing). */
function primeSearch(profile) {
  const r = spawnSync('callgrind_annotate', ['--threshold=100', profile], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  let n = 0;
  for (const line of (r.stdout ?? '').split('\n')) {
    const m = /^\s*([\d,]+)\s.*detail::sprp\(/.exec(line);
    if (m) n += Number(m[1].replaceAll(',', ''));
  }
  return n;
}

/** Every command once under callgrind: instructions and their ratio to bare node's. */
function callgrind() {
  const bare = instructions(BARE);
  const pad = (s, n) => String(s).padEnd(n);
  console.log(
    `start-up under callgrind: instructions executed, millions (all threads, less V8's random prime search), ${ENV_NOTE}`,
  );
  console.log(`${pad('command', 24)} ${pad('Minstr', 8)} ${pad('ratio', 6)} goal`);
  console.log(`${pad(BARE.name, 24)} ${pad((bare / 1e6).toFixed(1), 8)} ${pad('1.00', 6)}`);
  const lines = [];
  for (const c of COMMANDS) {
    const n = instructions(c);
    const ratio = n / bare;
    const met = ratio <= c.goal ? 'met' : 'not met';
    console.log(
      `${pad(c.name, 24)} ${pad((n / 1e6).toFixed(1), 8)} ${pad(ratio.toFixed(2), 6)} ${c.goal}x (${met})`,
    );
    lines.push({
      name: `start-up instructions: ${c.name}`,
      value: Number(ratio.toFixed(3)),
      unit: 'x',
      goal: `<= ${c.goal}`,
      reference: BARE.name,
    });
  }
  for (const line of lines) console.log(`RATIO ${JSON.stringify(line)}`);
}

/** The CPU time of waited-for children so far, in ms (Linux), else undefined. */
function childrenCpu() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // After the command name in parentheses: fields 3 ..., cutime and cstime are fields 16 and 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

function runOnce(cmd) {
  const cpu0 = childrenCpu();
  const t0 = process.hrtime.bigint();
  // Output to /dev/null, as `> /dev/null` would.
  const r = spawnSync(process.execPath, cmd.argv, { cwd: root, env, stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) {
    console.error(`bench/startup.mjs: ${cmd.name} exited with ${r.status ?? r.signal}`);
    process.exit(2);
  }
  const cpu1 = childrenCpu();
  return { ms, cpu: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0 };
}

const all = [BARE, ...COMMANDS];
if (args.includes('--callgrind')) {
  callgrind();
  process.exit(0);
}
for (const c of all) runOnce(c); // warm the file cache; the bin's code cache is written by the build
const results = new Map(all.map((c) => [c, { ms: [], cpu: 0 }]));
for (let round = 0; round < RUNS; round++) {
  for (const c of all) {
    const { ms, cpu } = runOnce(c);
    const r = results.get(c);
    r.ms.push(ms);
    r.cpu = cpu === undefined || r.cpu === undefined ? undefined : r.cpu + cpu;
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const bare = results.get(BARE);
const bareMs = median(bare.ms);
const bareCpu = bare.cpu === undefined ? undefined : bare.cpu / RUNS;

const pad = (s, n) => String(s).padEnd(n);
const num = (x, d = 1) => (x === undefined ? '-' : x.toFixed(d));
console.log(`start-up, ${RUNS} rounds, ${ENV_NOTE}; wall: median ms; CPU: mean ms of user + system time`);
console.log(
  `${pad('command', 24)} ${pad('wall', 7)} ${pad('ratio', 6)} ${pad('CPU', 7)} ${pad('ratio', 6)} goal`,
);
console.log(
  `${pad(BARE.name, 24)} ${pad(num(bareMs), 7)} ${pad('1.00', 6)} ${pad(num(bareCpu), 7)} ${pad('1.00', 6)}`,
);
const lines = [];
for (const c of COMMANDS) {
  const r = results.get(c);
  const ms = median(r.ms);
  const ratio = ms / bareMs;
  const cpu = r.cpu === undefined ? undefined : r.cpu / RUNS;
  const cpuRatio = cpu === undefined || !bareCpu ? undefined : cpu / bareCpu;
  const met = ratio <= c.goal ? 'met' : 'not met';
  console.log(
    `${pad(c.name, 24)} ${pad(num(ms), 7)} ${pad(num(ratio, 2), 6)} ${pad(num(cpu), 7)} ${pad(num(cpuRatio, 2), 6)} ${c.goal}x (${met})`,
  );
  lines.push({
    name: `start-up: ${c.name}`,
    value: Number(ratio.toFixed(3)),
    unit: 'x',
    goal: `<= ${c.goal}`,
    reference: BARE.name,
    ...(cpuRatio === undefined ? {} : { cpu: Number(cpuRatio.toFixed(3)) }),
  });
}
// For bench/run.mjs: one machine-readable line a ratio.
for (const line of lines) console.log(`RATIO ${JSON.stringify(line)}`);
