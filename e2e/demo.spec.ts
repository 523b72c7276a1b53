import { expect, test } from '@playwright/test';

// The studio shell in a real browser: the engine worker finds WebGPU (SwiftShader here),
// trains the generated shapes demo through the shared core, and the loss chart gains points.
test('trains the shapes demo on WebGPU in a worker', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByTestId('status.backend')).toHaveText(/^WebGPU · /);
  await page.getByTestId('demo.start').click();
  const chart = page.getByTestId('chart.loss');
  await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 180_000 }).toBeGreaterThan(3);
  await expect(page.getByTestId('demo.metrics')).toContainText('val_acc');
  expect(errors).toEqual([]);
});
