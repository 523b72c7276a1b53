import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { offlinePlugin } from './build/offlinePlugin.ts';

// One config for the studio build and for Vitest. Unit tests run the core on the
// tfjs CPU backend; the `webgpu` project runs the same core on the real WebGPU
// backend through Dawn (SwiftShader when there is no GPU), one file at a time
// because a Dawn device per worker is heavy.
/**
 * Cross-origin isolation: without it a browser offers no SharedArrayBuffer, which the cpu
 * kernels' worker threads share their WebAssembly memory through. The studio loads nothing
 * cross-origin but the companion's API, whose CORS responses COEP allows. A host serving the
 * built studio should send the same two headers (docs/performance.md, "Threads").
 */
const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  plugins: [react(), offlinePlugin()],
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    // bench.html: the browser half of `npm run bench`, also for anyone timing their own browser.
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        bench: fileURLToPath(new URL('./bench.html', import.meta.url)),
      },
    },
  },
  worker: { format: 'es' },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.webgpu.test.ts', 'node_modules/**'],
          setupFiles: ['test/setupCpu.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'webgpu',
          environment: 'node',
          include: ['src/**/*.webgpu.test.ts', 'test/**/*.webgpu.test.ts'],
          setupFiles: ['test/setupWebgpu.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
