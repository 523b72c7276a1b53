import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { startShapesRun } from './startShapesRun.ts';

// Classroom mode: a run presented full screen for a projector, its figures in large type
// while it trains, Try it's answer likewise, all driven from the keyboard.
test('the presenter view shows the run live in large type, switches panels by key and leaves on Esc', async ({ page }) => {
  test.setTimeout(360_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await startShapesRun(page, 2);

  // Opened while the run trains: the figures follow it to its end.
  await page.getByTestId('train.present').click();
  const presenter = page.getByTestId('presenter');
  await expect(presenter).toBeVisible();
  await expect(presenter).toHaveAttribute('data-panel', 'curves');
  await expect(page.getByTestId('presenter.figure.epoch')).toContainText('2 / 2', { timeout: 200_000 });
  await expect(page.getByTestId('train.status')).toHaveText('completed', { timeout: 60_000 });
  // The large figures are the run's own: the Train page's last-epoch metrics, behind the view.
  const metrics = (await page.getByTestId('train.metrics').textContent()) ?? '';
  const valAcc = Number(/val_acc ([\d.]+)/.exec(metrics)?.[1]);
  const valLoss = Number(/val_loss ([\d.]+)/.exec(metrics)?.[1]);
  const accuracy = page.getByTestId('presenter.figure.accuracy');
  await expect(accuracy).toContainText('Validation accuracy');
  const shownAcc = Number(await accuracy.getAttribute('data-value'));
  expect(Math.abs(shownAcc - valAcc)).toBeLessThan(0.001);
  await expect(accuracy.locator('dd')).toHaveText(`${(shownAcc * 100).toFixed(1)} %`);
  expect(Math.abs(Number(await page.getByTestId('presenter.figure.loss').getAttribute('data-value')) - valLoss)).toBeLessThan(0.001);
  expect(Number(await page.getByTestId('presenter.chart.loss').getAttribute('data-points'))).toBeGreaterThan(2);
  // Large type: the figures are several times the page's 14 px.
  // A string: the e2e project compiles without DOM types.
  const size = Number(await page.evaluate(`parseFloat(getComputedStyle(document.querySelector('[data-testid="presenter.figure.accuracy"] dd')).fontSize)`));
  expect(size).toBeGreaterThanOrEqual(40);

  // Arrows and Space walk the panels; Space does not reach the studio's pause shortcut behind the view.
  await page.keyboard.press('ArrowRight');
  await expect(presenter).toHaveAttribute('data-panel', 'prediction');
  await expect(page.getByTestId('presenter.prediction.none')).toBeVisible();
  await page.keyboard.press('ArrowLeft');
  await expect(presenter).toHaveAttribute('data-panel', 'curves');
  await page.keyboard.press(' ');
  await expect(presenter).toHaveAttribute('data-panel', 'prediction');
  await page.keyboard.press('Escape');
  await expect(presenter).toHaveCount(0);

  // Try it on a picture; P then presents its answer in large type, and P again leaves.
  await page.getByTestId('train.evaluate').click();
  await expect(page.getByTestId('evaluate.status')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await page.getByTestId('evaluate.tryit').click();
  await expect(page.getByTestId('tryit.status')).toContainText('Classifier · classes: circle', { timeout: 60_000 });
  await page.getByTestId('tryit.file').setInputFiles({ name: 'red.png', mimeType: 'image/png', buffer: await sharp({ create: { width: 40, height: 30, channels: 3, background: '#d22' } }).png().toBuffer() });
  const result = page.getByTestId('tryit.result');
  await expect(result).toHaveAttribute('data-top-class', /^(circle|square|triangle)$/);
  // Keys typed into a field belong to it: the shortcut needs the focus on the page.
  await page.evaluate('document.activeElement && document.activeElement.blur()');
  await page.keyboard.press('p');
  await expect(presenter).toBeVisible();
  // The view remembers its panel: the prediction, where it was left.
  await expect(presenter).toHaveAttribute('data-panel', 'prediction');
  const prediction = page.getByTestId('presenter.prediction');
  await expect(prediction).toHaveAttribute('data-label', (await result.getAttribute('data-top-class')) ?? '');
  expect(Number(await prediction.getAttribute('data-value'))).toBeCloseTo(Number(await result.getAttribute('data-confidence')), 10);
  await expect(prediction.locator('.presenter-confidence')).toHaveText(`${(Number(await result.getAttribute('data-confidence')) * 100).toFixed(1)} %`);
  await page.keyboard.press('p');
  await expect(presenter).toHaveCount(0);
  expect(errors).toEqual([]);
});
