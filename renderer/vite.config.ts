// Builds the UI into dist/renderer: one bundle with no external resources, relative URLs so the
// same files load from the daemon's web server and from the desktop app, and no inline script
// so the page runs under `script-src 'self'`.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // Every browser that runs the UI (Electron's Chromium, current browsers) has modulepreload.
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
  server: { host: '127.0.0.1' },
});
