import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The call-centre console: a small React app served by the BFF at `/console` (hash routing, so
 * the BFF needs no SPA fallback). `npm run build:console` builds it into `bff/console/dist`;
 * `npm exec -w bff -- vite --config console/vite.config.mts` serves it with hot reload and forwards
 * `/console/api` to a BFF on CONSOLE_DEV_API (default http://127.0.0.1:8080).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Desktop Chromium/Edge/Firefox only: no module-preload polyfill needed.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  server: {
    proxy: { '/console/api': process.env.CONSOLE_DEV_API ?? 'http://127.0.0.1:8080' },
  },
});
