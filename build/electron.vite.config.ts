// Bundles the three Electron targets. The CLI is a second entry of the main bundle: it is plain
// Node (no electron import), so `npx mxaudit` runs it without the Electron binary.
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

const root = resolve(import.meta.dirname, '..');

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      rollupOptions: {
        input: {
          index: resolve(root, 'main/app/index.ts'),
          cli: resolve(root, 'main/cli/index.ts'),
          // The gateway's own process (utilityProcess in the app, fork in serve mode).
          'gateway-host': resolve(root, 'main/gateway-host/index.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // A sandboxed preload cannot be an ES module: CommonJS, named .cjs beside type=module.
      rollupOptions: { input: { index: resolve(root, 'main/preload/index.ts') }, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      // The page is what a browser downloads and parses at start: minified.
      minify: true,
      rollupOptions: { input: { index: resolve(root, 'renderer/index.html') } },
    },
  },
});
