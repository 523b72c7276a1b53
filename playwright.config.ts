import { defineConfig } from '@playwright/test';
import { chromiumLaunch } from './src/node/chromiumLaunch.ts';

// Debian's Chromium with WebGPU on SwiftShader (see docs/testing.md and src/node/chromiumLaunch.ts).
const chromium = chromiumLaunch();
const port = 4173;

export default defineConfig({
  testDir: 'e2e',
  timeout: 240_000,
  expect: { timeout: 120_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${port}`,
    // Left on auto, the studio passes over SwiftShader (a software renderer) for its cpu kernels;
    // these tests are about training on WebGPU, so they ask for it, as a person can on the home
    // page. e2e/compute.spec.ts checks the automatic choice.
    storageState: { cookies: [], origins: [{ origin: `http://localhost:${port}`, localStorage: [{ name: 'studio.compute', value: 'webgpu' }] }] },
    trace: 'retain-on-failure',
    launchOptions: chromium,
  },
  webServer: {
    command: `npx vite preview --port ${port} --strictPort`,
    url: `http://localhost:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
