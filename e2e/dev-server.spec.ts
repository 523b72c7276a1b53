import { expect, test } from '@playwright/test';
import sharp from 'sharp';

// The README's first command, `npm start`, serves Vite's dev server: React in development
// mode, whose StrictMode mounts every component twice. The newcomer's path — the demo,
// Evaluate, Try it — must work there as it does in the build (issue 25: Try it never loaded).
test('npm start: the demo trains, evaluates, and Try it answers for a picture', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByTestId('status.backend')).not.toBeEmpty();
  await page.getByTestId('home.demo').click();
  await expect(page).toHaveURL(/#\/train$/);
  const progress = page.getByTestId('train.progress');
  await expect(progress).toHaveAttribute('data-status', 'completed', { timeout: 200_000 });

  await page.getByTestId('train.evaluate').click();
  await expect(page).toHaveURL(/#\/evaluate$/);
  const status = page.getByTestId('evaluate.status');
  // Evaluate may start by itself when opened from a run; else it waits for the button.
  await expect(status).toHaveAttribute('data-status', /^(idle|running|done)$/);
  if ((await status.getAttribute('data-status')) === 'idle') await page.getByTestId('evaluate.start').click();
  await expect(status).toHaveAttribute('data-status', 'done', { timeout: 120_000 });

  await page.getByTestId('evaluate.tryit').click();
  await expect(page.getByTestId('tryit.status')).toContainText('Classifier · classes: circle', { timeout: 60_000 });
  await expect(page.getByTestId('tryit.panel').getByRole('alert')).toHaveCount(0);
  await page.getByTestId('tryit.file').setInputFiles({ name: 'red.png', mimeType: 'image/png', buffer: await sharp({ create: { width: 40, height: 30, channels: 3, background: '#d22' } }).png().toBuffer() });
  await expect(page.getByTestId('tryit.result')).toHaveAttribute('data-top-class', /^(circle|square|triangle)$/);
  expect(errors).toEqual([]);
});
