// Peak memory (maximum resident set size) of `events` and `diagnose` on large inputs, against the
// baseline of `node -e ''`: a generated .evtx and a generated XML export of 1 GiB each (README,
// "Input limits and memory"). The .evtx repeats the chunks of the User Device Registration and AAD
// fixtures between chunks of the public Security sample, so that the join and PRT story runs
// through the whole log; the XML repeats the events of the wevtutil fixtures and of the libevtx
// Security export the same way.
//
//   node bench/memory.mjs [--mb 1024] [--dir /tmp] [--only 'diagnose XML']   (needs `npm run build`)
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const mb = Number(opt('--mb', '1024'));
const dir = mkdtempSync(path.join(opt('--dir', tmpdir()), 'dsreg-memory-'));

function chunksOf(file) {
  const b = readFileSync(path.join(root, file));
  const out = [];
  for (let o = 4096; o + 65536 <= b.length; o += 65536)
    if (b[o] === 0x45 && b[o + 3] === 0x43) out.push(b.subarray(o, o + 65536));
  return { header: b.subarray(0, 4096), chunks: out };
}

function writeRepeated(file, head, pieces, bytes) {
  const fd = openSync(file, 'w');
  let size = 0;
  if (head) {
    writeSync(fd, head);
    size += head.length;
  }
  for (let i = 0; size < bytes; i++) {
    const p = pieces[i % pieces.length];
    writeSync(fd, p);
    size += p.length;
  }
  closeSync(fd);
}

function buildEvtx(file) {
  const security = chunksOf('../shared/samples/evtx/security.evtx');
  const story = ['udr-admin', 'aad-operational', 'aad-analytic'].flatMap(
    (n) => chunksOf(`test/fixtures/evtx/${n}.evtx`).chunks,
  );
  // One story chunk after every eight Security chunks.
  const pieces = [];
  security.chunks.forEach((c, i) => {
    pieces.push(c);
    if (i % 8 === 7) pieces.push(story[(i >> 3) % story.length]);
  });
  writeRepeated(file, security.header, pieces, mb * 1024 * 1024);
}

function buildXml(file) {
  const events = [];
  for (const f of [
    'join-fail.wevtutil.xml',
    'prt-fail.wevtutil.xml',
    'libevtx-Security_short_selected.xml',
  ]) {
    const text = readFileSync(path.join(root, 'test/fixtures/events', f), 'utf8');
    for (const m of text.matchAll(/<Event[\s>][\s\S]*?<\/Event>/g)) events.push(`${m[0]}\n`);
  }
  writeRepeated(
    file,
    undefined,
    events.map((e) => Buffer.from(e)),
    mb * 1024 * 1024,
  );
}

/** Runs the CLI in a child and returns its peak RSS in MiB and its time in seconds. */
function measure(argv) {
  const report = (code) =>
    `process.stderr.write('\\nMAXRSS ' + process.resourceUsage().maxRSS + ' CODE ' + ${code} + '\\n');`;
  const script = `const { main } = await import(process.argv[1]); const code = await main(process.argv.slice(2)); ${report('code')}`;
  const start = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    argv
      ? ['--input-type=module', '-e', script, path.join(root, 'dist/cli.js'), ...argv]
      : ['-e', report('0')],
    { stdio: ['ignore', openSync('/dev/null', 'w'), 'pipe'], encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const m = /MAXRSS (\d+) CODE (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`no measurement: ${r.stderr.slice(-500)}`);
  return { mib: Math.round(Number(m[1]) / 1024), seconds: Math.round(seconds * 10) / 10, code: Number(m[2]) };
}

try {
  const evtx = path.join(dir, 'big.evtx');
  const xml = path.join(dir, 'big.xml');
  buildEvtx(evtx);
  buildXml(xml);
  const size = (f) => `${Math.round(statSync(f).size / 1048576)} MiB`;
  const base = measure(undefined);
  console.log(`baseline node -e '': ${base.mib} MiB`);
  console.log(`inputs: ${size(evtx)} .evtx, ${size(xml)} XML export (in ${dir})`);
  console.log('| command | input | peak RSS | over baseline | time | exit |');
  console.log('|---|---|---|---|---|---|');
  for (const [label, file] of [
    ['.evtx', evtx],
    ['XML', xml],
  ]) {
    for (const argv of [
      ['events', '--format', 'jsonl', file],
      ['diagnose', '--format', 'json', file],
    ]) {
      const only = opt('--only', undefined);
      if (only && only !== `${argv[0]} ${label}`) continue;
      const r = measure(argv);
      console.log(
        `| \`${argv.slice(0, -1).join(' ')}\` | ${size(file)} ${label} | ${r.mib} MiB | ${r.mib - base.mib} MiB | ${r.seconds} s | ${r.code} |`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
