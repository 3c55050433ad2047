// Bundles the CLI and the library into dist/ with esbuild: one file per entry point, so the bin
// starts fast (no module graph to resolve at run time). Large data loads lazily through splitting.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { build } from 'esbuild';

/**
 * Libraries evaluated on first use instead of when the bundle loads. Importing wrap-ansi costs more
 * than all the rest of `diagnose` (its string-width builds an Intl.Segmenter and an RGI_Emoji
 * regex when it loads, though plain ASCII text never reaches it: src/report/wrap.ts wraps that
 * itself); the XML parser, the zip library and the progress bar are needed only for an XML export,
 * a zip or a terminal. Each import of these from our code resolves to a stand-in module whose
 * exports forward to the library, which esbuild then bundles as a lazily initialised module
 * (`require` of an ES module): the library's code is in the same chunk as before, but runs only
 * when one of its exports is first called, constructed or read.
 */
const LAZY = ['wrap-ansi', 'fast-xml-parser', 'fflate', 'cli-progress', 'ldapts'];

/** A callable, constructible stand-in for an export that is there only once `load()` has run. */
const FORWARD = `
const forward = (get) =>
  new Proxy(function () {}, {
    apply: (_, self, args) => Reflect.apply(get(), self, args),
    construct: (_, args, target) => Reflect.construct(get(), args),
    get: (_, key) => Reflect.get(get(), key),
    has: (_, key) => Reflect.has(get(), key),
  });`;

/**
 * The stand-ins' require() of each library: in the ES module build, the library bundled in the
 * same chunk; in the bin's bundles (`separate`), the library's own bundle beside them
 * (dist/cli/lib/<name>.cjs, see libraryBundles), which the bin compiles from a code cache of its
 * own when a run first uses it. A command then neither reads nor deserialises a library it does not
 * use: in a text diagnosis that is the XML parser, the zip library, the progress bar, wrap-ansi
 * and the LDAP client, half of the bundle's source.
 */
const lazyLibraries = (separate) => ({
  name: 'lazy-libraries',
  setup(b) {
    const filter = new RegExp(`^(${LAZY.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, async (args) => {
      if (args.pluginData === LAZY) return undefined;
      if (args.namespace !== 'lazy') return { path: args.path, namespace: 'lazy' };
      // The stand-in's require() gets the library's ES module build, the one an import gets.
      const { path, errors } = await b.resolve(args.path, {
        kind: 'import-statement',
        resolveDir: args.resolveDir,
        pluginData: LAZY,
      });
      return errors.length > 0 ? { errors } : { path };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, async (args) => ({
      // The names to forward are the library's own, read from it here.
      contents: standIn(
        separate
          ? `__dsregLoad(${JSON.stringify(libraryFile(args.path))})`
          : `require(${JSON.stringify(args.path)})`,
        Object.keys(await import(args.path)),
      ),
      resolveDir: process.cwd(),
      loader: 'js',
    }));
  },
});

/** The file of a library's own bundle, relative to dist/cli/: lib/<package name>.cjs. */
function libraryFile(name) {
  return `lib/${name.replaceAll('/', '+')}.cjs`;
}

/** The source of a module whose exports `names` forward to the module that `load` (an expression) returns, loaded on first use. */
function standIn(load, names) {
  const lines = [`let lib;`, `const load = () => (lib ??= ${load});`, FORWARD];
  for (const name of names) {
    // A CommonJS library's default export is its module.exports (an import of it says so),
    // which require() hands back as it is; an ES module's is its `default`.
    const get =
      name === 'default'
        ? '() => { const m = load(); return m && m.__esModule ? m.default : m; }'
        : `() => load()[${JSON.stringify(name)}]`;
    lines.push(
      name === 'default' ? `export default forward(${get});` : `export const ${name} = forward(${get});`,
    );
  }
  return lines.join('\n');
}

/**
 * Our own modules that the bin's bundles evaluate on first use, as LAZY does for libraries. Each
 * module has the exports its importers use (`names`: functions, which the stand-in forwards to the
 * module, required on first call) and, if only some importers get the stand-in, which (`importers`;
 * the others import the module itself). A stand-in's function calls the module's with the same
 * arguments (a plain function, not a Proxy: a CSV reader calls some once a row). The HTML report (its
 * Preact components and renderer) is needed only for `--format html`, yet src/report/build.ts
 * imports it for every format, as it does the Markdown report. The rules call the knowledge base's
 * codes and the capture's key spellings only when they check a capture: `rules`, which lists
 * them, then never builds those tables. A text input needs neither the .evtx reader nor the XML
 * and JSON exports' readers, and an .evtx listed by `events` needs neither sniff nor the dsregcmd
 * parser (which redact/plain.ts's sniff would evaluate).
 */
const LAZY_OWN = {
  'src/report/html.tsx': { names: ['renderHtml'] },
  'src/kb/describe.ts': { names: ['describeCode'] },
  'src/kb/guide-codes.ts': { names: ['matchServerError'], importers: ['src/rules/findings.ts'] },
  'src/dsregcmd/keys.ts': { names: ['normalizeKey'], importers: ['src/rules/join-failure.ts'] },
  'src/evtx/index.ts': {
    names: ['bytesSource', 'isEvtx', 'readEvtx', 'readEvtxJson'],
    importers: ['src/events/read.ts', 'src/cli/intake.ts'],
  },
  'src/events/xml.ts': { names: ['parseEventXml', 'xmlReader'], importers: ['src/events/read.ts'] },
  'src/events/json.ts': { names: ['jsonReader', 'parseEventJson'], importers: ['src/events/read.ts'] },
  'src/events/fields.ts': {
    names: ['canonicalProvider', 'nameValues'],
    importers: ['src/events/csv.ts', 'src/events/json.ts'],
  },
  'src/events/levels.ts': {
    names: ['levelFromName'],
    importers: ['src/events/csv.ts', 'src/events/json.ts'],
  },
  'src/report/markdown.ts': { names: ['renderMarkdown'], importers: ['src/report/build.ts'] },
  'src/input/sniff.ts': { names: ['sniff'], importers: ['src/redact/plain.ts'] },
};

/** The source of a stand-in for our own module at `path`: each of its functions `names`, required on first call. */
function ownStandIn(path, names) {
  const lines = ['let own;', `const load = () => (own ??= require(${JSON.stringify(path)}));`];
  for (const name of names) {
    const key = JSON.stringify(name);
    lines.push(`export function ${name}(...args) { const f = load()[${key}]; return f(...args); }`);
  }
  return lines.join('\n');
}

const lazyOwnModules = {
  name: 'lazy-own-modules',
  setup(b) {
    const files = Object.keys(LAZY_OWN);
    const ending = (path, f) => path.replaceAll('\\', '/').endsWith(`/${f}`);
    const own = (path) => files.find((f) => ending(path, f));
    // Only relative specifiers that end in one of the modules' names (./html.js for html.tsx).
    const names = files.map((f) =>
      f
        .replace(/^.*\//, '')
        .replace(/\.tsx?$/, '')
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    );
    b.onResolve({ filter: new RegExp(`^\\.\\.?/(?:.*/)?(?:${names.join('|')})\\.js$`) }, async (args) => {
      if (args.pluginData === LAZY_OWN || args.namespace === 'lazy-own') return undefined;
      const { path, errors } = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: LAZY_OWN,
      });
      const file = errors.length > 0 ? undefined : own(path);
      if (file === undefined) return undefined;
      const { importers } = LAZY_OWN[file];
      if (importers && !importers.some((f) => ending(args.importer, f))) return { path };
      // Named from the repository's root, so that no bundle holds the path of the checkout it was built in.
      return { path: `./${relative(process.cwd(), path).replaceAll('\\', '/')}`, namespace: 'lazy-own' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-own' }, (args) => ({
      contents: ownStandIn(args.path, LAZY_OWN[own(args.path)].names),
      resolveDir: process.cwd(),
      loader: 'js',
    }));
  },
};

/**
 * commander requires node:child_process (for commands run as programs of their own, which ours are
 * not): loading it costs every start-up child_process, net and dgram. Here it gets the module only
 * if it ever uses it.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.namespace !== 'lazy-builtin' && /[/\\]node_modules[/\\]commander[/\\]/.test(args.importer)
        ? { path: args.path, namespace: 'lazy-builtin' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= require(${JSON.stringify(args.path)}))[k] });`,
      loader: 'js',
    }));
  },
};

/**
 * picocolors decides its default colouring when it loads, by reading process.stdout.isTTY: that
 * read makes Node build the stream of standard output (node:stream and its modules, node:tty and
 * node:net on a terminal) in every start-up, before a line is written. Our commands never use that
 * default: each calls createColors(enabled) with its own answer (src/cli/options.ts, useColor). In
 * the bundle, the default is made off without the read; the build fails if the library changes
 * so that the line is no longer there.
 */
const PICO_TTY = '((p.stdout || {}).isTTY && env.TERM !== "dumb")';
const quietPicocolors = {
  name: 'quiet-picocolors',
  setup(b) {
    b.onLoad({ filter: /[/\\]node_modules[/\\]picocolors[/\\]picocolors\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes(PICO_TTY)) {
        return { errors: [{ text: `picocolors changed: ${PICO_TTY} is not in ${args.path}` }] };
      }
      return { contents: text.replace(PICO_TTY, 'false'), loader: 'js' };
    });
  },
};

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

/**
 * The Windows headers' code names (src/kb/generated/generic-codes.ts, 170 KB of packed text) are
 * imported on first use. In the bin's bundles they are a data file beside them
 * (dist/cli/generic-codes.bin, the table packed as bytes by src/kb/code-table.ts), read when the
 * names are first asked for: a lookup by value then searches the bytes where they lie instead of
 * parsing 170 KB of JSON and decoding every block's values first, and no string literal that size
 * sits in the code cache of every command that ever named a code.
 */
const GENERIC_NAMES = /[/\\]src[/\\]kb[/\\]generic-codes\.ts$/;
const codesAsData = {
  name: 'codes-as-data',
  setup(b) {
    b.onLoad({ filter: GENERIC_NAMES }, (args) => ({
      contents: [
        "import { tableCodeNames } from './code-table.js';",
        'export const genericNames = () =>',
        "  tableCodeNames(require('node:fs').readFileSync(require('node:path').join(__dirname, 'generic-codes.bin')));",
      ].join('\n'),
      resolveDir: args.path.replace(/[/\\][^/\\]*$/, ''),
      loader: 'js',
    }));
  },
};

/** Writes dist/cli/generic-codes.bin: the GENERIC_BLOCKS of the generated module, packed by src/kb/code-table.ts. */
async function writeCodesData() {
  const load = async (path) => {
    const { outputFiles } = await build({
      entryPoints: [path],
      bundle: true,
      format: 'cjs',
      platform: 'neutral',
      write: false,
      logLevel: 'warning',
    });
    const module = { exports: {} };
    new Function('module', 'exports', outputFiles[0].text)(module, module.exports);
    return module.exports;
  };
  const { GENERIC_BLOCKS } = await load('src/kb/generated/generic-codes.ts');
  const { encodeCodeTable } = await load('src/kb/code-table.ts');
  if (!Array.isArray(GENERIC_BLOCKS))
    throw new Error('build: no GENERIC_BLOCKS in src/kb/generated/generic-codes.ts');
  mkdirSync('dist/cli', { recursive: true });
  writeFileSync('dist/cli/generic-codes.bin', encodeCodeTable(GENERIC_BLOCKS));
}

const external = ['@electric-sql/pglite', 'pg'];

await build({
  entryPoints: { cli: 'src/cli/main.ts', index: 'src/index.ts', node: 'src/node/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  packages: 'bundle',
  // The databases of the fleet server load their own files at run time (PGlite its WebAssembly and
  // data, pg its optional native binding): they stay in node_modules, loaded only by `serve`.
  external,
  plugins: [lazyLibraries(false), lazyChildProcess, quietPicocolors],
  // Bundled CommonJS dependencies (commander ...) require Node's built-ins: give them a require.
  banner: {
    js: "import { createRequire as __dsregRequire } from 'node:module'; const require = __dsregRequire(import.meta.url);",
  },
  logLevel: 'warning',
  chunkNames: 'chunks/[name]-[hash]',
  // The HTML report is drawn by the page's Preact components (src/report/components/*.tsx).
  jsx: 'automatic',
  jsxImportSource: 'preact',
});

/**
 * In the CommonJS bundle of the bin (see bin/dsreg-doctor.js), which runs as a vm.Script: an import()
 * of a package left in node_modules goes through the bin's own import(), the one a script has.
 */
const hostImport = {
  name: 'host-import',
  setup(b) {
    const calls = new RegExp(
      `\\bimport\\((['"])(${external.join('|').replace(/[.*+?^${}()[\]\\/]/g, '\\$&')})\\1\\)`,
      'g',
    );
    b.onLoad({ filter: /[/\\]src[/\\].*\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!calls.test(text)) return undefined;
      return { contents: text.replace(calls, '__dsregImport($1$2$1)'), loader: 'ts' };
    });
  },
};

/** The commands main.ts imports, each with import('./commands/<name>.js'). */
const commands = [
  ...readFileSync('src/cli/main.ts', 'utf8').matchAll(/import\('\.\/commands\/([a-z]+)\.js'\)/g),
].map((m) => m[1]);

/** In the bundle of one command, main.ts's import() of every other command gets an empty module. */
const onlyCommand = (name) => ({
  name: 'only-command',
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\/[a-z]+\.js$/ }, (args) =>
      /[/\\]src[/\\]cli[/\\]main\.ts$/.test(args.importer) && args.path !== `./commands/${name}.js`
        ? { path: args.path, namespace: 'other-command' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'other-command' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
});

/** What every CommonJS bundle the bin runs is built with (the commands', help's, the libraries'). */
const BIN_BUNDLE = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  // Short local names: less source to read and a smaller code cache to deserialise at every start
  // (the diagnose bundle 583 to 449 KB, its cache 522 to 496 KB: some 3 million instructions fewer,
  // 2.7% of its start). Nothing reads a name of the bundles' own: the errors the CLI tells apart
  // set their `name` (src/types.ts), and what a user sees never includes a stack trace.
  minifyIdentifiers: true,
  legalComments: 'none',
  logLevel: 'warning',
};

// The bin's CLI as CommonJS, one file per command (dist/cli/<command>.cjs, and main.cjs for no
// command or an unknown one), compiled from V8's code cache at start-up (bin/dsreg-doctor.js): each
// holds main.ts and its one command, so that a start-up reads and deserialises only what it runs.
// Splitting is for ES modules only: the modules a command imports with import() are in its file
// but run only when they are needed.
await writeCodesData();
await Promise.all(
  ['main', ...commands].map((name) =>
    build({
      entryPoints: ['src/cli/main.ts'],
      outfile: `dist/cli/${name}.cjs`,
      ...BIN_BUNDLE,
      sourcemap: false,
      packages: 'bundle',
      external,
      plugins: [
        lazyLibraries(true),
        lazyOwnModules,
        lazyChildProcess,
        quietPicocolors,
        codesAsData,
        hostImport,
        onlyCommand(name),
      ],
      // import() of Node's built-ins becomes require(): a vm.Script has no import() (see hostImport).
      supported: { 'dynamic-import': false },
      // import.meta.url made when it is read (only `web` reads it), not when the bundle loads.
      define: { 'import.meta': '__dsregMeta' },
      banner: {
        js: [
          "const __dsregImport = (s) => (globalThis[Symbol.for('dsreg-doctor.import')] ?? ((x) => import(x)))(s);",
          "const __dsregLoad = (f) => (globalThis[Symbol.for('dsreg-doctor.load')] ?? ((x) => require(require('node:path').join(__dirname, x))))(f);",
          "const __dsregMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };",
        ].join('\n'),
      },
    }),
  ),
);

await libraryBundles();
await helpBundle();
await writeHelpPages();

/**
 * dist/cli/help.cjs: src/cli/quick-help.ts alone, which the bin runs first when the arguments look
 * like a call for help, to print the page writeHelpPages wrote without loading the CLI.
 */
async function helpBundle() {
  await build({
    entryPoints: ['src/cli/quick-help.ts'],
    outfile: 'dist/cli/help.cjs',
    ...BIN_BUNDLE,
  });
}

/**
 * dist/cli/help/<main or command>.txt: what main() prints for each call for help of the program
 * and of each command (PROGRAM_FORMS, commandForms), at each width help is wrapped to, the texts
 * kept once each. A page that printed to both outputs is not written (the CLI then answers).
 */
async function writeHelpPages() {
  const cli = await import('../dist/cli.js');
  const { min, max } = cli.HELP_WIDTHS;
  mkdirSync('dist/cli/help', { recursive: true });
  const targets = [
    ['main', cli.PROGRAM_FORMS],
    ...cli.COMMANDS.map((c) => [c.name, cli.commandForms(c.name)]),
  ];
  for (const [target, forms] of targets) {
    const texts = [];
    const pages = {};
    for (const form of forms) {
      const page = { fd: 0, code: 0, widths: [] };
      for (let width = min; width <= max; width++) {
        const out = [];
        const err = [];
        const io = {
          stdout: (t) => void out.push(t),
          stderr: (t) => void err.push(t),
          read: () => Promise.reject(new Error('build: help read a file')),
          isTTY: true,
          columns: width,
          env: {},
          now: () => new Date(0),
        };
        const code = await cli.main([...form], io);
        const fd = out.length > 0 && err.length === 0 ? 1 : err.length > 0 && out.length === 0 ? 2 : 0;
        if (fd === 0 || (page.fd !== 0 && (fd !== page.fd || code !== page.code))) {
          pages[form.join(' ')] = undefined;
          break;
        }
        const text = (fd === 1 ? out : err).join('');
        let at = texts.indexOf(text);
        if (at < 0) at = texts.push(text) - 1;
        Object.assign(page, { fd, code });
        page.widths.push(at);
        pages[form.join(' ')] = page;
      }
    }
    // The pages and where each text ends on the first line, the texts after it, one after another
    // (quick-help.ts then cuts out the one text it prints instead of parsing them all).
    const ends = [];
    let end = 0;
    for (const text of texts) {
      end += text.length;
      ends.push(end);
    }
    writeFileSync(`dist/cli/help/${target}.txt`, `${JSON.stringify({ pages, ends })}\n${texts.join('')}`);
  }
}

/**
 * Each library of LAZY in a CommonJS bundle of its own, dist/cli/lib/<name>.cjs, for the bin's
 * bundles (see lazyLibraries): its module.exports is the library's ES module namespace. A library
 * keeps no state that our code shares with another copy, so one bundle each is safe.
 */
async function libraryBundles() {
  await Promise.all(
    LAZY.map(async (name) => {
      const names = Object.keys(await import(name));
      await build({
        stdin: {
          contents: [
            `export * from ${JSON.stringify(name)};`,
            ...(names.includes('default') ? [`export { default } from ${JSON.stringify(name)};`] : []),
          ].join('\n'),
          resolveDir: process.cwd(),
          loader: 'js',
        },
        outfile: `dist/cli/${libraryFile(name)}`,
        ...BIN_BUNDLE,
      });
    }),
  );
}

// The bin reads each bundle as Latin-1, not UTF-8 (bin/dsreg-doctor.js): that is the same text
// only if the bundle is ASCII, which esbuild writes by default (charset: 'ascii'). Checked here.
for (const file of [...['main', ...commands, 'help'].map((n) => `${n}.cjs`), ...LAZY.map(libraryFile)]) {
  const bytes = readFileSync(`dist/cli/${file}`);
  const at = bytes.findIndex((b) => b > 0x7f);
  if (at >= 0) throw new Error(`build: dist/cli/${file} is not ASCII (byte ${at})`);
}

/**
 * The code cache of each command's bundle, made by running the bin once on an example (the cache
 * then holds what that run compiled). Written by the bin itself (bin/dsreg-doctor.js): a failed run
 * leaves no cache, and the bin still works without one. A help whose page was written (`--help`,
 * `probe --help`) is printed by help.cjs alone: `--help` twice is no form of quick-help.ts, so the
 * bundles whose warm-up is a help run the CLI.
 */
const WARM_UP = {
  help: ['--help'],
  main: ['--help', '--help'],
  diagnose: ['diagnose', 'examples/dsregcmd/join-fail-device-not-synced.txt'],
  lookup: ['lookup', '0x801c03f2'],
  redact: ['redact', 'examples/dsregcmd/join-fail-device-not-synced.txt'],
  events: ['events', 'examples/events/aad-operational.evtx'],
  reconcile: [
    'reconcile',
    'examples/reconcile/ad-computers.csv',
    'examples/reconcile/entra-devices.csv',
    'examples/reconcile/wks-left-status.txt',
    '--now',
    '2026-12-01T12:00:00Z',
  ],
  rules: ['rules'],
};
for (const name of ['help', 'main', ...commands]) {
  const args = WARM_UP[name] ?? [name, '--help', '--help'];
  const run = spawnSync(process.execPath, ['bin/dsreg-doctor.js', ...args], { stdio: 'ignore' });
  if (run.status !== 0 && run.status !== 1) console.warn(`build: warming up ${args.join(' ')} failed`);
}
