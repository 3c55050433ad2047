// Bundles the CLI and the library into dist/ with esbuild: one file per entry point, so the bin
// starts fast (no module graph to resolve at run time). Large data loads lazily through splitting.
import { rmSync } from 'node:fs';
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
const LAZY = ['wrap-ansi', 'fast-xml-parser', 'fflate', 'cli-progress'];

/** A callable, constructible stand-in for an export that is there only once `load()` has run. */
const FORWARD = `
const forward = (get) =>
  new Proxy(function () {}, {
    apply: (_, self, args) => Reflect.apply(get(), self, args),
    construct: (_, args, target) => Reflect.construct(get(), args),
    get: (_, key) => Reflect.get(get(), key),
    has: (_, key) => Reflect.has(get(), key),
  });`;

const lazyLibraries = {
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
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, async (args) => {
      // The names to forward are the library's own, read from it here.
      const names = Object.keys(await import(args.path));
      const lines = [
        `let lib;`,
        `const load = () => (lib ??= require(${JSON.stringify(args.path)}));`,
        FORWARD,
      ];
      for (const name of names) {
        const get = `() => load()[${JSON.stringify(name)}]`;
        lines.push(
          name === 'default' ? `export default forward(${get});` : `export const ${name} = forward(${get});`,
        );
      }
      return { contents: lines.join('\n'), resolveDir: process.cwd(), loader: 'js' };
    });
  },
};

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

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
  external: ['@electric-sql/pglite', 'pg'],
  plugins: [lazyLibraries],
  // Bundled CommonJS dependencies (commander ...) require Node's built-ins: give them a require.
  banner: {
    js: "import { createRequire as __dsregRequire } from 'node:module'; const require = __dsregRequire(import.meta.url);",
  },
  logLevel: 'warning',
  chunkNames: 'chunks/[name]-[hash]',
});
