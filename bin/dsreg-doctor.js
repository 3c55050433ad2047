#!/usr/bin/env node
'use strict';
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
// instead, as it is when anything else goes wrong. The libraries that only some runs need (the
// XML parser, the zip library, the LDAP client ...) are bundles of their own (dist/cli/lib/), run
// the same way, from a cache of their own, when a run first uses one. A call for help or for the
// version is answered before any of that, from the pages the build wrote (see quickHelp).
//
// The bin itself is CommonJS (bin/package.json says so), as the bundles are: Node then starts it
// without its ES module loader, which costs about a tenth of a bare start-up to set up.
const BUNDLES = join(__dirname, '..', 'dist', 'cli') + '/';

/** The command the arguments name, as main() finds it (src/cli/main.ts, commandName). */
function commandName(argv) {
  const words = argv.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/** What the bundle's code calls for import() (a vm.Script has no import() of its own in Node 20). */
const HOST_IMPORT = Symbol.for('dsreg-doctor.import');
/** What the bundle's code calls to load a library's own bundle (dist/cli/lib/<name>.cjs) on first use. */
const HOST_LOAD = Symbol.for('dsreg-doctor.load');

/** The scripts compiled without a usable cache in this run: their caches are written after the command. */
const stale = [];

/**
 * Runs one CommonJS bundle of dist/cli/ (its stat given) from its code cache and returns its
 * exports. Throws if the bundle cannot be read, or if there is no cache and none could be written.
 */
function run(bundle, { size, mtimeMs }, needCache) {
  // V8 checks a cache against the length of the source only: the name says which build of the
  // bundle it was made from (its size and time), so that a bundle built again never meets the
  // cache of another build.
  const cache = `${bundle}.${size}-${Math.round(mtimeMs)}.v8-${process.versions.v8}.cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cache);
  } catch {
    // No cache for this V8: compiled as usual and the cache written after the command, if it can be.
    if (needCache) accessSync(BUNDLES, constants.W_OK);
  }
  // The build writes every bundle in ASCII (scripts/build.mjs checks it), so reading it as Latin-1
  // gives the same string without decoding UTF-8.
  const source = readFileSync(bundle, 'latin1');
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} };
  // The bundles require only Node's built-ins and the packages left in node_modules, which resolve
  // the same from here as from dist/cli/; their own files they load through HOST_LOAD.
  script.runInThisContext()(module.exports, require, module, bundle, dirname(bundle));
  if (cachedData === undefined || script.cachedDataRejected === true) stale.push({ cache, script });
  return module.exports;
}

/** A library's bundle, `lib/<name>.cjs` relative to dist/cli/, run once and then kept. */
const libraries = new Map();
function loadLibrary(file) {
  let exports = libraries.get(file);
  if (exports === undefined) {
    const bundle = BUNDLES + file;
    exports = run(bundle, statSync(bundle), false);
    libraries.set(file, exports);
  }
  return exports;
}

/**
 * The CLI's exports for these arguments, and `saveCache()`, which writes the code caches that were
 * missing or rejected (call it after the command ran: a cache then holds what the run compiled).
 */
async function loadCli(argv) {
  try {
    const name = commandName(argv);
    let bundle = `${BUNDLES}${name}.cjs`;
    let found = name !== undefined && /^[a-z]+$/.test(name) && statSync(bundle, { throwIfNoEntry: false });
    if (!found) {
      bundle = `${BUNDLES}main.cjs`;
      found = statSync(bundle);
    }
    globalThis[HOST_IMPORT] ??= (specifier) => import(specifier);
    globalThis[HOST_LOAD] ??= loadLibrary;
    const cli = run(bundle, found, true);
    return {
      cli,
      saveCache: saveCaches,
    };
  } catch {
    return { cli: await import('../dist/cli.js'), saveCache: () => false };
  }
}

/** Writes the caches that were missing or rejected in this run (after the command: they then hold what it compiled). */
function saveCaches() {
  for (const { cache, script } of stale.splice(0)) writeCache(cache, script.createCachedData());
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

/**
 * Prints the help or version the arguments ask for from the pages the build wrote (dist/cli/help/,
 * see src/cli/quick-help.ts) and exits; false when they ask for something else, or no page fits.
 */
function quickHelp(argv) {
  // A first look, as quick-help.ts's mayBeHelp: any other run does not even load help.cjs.
  if (
    !(
      argv.length === 0 ||
      (argv.length <= 2 && argv.some((a) => /^(?:-h|--help|help|-V|--version)$/.test(a)))
    )
  )
    return false;
  let help;
  let code;
  try {
    const bundle = `${BUNDLES}help.cjs`;
    help = run(bundle, statSync(bundle), false);
    code = help.quickHelp(argv, `${BUNDLES}help`);
  } catch {
    return false;
  }
  if (code === undefined) return false;
  process.exitCode = code;
  saveCaches();
  help.whenFlushed(() => process.exit(code));
  return true;
}

if (!quickHelp(process.argv.slice(2)))
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
