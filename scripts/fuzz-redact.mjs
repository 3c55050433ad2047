#!/usr/bin/env node
// Fuzzes the redactor with structure-aware mutations of the public samples and the fixtures:
// `dsregcmd /status` captures whose identifier fields (DomainName, TenantName, Device Name, accounts,
// IDs) are set to adversarial values (words of states and messages, odd UPNs and account names,
// addresses, regular-expression characters, long runs), copied into running text, with lines
// duplicated, deleted, blanked or re-ended; XML exports with such values in <Computer> and
// identifier <Data> fields; and .evtx records with such values in their fields. For each input:
//   - no exception escapes the redactor (the diagnosis may refuse input only with an InputError);
//   - the redaction takes less than the time limit (three tries), and a hang is caught by a watchdog;
//   - the oracle holds: no learned identifier survives (`leaks` is empty), an identifier set in a
//     field is not left in that field, the copy has the same lines, and its diagnosis has the same
//     verdict, join type, phase and finding ids as the input's.
//
//   npm run fuzz:redact -- [--seconds N] [--seed S] [--limit-ms M] [--heap-mb H]
//   npm run fuzz:redact -- --seed S --dump ITERATION   (writes that input to a file)
//
// Defaults: 20 seconds, a random seed (printed: rerun with --seed to reproduce), 3000 ms per input,
// 512 MB of heap. Every input is a pure function of (seed, iteration). Runs on the sources through
// tsx's loader: no build needed.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { option, rng } from './fuzz-common.mjs';

/**
 * Milliseconds of CPU the process has used: what an input costs, whatever else the machine runs
 * (a wall clock on a loaded machine fails inputs that cost a few milliseconds).
 */
function cpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');

function files(dir, re) {
  const abs = path.join(root, dir);
  return readdirSync(abs)
    .filter((f) => re.test(f))
    .sort()
    .map((f) => ({ name: `${dir}${f}`, bytes: new Uint8Array(readFileSync(path.join(abs, f))) }));
}

function loadCorpus() {
  return {
    captures: [
      ...files('../shared/samples/dsregcmd/', /\.txt$/),
      ...files('examples/dsregcmd/', /\.txt$/),
      ...files('test/fixtures/guide/', /\.txt$/),
    ].map((f) => ({ name: f.name, text: new TextDecoder().decode(f.bytes).replace(/^\ufeff/, '') })),
    xml: files('test/fixtures/events/', /^(?:join|prt|federated)-fail.*\.xml$/).map((f) => ({
      name: f.name,
      text: new TextDecoder().decode(f.bytes).replace(/^\ufeff/, ''),
    })),
    evtx: [...files('examples/events/', /\.evtx$/), ...files('../shared/samples/evtx/', /^Security_short/)],
  };
}

// Words that are states, phases or parts of the messages rules read.
const WORDS = [
  'SYNC',
  'JOIN',
  'FAILED',
  'YES',
  'NO',
  'PRT',
  'Failed',
  'fail',
  'PASS',
  'Discover',
  'discover',
  'Test',
  'Software',
  'Success',
  'Error',
  'Disabled',
  'Deleted',
  'Elevated',
  'Remote',
  'Managed',
  'Federated',
  'None',
  'Empty',
  'AzureAD',
  'public',
  'key',
  'device',
  'not found',
  'Failed to',
  'join',
  'auth',
  'precheck',
  'post-join',
  'SUCCESS',
  'NT AUTHORITY',
  'Administrator',
  'local',
];
// Pseudonyms, which may spell a value (<computer-1> holds "com").
const LABELS = /<[a-z]+(?:-[a-z]+)*-\d+>(?:\.[A-Za-z0-9-]+)*|\buser\d+\b/g;
const ID_KEYS = ['DomainName', 'TenantName', 'Device Name'];
const OTHER_KEYS = [
  'TenantId',
  'DeviceId',
  'User Identity',
  'Executing Account Name',
  'Thumbprint',
  'Server Message',
];

/** An adversarial value for an identifier field. */
function value(r, text) {
  const int = (n) => Math.floor(r() * n);
  const pick = (a) => a[int(a.length)];
  const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[int(16)]).join('');
  const kind = int(12);
  if (kind <= 2) return pick(WORDS);
  if (kind === 3) {
    // A word of the input itself.
    const words = text.match(/[A-Za-z][A-Za-z-]{2,}/g) ?? ['x'];
    return pick(words);
  }
  if (kind === 4) return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  if (kind === 5)
    return (
      pick(['jane.doe', 'müller', 'José García', "o'neil", 'Администратор', 'a+b', 'x$']) +
      '@' +
      pick(['contoso.com', 'corp.local', 'fabrikam.onmicrosoft.com', 'x'])
    );
  if (kind === 6)
    return `${pick(['CONTOSO', 'corp', 'AzureAD', 'NT AUTHORITY', 'X'])}\\${pick(['jdoe', 'PC-01$', 'SYSTEM', 'Jane Doe', 'ü'])}`;
  if (kind === 7)
    return pick([
      `10.${int(256)}.${int(256)}.${int(256)}`,
      `fe80::${hex(4)}:${hex(4)}`,
      '127.0.0.1',
      '::1',
      '8.15.1.50',
    ]);
  if (kind === 8)
    return pick(['a.b*c', '(x)', '$&', '[a]', 'a|b', '\\d+', '^$', '{1,2}', '?', 'x'.repeat(2 + int(40))]);
  if (kind === 9)
    return pick([
      'PC-0042',
      'WKS-0417.corp.contoso.example',
      'sts.fabrikam.com',
      'login.microsoftonline.com',
      'corp.local',
    ]);
  if (kind === 10) return pick(['a', 'b', 'c', 'x', 'z', 'ab']).repeat(1 + int(r() < 0.1 ? 200_000 : 3000));
  return `${pick(WORDS)} ${pick(WORDS)}`;
}

/** The input for one iteration: a pure function of the corpus, the seed and the iteration. */
function makeInput(corpus, seed, iteration) {
  const r = rng((seed ^ Math.imul(iteration, 0x9e3779b1)) >>> 0);
  const int = (n) => Math.floor(r() * n);
  const pick = (a) => a[int(a.length)];
  const which = r();
  if (which < 0.65) {
    const base = pick(corpus.captures);
    let lines = base.text.split(/\r\n|\n|\r/);
    const injected = [];
    for (let m = 1 + int(4); m > 0; m--) {
      const kind = int(8);
      if (kind <= 2) {
        const key = r() < 0.7 ? pick(ID_KEYS) : pick(OTHER_KEYS);
        const v = value(r, base.text);
        const re = new RegExp(`^(\\s*${key}\\s*:[ \\t]*).*$`);
        const hit = lines.some((l) => re.test(l));
        lines = lines.map((l) => (re.test(l) ? l.replace(re, (_m, k) => k + v) : l));
        if (!hit) lines.splice(int(lines.length + 1), 0, `${key} : ${v}`);
        if (ID_KEYS.includes(key)) injected.push({ key, value: v });
      } else if (kind === 3 && injected.length > 0) {
        // The value quoted in running text.
        lines.splice(
          int(lines.length + 1),
          0,
          `Server Message : Failed for ${pick(injected).value} (see log)`,
        );
      } else if (kind === 4 && lines.length > 1) {
        const i = int(lines.length);
        lines.splice(i, 0, lines[i]);
      } else if (kind === 5 && lines.length > 1) {
        lines.splice(int(lines.length), 1);
      } else if (kind === 6) {
        lines.splice(
          int(lines.length + 1),
          0,
          ...Array.from({ length: int(r() < 0.1 ? 20000 : 50) }, () => ''),
        );
      } else {
        lines = lines.slice(0, 1 + int(lines.length));
      }
    }
    const eol = pick(['\n', '\r\n', '\r']);
    return { kind: 'capture', name: base.name, text: lines.join(eol), injected };
  }
  if (which < 0.85) {
    const base = pick(corpus.xml);
    const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    let text = base.text;
    const v = value(r, text);
    if (r() < 0.5) text = text.replace(/<Computer>[^<]*<\/Computer>/g, `<Computer>${esc(v)}</Computer>`);
    const name = pick(['Domain', 'TenantName', 'UserName', 'UPN', 'ServerMessage', 'DeviceId']);
    text = text.replace(new RegExp(`(<Data Name=['"]${name}['"]>)[^<]*`, 'g'), `$1${esc(v)}`);
    return { kind: 'xml', name: base.name, text, injected: [] };
  }
  const base = pick(corpus.evtx);
  return { kind: 'evtx', name: base.name, bytes: base.bytes, seed: int(2 ** 31), injected: [] };
}

if (isMainThread) {
  const args = process.argv.slice(2);
  const seconds = Number(option(args, '--seconds', '20'));
  const seed = Number(option(args, '--seed', String(Math.floor(Math.random() * 2 ** 31))));
  const limitMs = Number(option(args, '--limit-ms', '3000'));
  const heapMb = Number(option(args, '--heap-mb', '512'));
  const dump = option(args, '--dump', undefined);
  const write = (iteration) => {
    const input = makeInput(loadCorpus(), seed, iteration);
    const file = path.join(
      tmpdir(),
      `fuzz-redact-${seed}-${iteration}.${input.kind === 'evtx' ? 'json' : 'txt'}`,
    );
    writeFileSync(file, input.text ?? JSON.stringify({ name: input.name, seed: input.seed }));
    return file;
  };
  if (dump !== undefined) {
    console.log(write(Number(dump)));
    process.exit(0);
  }
  console.log(`fuzz-redact: seed ${seed}, ${seconds} s, ${limitMs} ms per input, ${heapMb} MB heap`);
  const worker = new Worker(fileURLToPath(import.meta.url), {
    workerData: { seed, seconds, limitMs },
    resourceLimits: { maxOldGenerationSizeMb: heapMb },
  });
  let current = -1;
  let lastBeat = Date.now();
  let done = false;
  const report = (message, iteration) => {
    done = true;
    console.error(`fuzz-redact: FAIL: ${message}`);
    if (iteration >= 0) {
      console.error(
        `fuzz-redact: input written to ${write(iteration)} (reproduce with --seed ${seed}; iteration ${iteration})`,
      );
    }
    process.exitCode = 1;
  };
  const watchdog = setInterval(() => {
    if (!done && Date.now() - lastBeat > limitMs * 4 + 5000) {
      report(`iteration ${current} did not finish in ${limitMs * 4 + 5000} ms: a hang`, current);
      void worker.terminate();
    }
  }, 250);
  worker.on('message', (m) => {
    lastBeat = Date.now();
    if (m.type === 'start') current = m.iteration;
    else if (m.type === 'fail') {
      report(m.message, m.iteration);
      void worker.terminate();
    } else if (m.type === 'done') {
      done = true;
      console.log(
        `fuzz-redact: ${m.iterations} inputs (${m.kinds.capture} captures, ${m.kinds.xml} XML exports, ${m.kinds.evtx} .evtx record sets), ` +
          `slowest ${m.slowest.toFixed(0)} ms (iteration ${m.slowestIteration}), peak heap ${(m.peakHeap / 2 ** 20).toFixed(0)} MB: clean`,
      );
    }
  });
  worker.on('error', (err) => {
    if (!done) report(`the worker died: ${err.message} (runaway memory?)`, current);
  });
  worker.on('exit', () => clearInterval(watchdog));
} else {
  const { seed, seconds, limitMs } = workerData;
  // The sources, compiled on load (tsx, a development dependency): no build needed.
  const { register } = await import('tsx/esm/api');
  register();
  const { analyzeInputs, diagnose, diagnoseText } = await import('../src/diagnose.ts');
  const { parseDsregcmd } = await import('../src/dsregcmd/parse.ts');
  const { readEvents } = await import('../src/events/read.ts');
  const { createRedactor } = await import('../src/redact/index.ts');
  const { InputError } = await import('../src/types.ts');
  const { isMicrosoftHost, NOT_IDENTIFIERS } = await import('../src/redact/vocabulary.ts');
  const corpus = loadCorpus();
  const evtxRecords = new Map(corpus.evtx.map((f) => [f.name, [...readEvents(f.bytes, { source: f.name })]]));
  const shape = (d) => JSON.stringify([d.verdict, d.joinType, d.phase, d.findings.map((f) => f.id)]);
  const diagnosis = (f) => {
    try {
      return shape(f());
    } catch (err) {
      if (err instanceof InputError) return 'InputError';
      throw err;
    }
  };
  const lineCount = (t) => t.split(/\r\n|\n|\r/).length;

  /** Redacts one input and checks the oracle; returns the time the redaction took. */
  function check(input) {
    const r = createRedactor();
    if (input.kind === 'evtx') {
      const rr = rng(input.seed);
      const pick = (a) => a[Math.floor(rr() * a.length)];
      const records = evtxRecords.get(input.name).map((rec) => {
        const data = { ...rec.data };
        const keys = Object.keys(data);
        if (keys.length && rr() < 0.5) data[pick(keys)] = value(rr, '');
        if (rr() < 0.3) data.Domain = value(rr, '');
        return { ...rec, computer: rr() < 0.5 ? value(rr, '') : rec.computer, data };
      });
      const t = cpuMs();
      r.learnEvents(records);
      const out = r.eventRecords(records);
      const ms = cpuMs() - t;
      const json = JSON.stringify(out);
      const leaks = r.leaks(json);
      if (leaks.length) throw new Error(`identifiers left in the records: ${leaks.slice(0, 3).join(', ')}`);
      const before = diagnosis(() => diagnose({ captures: [], events: records }));
      const after = diagnosis(() => diagnose({ captures: [], events: out }));
      if (before !== after) throw new Error(`the diagnosis changed: ${before} -> ${after}`);
      return ms;
    }
    const t = cpuMs();
    r.learn(input.text);
    const out = r.text(input.text, input.kind === 'xml' ? 'xml' : 'text');
    const ms = cpuMs() - t;
    const leaks = r.leaks(out, input.kind === 'xml' ? 'xml' : 'text');
    if (leaks.length)
      throw new Error(
        `identifiers left: ${leaks
          .slice(0, 3)
          .map((l) => l.slice(0, 40))
          .join(', ')}`,
      );
    if (lineCount(out) !== lineCount(input.text))
      throw new Error(`lines: ${lineCount(input.text)} -> ${lineCount(out)}`);
    if (input.kind === 'capture') {
      let fields = [];
      try {
        fields = parseDsregcmd(out).fields;
      } catch {}
      for (const { key, value: v } of input.injected) {
        const t = v.trim();
        // Loopback names no one and stays.
        if (isMicrosoftHost(t) || NOT_IDENTIFIERS.has(t.toLowerCase())) continue;
        if (
          t.length < 2 ||
          /^(?:127\.|::1?$|0\.0\.0\.0$)/.test(t) ||
          /^[xX*.\-\s{}]+$/.test(t) ||
          /^user\d+$/.test(t)
        )
          continue;
        const f = fields.filter((x) => x.key === key).find((x) => x.value.replace(LABELS, ' ').includes(t));
        if (f) throw new Error(`${key} still holds ${t.slice(0, 40)}: ${f.value.slice(0, 80)}`);
      }
      const before = diagnosis(() => diagnoseText(input.text, 's'));
      const after = diagnosis(() => diagnoseText(out, 's'));
      if (before !== after) throw new Error(`the diagnosis changed: ${before} -> ${after}`);
    } else {
      const enc = new TextEncoder();
      const before = diagnosis(
        () => analyzeInputs([{ name: 'x.xml', bytes: enc.encode(input.text) }]).diagnosis,
      );
      const after = diagnosis(() => analyzeInputs([{ name: 'x.xml', bytes: enc.encode(out) }]).diagnosis);
      if (before !== after) throw new Error(`the diagnosis changed: ${before} -> ${after}`);
    }
    return ms;
  }

  const end = Date.now() + seconds * 1000;
  const kinds = { capture: 0, xml: 0, evtx: 0 };
  let iterations = 0;
  let slowest = 0;
  let slowestIteration = -1;
  let peakHeap = 0;
  let failed = false;
  for (let i = 0; Date.now() < end && !failed; i++) {
    const input = makeInput(corpus, seed, i);
    parentPort.postMessage({ type: 'start', iteration: i });
    let ms;
    try {
      ms = check(input);
      if (ms > limitMs) ms = Math.min(ms, check(input), check(input));
    } catch (err) {
      parentPort.postMessage({ type: 'fail', iteration: i, message: `${input.name}: ${err?.stack ?? err}` });
      failed = true;
      break;
    }
    if (ms > slowest) {
      slowest = ms;
      slowestIteration = i;
    }
    if (ms > limitMs) {
      parentPort.postMessage({
        type: 'fail',
        iteration: i,
        message: `iteration ${i} took ${ms.toFixed(0)} ms, three times over`,
      });
      failed = true;
      break;
    }
    if (i % 16 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    kinds[input.kind]++;
    iterations++;
  }
  if (!failed)
    parentPort.postMessage({ type: 'done', iterations, kinds, slowest, slowestIteration, peakHeap });
}
