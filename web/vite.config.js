// The web app's build: Vue single-file components, Vant's components imported where
// used, and the traditional Chinese messages made from the simplified ones (OpenCC,
// Taiwan phrases) at build time, so that only zh-CN and en are written by hand.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { zhTW } from './build/zh-tw.js';
import { localOnly } from './build/local-only.js';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [vue(), zhTW(), localOnly()],
  build: {
    outDir: fileURLToPath(new URL('../build/web', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: false,
  },
  server: {
    // `npx vite web` for development, with the API of a louyu on :8080
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
