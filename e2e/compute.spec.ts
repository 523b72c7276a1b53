import { expect, test } from '@playwright/test';

// A browser whose only GPU is a software renderer (SwiftShader here, for WebGPU and for
// WebGL): left on auto the studio trains on its cpu kernels, says what it passed over and
// why, and the person can still ask for WebGPU, which is kept across reloads.
test.use({ storageState: { cookies: [], origins: [] } });

test('auto passes over software renderers for the cpu kernels; WebGPU can still be chosen', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  // Served cross-origin isolated, so the cpu kernels may start worker threads on a shared
  // memory (this 2-core machine leaves them one thread: one core for the page, one for the browser).
  expect(await page.evaluate(() => (globalThis as unknown as { crossOriginIsolated: boolean }).crossOriginIsolated)).toBe(true);
  await expect(page.getByTestId('status.backend')).toHaveText('CPU · WebAssembly SIMD');
  await expect(page.getByTestId('home.computeChoice')).toHaveValue('auto');
  const passedOver = page.getByTestId('home.passedOver');
  await expect(passedOver).toContainText('WebGPU: a software renderer (google swiftshader');
  await expect(passedOver).toContainText(/WebGL: a software renderer \(.*SwiftShader/);

  // The one-click demo trains to the end on the automatic choice.
  await page.getByTestId('home.demo').click();
  await expect(page).toHaveURL(/#\/train$/);
  await expect(page.getByTestId('train.status')).toHaveText('completed', { timeout: 180_000 });
  expect(Number(await page.getByTestId('chart.loss').getAttribute('data-points'))).toBeGreaterThan(3);

  await page.goto('/#/home');
  await page.getByTestId('home.computeChoice').selectOption('webgpu');
  await expect(page.getByTestId('status.backend')).toHaveText(/^WebGPU · google swiftshader/);
  await expect(passedOver).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('status.backend')).toHaveText(/^WebGPU · /);
  await expect(page.getByTestId('home.computeChoice')).toHaveValue('webgpu');
  expect(errors).toEqual([]);
});
