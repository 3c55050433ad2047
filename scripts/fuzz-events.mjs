#!/usr/bin/env node
// Fuzzes the text event readers (XML, CSV, JSON) and the bundle reader (zip and folder): mutates
// the fixtures with structure-aware edits (tags, quotes, brackets, separators and line breaks
// inserted, removed or repeated; ranges copied between files; truncation; huge fields; deep
// nesting), and reads each result to the end. Fails on:
// - any exception other than the project's InputError;
// - a read slower than the time limit in CPU time (three times in a row), or a hang (a watchdog);
// - runaway memory (the worker has a bounded heap);
// - the piece oracle: reading in random pieces must give the records and warnings of a whole read;
// - the UTF-16 oracle: the same text as UTF-16LE (with a BOM) and as UTF-8 must give the same records.
//
//   node scripts/fuzz-events.mjs [--target xml|csv|json|bundle|all] [--seconds N] [--seed S]
//                                [--limit-ms M] [--heap-mb H]
//   node scripts/fuzz-events.mjs --target T --seed S --dump ITERATION   (writes that input to a file)
//
// Defaults: all targets, 20 seconds in all (the CI pass: `npm run fuzz`), a random seed (printed:
// rerun with --seed to reproduce), 5000 ms per input (four reads of up to a few MiB), 384 MB of heap. Every input is a pure
// function of (target, seed, iteration). Needs `npm run build` first (reads ../dist/).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
const TARGETS = ['xml', 'csv', 'json', 'bundle'];

/** The texts of one target's corpus: the fixtures (and examples) of that kind, decoded. */
function loadTexts(target) {
  const dirs = ['test/fixtures/events', 'examples/events'];
  const out = [];
  for (const d of dirs) {
    let names = [];
    try {
      names = readdirSync(path.join(root, d));
    } catch {
      continue;
    }
    for (const f of names.sort()) {
      if (!f.endsWith(`.${target}`)) continue;
      const bytes = readFileSync(path.join(root, d, f));
      // UTF-16 fixtures are decoded here; the oracle encodes both ways itself.
      const text =
        bytes[0] === 0xff && bytes[1] === 0xfe
          ? new TextDecoder('utf-16le').decode(bytes.subarray(2))
          : new TextDecoder().decode(bytes).replace(/^\ufeff/, '');
      out.push({ name: f, text });
    }
  }
  return out;
}

/** The files of the bundle fixture folder, as [relative name, bytes]. */
function loadBundle() {
  const base = path.join(root, 'test/fixtures/bundles/authlogs-wks0417');
  const out = [];
  const walk = (dir, rel) => {
    for (const f of readdirSync(dir).sort()) {
      const full = path.join(dir, f);
      const name = rel ? `${rel}/${f}` : f;
      if (statSync(full).isDirectory()) walk(full, name);
      else out.push([name, new Uint8Array(readFileSync(full))]);
    }
  };
  walk(base, '');
  return out;
}

const TOKENS = {
  xml: [
    '<Event>',
    '</Event>',
    '<Event/>',
    '<System>',
    '</System>',
    '<EventData>',
    '<Data Name="x">',
    '</Data>',
    '<EventRecordID>',
    '</EventRecordID>',
    '<!DOCTYPE x>',
    '<![CDATA[',
    ']]>',
    '<!--',
    '-->',
    '&amp;',
    '&#x0;',
    '&#xD800;',
    '&unknown;',
    '&',
    '<',
    '>',
    '"',
    "'",
    '\u0000',
    '\ufffd',
    '\ud800',
    '<e:Event xmlns:e="x">',
    '<Provider Name="Microsoft-Windows-AAD"/>',
    '<EventID>1006</EventID>',
    '<TimeCreated SystemTime="2026-01-01T00:00:00Z"/>',
  ],
  csv: [
    '"',
    '""',
    ',',
    ';',
    '\t',
    '\n',
    '\r\n',
    '\r',
    '#TYPE x\n',
    'Id,RecordId,TimeCreated,ProviderName\n',
    '13/13/2026 25:61:61',
    '1/2/2026 4:05:06 PM',
    '\u0000',
    '\ufeff',
    '"\n"',
  ],
  json: [
    '{',
    '}',
    '[',
    ']',
    ',',
    ':',
    '"',
    '\\',
    '\\u0000',
    '\\ud800',
    '12345678901234567890',
    '-',
    '1e999',
    'null',
    'true',
    '"Id":',
    '"Properties":[',
    '"TimeCreated":"/Date(1)/"',
    '\u2028',
    '\ufeff',
  ],
};

/** A mutated text for `target` (xml, csv or json): a pure function of the corpus, seed and iteration. */
function makeText(corpus, target, seed, iteration) {
  const r = rng(seed * 7919 + iteration * 104729 + TARGETS.indexOf(target));
  const int = (n) => Math.floor(r() * n);
  let text = corpus[int(corpus.length)].text;
  const tokens = TOKENS[target];
  const edits = 1 + int(8);
  for (let e = 0; e < edits; e++) {
    const at = int(text.length + 1);
    switch (int(12)) {
      case 0: // delete a range
        text = text.slice(0, at) + text.slice(at + 1 + int(200));
        break;
      case 1: // repeat a range
      case 2: {
        const len = 1 + int(400);
        const times = 1 + int(r() < 0.1 ? 2000 : 8);
        text = text.slice(0, at) + text.slice(at, at + len).repeat(times) + text.slice(at);
        break;
      }
      case 3: // truncate
        text = text.slice(0, at);
        break;
      case 4: // a range from another file of the corpus
      case 5: {
        const other = corpus[int(corpus.length)].text;
        const from = int(other.length);
        text = text.slice(0, at) + other.slice(from, from + 1 + int(2000)) + text.slice(at);
        break;
      }
      case 6: // a huge field: megabytes of one character
        if (r() < 0.15) text = text.slice(0, at) + 'x'.repeat(1 + int(3 << 20)) + text.slice(at);
        break;
      case 7: // deep nesting
        if (target === 'json') {
          const d = 1 + int(200000);
          text = `${text.slice(0, at)}${'['.repeat(d)}${']'.repeat(int(2) ? d : int(d))}${text.slice(at)}`;
        } else if (target === 'xml') {
          const d = 1 + int(20000);
          text = `${text.slice(0, at)}${'<a>'.repeat(d)}${'</a>'.repeat(int(2) ? d : 0)}${text.slice(at)}`;
        } else {
          text = text.slice(0, at) + '"'.repeat(1 + int(10000)) + text.slice(at);
        }
        break;
      case 8: // swap two lines
      case 9: {
        const lines = text.split('\n');
        if (lines.length > 2) {
          const a = int(lines.length);
          const b = int(lines.length);
          [lines[a], lines[b]] = [lines[b], lines[a]];
          text = lines.join('\n');
        }
        break;
      }
      default: // a token of the format
        text = text.slice(0, at) + tokens[int(tokens.length)] + text.slice(at);
    }
  }
  // What survives an encoder: lone surrogates become U+FFFD in both encodings alike.
  return new TextDecoder().decode(new TextEncoder().encode(text));
}

/** A mutated log collection: some files changed, dropped or added, as the entries of a zip. */
function makeBundle(files, seed, iteration) {
  const r = rng(seed * 7919 + iteration * 104729 + 3);
  const int = (n) => Math.floor(r() * n);
  const out = [];
  for (const [name, bytes] of files) {
    const k = int(10);
    if (k === 0) continue;
    let b = bytes;
    if (k === 1) b = b.subarray(0, int(b.length + 1));
    if (k === 2) {
      b = new Uint8Array(b);
      for (let i = 0; i < 1 + int(20); i++) if (b.length) b[int(b.length)] = int(256);
    }
    const deep = int(20) === 0 ? `${'d/'.repeat(1 + int(40))}` : '';
    const odd = ['', '../', '/', 'C:\\', 'a\\..\\'][int(12)] ?? '';
    out.push([`${odd}${deep}${name}`, b]);
  }
  if (int(4) === 0) out.push([`copy-${int(9)}.txt`, out[int(out.length)]?.[1] ?? new Uint8Array(0)]);
  return out;
}

/** The zip bytes of a bundle, mutated at the byte level now and then (headers, sizes, offsets). */
function zipBytes(zipSync, entries, seed, iteration) {
  const r = rng(seed * 31 + iteration);
  const int = (n) => Math.floor(r() * n);
  const obj = {};
  for (const [name, b] of entries) obj[name] = [b, { level: int(2) ? 6 : 0 }];
  let zip;
  try {
    zip = zipSync(obj, { mtime: new Date('2026-10-01T00:00:00Z') });
  } catch {
    zip = zipSync({ 'a.txt': new TextEncoder().encode('AzureAdJoined : YES\n') });
  }
  if (int(3) === 0) {
    zip = new Uint8Array(zip);
    for (let i = 0; i < 1 + int(12); i++) {
      const at = int(zip.length);
      zip[at] = [0, 0xff, 0x7f, 0x80, int(256)][int(5)];
    }
  }
  if (int(6) === 0) zip = zip.subarray(0, int(zip.length));
  return zip;
}

function utf16le(text) {
  const out = new Uint8Array(2 + 2 * text.length);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 + 2 * i] = c & 0xff;
    out[3 + 2 * i] = c >> 8;
  }
  return out;
}

if (isMainThread) {
  const args = process.argv.slice(2);
  const seconds = Number(option(args, '--seconds', '20'));
  const seed = Number(option(args, '--seed', String(Math.floor(Math.random() * 2 ** 31))));
  const limitMs = Number(option(args, '--limit-ms', '5000'));
  const heapMb = Number(option(args, '--heap-mb', '384'));
  const target = option(args, '--target', 'all');
  const targets = target === 'all' ? TARGETS : [target];
  if (!targets.every((t) => TARGETS.includes(t))) {
    console.error(`fuzz-events: --target is one of ${TARGETS.join(', ')} or all`);
    process.exit(2);
  }
  const dump = option(args, '--dump', undefined);
  if (dump !== undefined) {
    const t = targets[0];
    const file = path.join(tmpdir(), `fuzz-events-${t}-${seed}-${dump}.${t === 'bundle' ? 'zip' : t}`);
    if (t === 'bundle') {
      const { zipSync } = await import('fflate');
      writeFileSync(
        file,
        zipBytes(zipSync, makeBundle(loadBundle(), seed, Number(dump)), seed, Number(dump)),
      );
    } else writeFileSync(file, makeText(loadTexts(t), t, seed, Number(dump)));
    console.log(file);
    process.exit(0);
  }
  const each = seconds / targets.length;
  console.log(
    `fuzz-events: seed ${seed}, ${targets.join(', ')}: ${each.toFixed(0)} s each, ${limitMs} ms per input, ${heapMb} MB heap`,
  );
  let total = 0;
  for (const t of targets) {
    const result = await runTarget(t, seed, each, limitMs, heapMb);
    total += result.iterations ?? 0;
    if (!result.ok) {
      process.exitCode = 1;
      break;
    }
  }
  if (!process.exitCode) console.log(`fuzz-events: ${total} inputs in all: clean`);
} else {
  await work(workerData);
}

function runTarget(t, seed, seconds, limitMs, heapMb) {
  return new Promise((resolve) => {
    const worker = new Worker(fileURLToPath(import.meta.url), {
      workerData: { target: t, seed, seconds, limitMs },
      resourceLimits: { maxOldGenerationSizeMb: heapMb },
    });
    let current = -1;
    let lastBeat = Date.now();
    let done = false;
    let iterations = 0;
    const fail = (message, iteration) => {
      if (done) return;
      done = true;
      console.error(`fuzz-events: ${t}: FAIL: ${message}`);
      if (iteration >= 0) {
        console.error(
          `fuzz-events: reproduce with: node scripts/fuzz-events.mjs --target ${t} --seed ${seed} --dump ${iteration}`,
        );
      }
      void worker.terminate();
      resolve({ ok: false, iterations });
    };
    const watchdog = setInterval(() => {
      if (!done && Date.now() - lastBeat > limitMs * 4 + 5000) {
        fail(`iteration ${current} did not finish in ${limitMs * 4 + 5000} ms: a hang`, current);
      }
    }, 250);
    worker.on('message', (m) => {
      lastBeat = Date.now();
      if (m.type === 'start') current = m.iteration;
      else if (m.type === 'fail') fail(m.message, m.iteration);
      else if (m.type === 'done') {
        done = true;
        iterations = m.iterations;
        console.log(
          `fuzz-events: ${t}: ${m.iterations} inputs, ${m.records} records, ${m.warnings} warnings, ${m.refused} refused, ` +
            `slowest ${m.slowest.toFixed(1)} ms (iteration ${m.slowestIteration}), peak heap ${(m.peakHeap / 2 ** 20).toFixed(0)} MB: clean`,
        );
        resolve({ ok: true, iterations });
      }
    });
    worker.on('error', (err) => fail(`the worker died: ${err.message} (runaway memory?)`, current));
    worker.on('exit', () => {
      clearInterval(watchdog);
      if (!done) fail('the worker ended without a result', current);
    });
  });
}

async function work({ target, seed, seconds, limitMs }) {
  const lib = await import('../dist/index.js');
  const node = await import('../dist/node.js');
  const { zipSync } = await import('fflate');
  const corpus = target === 'bundle' ? loadBundle() : loadTexts(target);
  const end = Date.now() + seconds * 1000;
  const stats = { records: 0, warnings: 0, refused: 0 };
  let iterations = 0;
  let slowest = 0;
  let slowestIteration = -1;
  let peakHeap = 0;
  const folder = target === 'bundle' ? mkdtempSync(path.join(tmpdir(), 'fuzz-events-')) : undefined;

  /** Records and warnings of a text event export read by `reader` in pieces of `size`. */
  const readText = (text, size) => {
    const warnings = [];
    const reader = lib.textEventReader(target, { source: 'f', onWarning: (w) => warnings.push(w) });
    const records = [];
    try {
      for (let i = 0; i < text.length; i += size) records.push(...reader.push(text.slice(i, i + size)));
      records.push(...reader.end());
    } catch (err) {
      if (!(err instanceof lib.InputError)) throw err;
      return { records, warnings, refused: err.message };
    }
    return { records, warnings };
  };
  const sameRecords = (a, b) => JSON.stringify(a) === JSON.stringify(b);

  /** One input; throws on a failed oracle or an unexpected exception. */
  const once = async (i) => {
    if (target === 'bundle') {
      const entries = makeBundle(corpus, seed, i);
      const zip = zipBytes(zipSync, entries, seed, i);
      try {
        const bundle = await node.readZip('fuzz.zip', [zip]);
        for (const c of lib.classifyBundle(bundle.entries)) {
          if (c.kind === 'ignored' || c.kind === 'dsregcmd') continue;
          try {
            for (const rec of lib.readEvents(c.bytes, {
              source: c.name,
              onWarning: () => stats.warnings++,
            })) {
              stats.records++;
              void rec;
            }
          } catch (err) {
            if (!(err instanceof lib.InputError)) throw err;
          }
        }
      } catch (err) {
        if (!(err instanceof lib.InputError)) throw err;
        stats.refused++;
      }
      // The same files as a folder on disk (the names made safe: the folder reader takes real paths).
      rmSync(folder, { recursive: true, force: true });
      mkdirSync(folder);
      for (const [name, bytes] of entries) {
        const safe = name
          .replace(/\\/g, '/')
          .split('/')
          .filter((p) => p && p !== '..' && !p.includes(':'))
          .join('/');
        if (!safe) continue;
        const file = path.join(folder, safe);
        mkdirSync(path.dirname(file), { recursive: true });
        try {
          writeFileSync(file, bytes);
        } catch {
          // a name that is a folder elsewhere in the bundle
        }
      }
      try {
        const bundle = await node.readFolder(folder);
        lib.classifyBundle(bundle.entries);
      } catch (err) {
        if (!(err instanceof lib.InputError)) throw err;
      }
      return;
    }
    const text = makeText(corpus, target, seed, i);
    const whole = readText(text, text.length + 1);
    stats.records += whole.records.length;
    stats.warnings += whole.warnings.length;
    if (whole.refused) stats.refused++;
    for (const rec of whole.records) {
      if (typeof rec.recordId !== 'number' || typeof rec.time !== 'string' || typeof rec.data !== 'object')
        throw new Error(`malformed record ${JSON.stringify(rec).slice(0, 200)}`);
    }
    // The piece oracle: a 64 KiB read at a time, or odd small pieces, change nothing.
    const size = [1 + (i % 97), 4096, 65536][i % 3];
    const pieces = text.length > 2e6 && size < 4096 ? readText(text, 65536) : readText(text, size);
    // A refusal (a DTD) comes when it arrives: records before it may already be out in pieces.
    if (pieces.refused !== whole.refused) throw new Error(`pieces of ${size}: refused differently`);
    if (
      !whole.refused &&
      (!sameRecords(pieces.records, whole.records) || !sameRecords(pieces.warnings, whole.warnings))
    )
      throw new Error(`reading in pieces of ${size} differs from reading whole`);
    // The UTF-16 oracle, through the front door (decoding included).
    const viaBytes = (bytes) => {
      try {
        return [...lib.readEvents(bytes, { source: 'f' })];
      } catch (err) {
        if (!(err instanceof lib.InputError)) throw err;
        return err.message.replace(/ \(byte offset \d+\)/, '');
      }
    };
    const a = viaBytes(new TextEncoder().encode(text));
    const b = viaBytes(utf16le(text));
    if (!sameRecords(a, b)) throw new Error('UTF-16 and UTF-8 of the same text give different records');
  };

  for (let i = 0; Date.now() < end; i++) {
    parentPort.postMessage({ type: 'start', iteration: i });
    let ms;
    try {
      let t = cpuMs();
      await once(i);
      ms = cpuMs() - t;
      if (ms > limitMs) {
        // A slow input on a busy machine is tried again: only one slow every time fails.
        for (let k = 0; k < 2 && ms > limitMs; k++) {
          t = cpuMs();
          await once(i);
          ms = Math.min(ms, cpuMs() - t);
        }
      }
    } catch (err) {
      parentPort.postMessage({ type: 'fail', iteration: i, message: `${err?.stack ?? err}` });
      return;
    }
    if (ms > slowest) {
      slowest = ms;
      slowestIteration = i;
    }
    if (ms > limitMs) {
      parentPort.postMessage({
        type: 'fail',
        iteration: i,
        message: `took ${ms.toFixed(0)} ms, three times over`,
      });
      return;
    }
    if (i % 16 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    iterations++;
  }
  if (folder) rmSync(folder, { recursive: true, force: true });
  parentPort.postMessage({ type: 'done', iterations, slowest, slowestIteration, peakHeap, ...stats });
}
