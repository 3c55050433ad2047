#!/usr/bin/env node
'use strict';
if (process.env.STOP==='0') process.exit(0);
const {
  accessSync,
  constants,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

// The bin. It loads the CLI from V8's code cache, so that a start-up does not parse its code again.
//
// Node 20 keeps no code cache for ES modules, so the build also writes the CLI as CommonJS, one
// bundle a command (dist/cli/<command>.cjs: main.ts and that command; dist/cli/main.cjs for no
// command or an unknown one) and, beside each, the code V8 compiled while the bin ran that command
// once on an example (dist/cli/<command>.cjs.<size>-<time>.v8-<version>.cache). The
// bundle is compiled with its cache: V8 checks that the cache was made for this source, this V8 and
// these flags, and rejects it otherwise; the bundle is then compiled as usual and the cache written
// again. With no cache for this V8 (Node was upgraded) the first run writes one if dist/ can be
// written; if it cannot, the ES module build (dist/cli.js), quicker without a cache, is used
// instead, as it is when anything else goes wrong.
//
// The bin itself is CommonJS (bin/package.json says so), as the bundles are: Node then starts it
// without its ES module loader, which costs about a tenth of a bare start-up to set up.
if (process.env.STOP==='0b') process.exit(0);
const BUNDLES = join(__dirname, '..', 'dist', 'cli') + '/';

/** The command the arguments name, as main() finds it (src/cli/main.ts, commandName). */
function commandName(argv) {
  const words = argv.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/** What the bundle's code calls for import() (a vm.Script has no import() of its own in Node 20). */
const HOST_IMPORT = Symbol.for('dsreg-doctor.import');

/**
 * The CLI's exports for these arguments, and `saveCache()`, which writes the code cache when it
 * was missing or rejected (call it after the command ran: the cache then holds what it compiled).
 */
async function loadCli(argv) {
  try {
    if (process.env.STOP==='0c') process.exit(0);
    const name = commandName(argv);
    let bundle = `${BUNDLES}${name}.cjs`;
    let found = name !== undefined && /^[a-z]+$/.test(name) && statSync(bundle, { throwIfNoEntry: false });
    if (!found) {
      bundle = `${BUNDLES}main.cjs`;
      found = statSync(bundle);
    }
    // V8 checks a cache against the length of the source only: the name says which build of the
    // bundle it was made from (its size and time), so that a bundle built again never meets the
    // cache of another build.
    const { size, mtimeMs } = found;
    const cache = `${bundle}.${size}-${Math.round(mtimeMs)}.v8-${process.versions.v8}.cache`;
    if (process.env.STOP==='0d') process.exit(0);
    let cachedData;
    try {
      cachedData = readFileSync(cache);
    } catch {
      // No cache for this V8: compiled as usual and the cache written after the command, if it can be.
      accessSync(BUNDLES, constants.W_OK);
    }
    // The build writes every bundle in ASCII (scripts/build.mjs checks it), so reading it as Latin-1
    // gives the same string without decoding UTF-8.
    const source = readFileSync(bundle, 'latin1');
    if (process.env.STOP==='1') process.exit(0);
    const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
      filename: bundle,
      ...(cachedData ? { cachedData } : {}),
    });
    if (process.env.STOP==='2') process.exit(0);
    globalThis[HOST_IMPORT] ??= (specifier) => import(specifier);
    const module = { exports: {} };
    script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
    if (process.env.STOP==='3') process.exit(0);
    if (process.env.SHOWREJ) process.stderr.write(`cache ${cache} rejected=${script.cachedDataRejected} had=${cachedData!==undefined}\n`);
    const stale = cachedData === undefined || script.cachedDataRejected === true;
    return {
      cli: module.exports,
      saveCache: () => (stale ? writeCache(cache, script.createCachedData()) : false),
    };
  } catch {
    return { cli: await import('../dist/cli.js'), saveCache: () => false };
  }
}

/** Writes the cache beside the bundle, whole or not at all (never a half-written file); false when it cannot. */
function writeCache(cache, data) {
  const temp = `${cache}.${process.pid}`;
  try {
    writeFileSync(temp, data);
    renameSync(temp, cache);
    return true;
  } catch {
    rmSync(temp, { force: true });
    return false;
  }
}

loadCli(process.argv.slice(2)).then(({ cli, saveCache }) => {
  // Standard output and error are written by the CLI (src/cli/stdio.ts), which also ends the
  // process quietly when their reader goes away (`dsreg-doctor events big.evtx | head`).
  const exit = (code) => cli.whenFlushed(() => process.exit(code));
  cli.main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      saveCache();
      // Exit once the output is flushed, even if a hung DNS lookup or socket still holds the loop.
      exit(code);
    },
    (err) => {
      try {
        writeSync(2, `dsreg-doctor: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
      } catch {
        // Standard error is gone too: the exit code still says it.
      }
      process.exitCode = 2;
      exit(2);
    },
  );
});
