import { expect, test } from '@playwright/test';
import { reloadOffline } from './reloadOffline.ts';

// Classrooms are often offline: after one visit the studio must open, find its GPU and
// train with no network at all (its service worker cached the whole build).
test('after the first visit the studio opens and trains offline', async ({ context, page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByTestId('status.backend')).toHaveText(/^WebGPU · /);
  await reloadOffline(page, context);
  await expect(page.getByTestId('status.backend')).toHaveText(/^WebGPU · /);
  await page.getByTestId('home.demo').click();
  await expect.poll(async () => Number(await page.getByTestId('chart.loss').getAttribute('data-points')), { timeout: 180_000 }).toBeGreaterThan(1);
  await context.setOffline(false);
  expect(errors).toEqual([]);
});
