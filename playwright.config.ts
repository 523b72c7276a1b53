import { defineConfig } from '@playwright/test';
import { chromiumLaunch } from './src/node/chromiumLaunch.ts';

// Debian's Chromium with WebGPU on SwiftShader (see docs/testing.md and src/node/chromiumLaunch.ts).
const chromium = chromiumLaunch();
/** `vite preview` of the build: the studio as a static host serves it. The ports may be moved so that two checkouts run e2e side by side (outside CI a server already on the port is reused). */
const builtPort = Number(process.env.E2E_BUILT_PORT ?? 4173);
/** `npm start`, the README's first command: Vite's dev server, React in development mode (StrictMode's double effects). */
const devPort = Number(process.env.E2E_DEV_PORT ?? 5173);
/** The e2e tests that run against the dev server; every other spec runs against the build. */
const devSpecs = /dev-server\.spec\.ts$/;

export default defineConfig({
  testDir: 'e2e',
  timeout: 240_000,
  expect: { timeout: 120_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    trace: 'retain-on-failure',
    launchOptions: chromium,
  },
  projects: [
    {
      name: 'built',
      testIgnore: devSpecs,
      use: {
        baseURL: `http://localhost:${builtPort}`,
        // Left on auto, the studio passes over SwiftShader (a software renderer) for its cpu kernels;
        // these tests are about training on WebGPU, so they ask for it, as a person can on the home
        // page. e2e/compute.spec.ts checks the automatic choice.
        storageState: { cookies: [], origins: [{ origin: `http://localhost:${builtPort}`, localStorage: [{ name: 'studio.compute', value: 'webgpu' }] }] },
      },
    },
    {
      // Left on auto, as a newcomer's first visit is.
      name: 'dev',
      testMatch: devSpecs,
      use: { baseURL: `http://localhost:${devPort}` },
    },
  ],
  webServer: [
    {
      command: `npx vite preview --port ${builtPort} --strictPort`,
      url: `http://localhost:${builtPort}`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    {
      // Exactly what the README's `npm start` runs (package.json "start").
      command: devPort === 5173 ? 'npm start' : `npx vite --port ${devPort} --strictPort`,
      url: `http://localhost:${devPort}`,
      reuseExistingServer: !process.env.CI,
      timeout: 120_000,
    },
  ],
});
