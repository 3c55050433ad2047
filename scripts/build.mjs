// Bundles the CLI and the library into dist/ with esbuild: one file per entry point, so the bin
// starts fast (no module graph to resolve at run time). Large data loads lazily through splitting.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

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
