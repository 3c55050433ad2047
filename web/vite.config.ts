// The browser page: a static bundle that imports the core straight from ../src. Built with
// `npm run build:web` into web/dist, which any static web server (or `dsreg-doctor web`) can serve.
// JSX goes through esbuild's automatic runtime for Preact: no framework plugin needed.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  // Relative asset URLs, so the built files work from any folder of any web server.
  base: './',
  publicDir: 'public',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  // The reading runs in a module worker (analysis.worker.ts), which loads the Windows names on demand.
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Every asset is a file of its own: no data: URLs to widen the Content-Security-Policy for.
    assetsInlineLimit: 0,
    // The page targets browsers that support modulepreload; no polyfill script.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    chunkSizeWarningLimit: 400,
    // Two pages: the diagnosis page, and the fleet dashboard that `dsreg-doctor serve` sends at /.
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('index.html', import.meta.url)),
        dashboard: fileURLToPath(new URL('dashboard/index.html', import.meta.url)),
      },
    },
  },
  server: { fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
});
