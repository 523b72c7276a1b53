import { expect, test } from '@playwright/test';
import type { BenchPageState, BrowserBenchConfig } from '../src/bench/browserBench.ts';
import { WEBGPU_PARITY_CASES } from '../src/kernels/webgpu/webgpuParityCases.ts';

// bench.html is what `npm run bench` drives in Chromium: this checks that every engine it
// compares really starts and trains here (WebGPU and WebGL on SwiftShader, tfjs-cpu), on a
// case small enough to take seconds, and that the studio's WebGPU kernels match stock's in
// Chromium's WebGPU over the same grid as the Dawn parity tests, within 1e-4. The figures
// themselves are never asserted: speed is for the bench (docs/performance.md).
test('the bench page checks the kernels, trains one case on every engine and shows them side by side', async ({ page }) => {
  const config: BrowserBenchConfig = {
    cases: [{ architecture: 'smallCnn', width: 0.25, inputSize: 16, batchSize: 8 }],
    steps: 1,
    engines: ['webgpu-studio', 'webgpu-stock', 'webgl', 'cpu-studio', 'cpu-stock'],
    parity: true,
  };
  // Four cores reported (this machine has two): the studio's cpu engine then splits its
  // kernels over two threads, which needs the page cross-origin isolated, as the preview
  // server serves it.
  await page.addInitScript(() => Object.defineProperty(navigator, 'hardwareConcurrency', { get: () => 4 }));
  await page.goto(`/bench.html?config=${encodeURIComponent(JSON.stringify(config))}`);
  expect(await page.evaluate(() => (globalThis as unknown as { crossOriginIsolated: boolean }).crossOriginIsolated)).toBe(true);
  const done = await page.waitForFunction(
    () => {
      const s = (globalThis as unknown as { studioBench?: BenchPageState }).studioBench;
      return s && (s.state === 'done' || s.state === 'failed') ? s : undefined;
    },
    undefined,
    { timeout: 180_000 },
  );
  const state = (await done.jsonValue()) as BenchPageState;
  expect(state.error).toBeUndefined();
  const result = state.result;
  expect(result?.adapters.map((a) => [a.engine, a.error])).toEqual(config.engines.map((e) => [e, undefined]));
  expect(result?.adapters.find((a) => a.engine === 'webgpu-studio')?.adapter).toMatch(/swiftshader/i);
  expect(result?.adapters.find((a) => a.engine === 'webgl')?.adapter).toMatch(/swiftshader/i);
  // The studio's cpu kernels compiled their WebAssembly SIMD module in the browser and trained on two threads; stock's use neither.
  expect(result?.adapters.find((a) => a.engine === 'cpu-studio')?.adapter).toBe('4 logical cores, WebAssembly SIMD, 2 threads');
  expect(result?.adapters.find((a) => a.engine === 'cpu-stock')?.adapter).not.toMatch(/SIMD/);
  for (const timing of result?.timings ?? []) {
    expect(timing.error, timing.engine).toBeUndefined();
    expect(timing.samplesPerSec, timing.engine).toBeGreaterThan(0);
  }
  expect(result?.timings).toHaveLength(config.engines.length);
  expect(result?.parity?.adapter).toMatch(/swiftshader/i);
  expect(result?.parity?.cases.length).toBe(WEBGPU_PARITY_CASES.length);
  for (const c of result?.parity?.cases ?? []) expect(c.relativeError, c.label).toBeLessThan(1e-4);
  expect(result?.parity?.failures).toEqual([]);
  const table = page.locator('#table table');
  await expect(table.locator('tbody tr')).toHaveCount(1);
  await expect(table.locator('thead th')).toContainText(['model', 'batch', 'studio webgpu img/s', 'tfjs-webgl img/s', 'studio webgpu ÷ tfjs-webgpu', 'studio webgpu ÷ tfjs-webgl', 'studio cpu ÷ tfjs-cpu']);
});

test('the bench page refuses a config that is not JSON and says why', async ({ page }) => {
  await page.goto('/bench.html?config=%7Bnot-json');
  await expect(page.locator('#log')).toContainText('the config parameter is not JSON');
  expect(await page.evaluate(() => (globalThis as unknown as { studioBench: BenchPageState }).studioBench.state)).toBe('failed');
});
