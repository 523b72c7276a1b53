import { expect, test, type Page } from '@playwright/test';
import { observeLongTasks, startLongTaskWindow, stopLongTaskWindow } from './longTasks.ts';

const points = (page: Page, id: string) => async () => Number(await page.getByTestId(id).getAttribute('data-points'));

/** Sets a number field of the run form (test id train.field.<path>). */
async function setField(page: Page, path: string, value: number) {
  await page.getByTestId(`train.field.${path}`).fill(String(value));
}

// A run survives a reload: the page marks it interrupted (its engine's Web Lock is gone),
// its curves come back from IndexedDB, and Resume continues it from the last epoch
// checkpoint to the end. Tiny data and model: SwiftShader runs WGSL on the CPU.
test('train, reload mid-run, resume from the checkpoint, find the run in Runs', async ({ browser, page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await observeLongTasks(page);

  await page.goto('/#/home');
  await expect(page.getByTestId('status.backend')).toHaveText(/^WebGPU · /);
  // The shapes recipe makes the demo dataset (if missing) and opens it on the Train page.
  await page.getByTestId('home.recipe.shapes').click();
  await expect(page).toHaveURL(/#\/train$/);
  const datasetPicker = page.getByTestId('train.dataset');
  const shapes = datasetPicker.locator('option', { hasText: /shapes/i }).first();
  await expect(shapes).toBeAttached();
  await datasetPicker.selectOption({ label: (await shapes.textContent()) ?? '' });

  await setField(page, 'training.epochs', 2);
  await setField(page, 'training.batchSize', 4);
  await setField(page, 'model.inputSize', 16);
  await setField(page, 'training.checkpoint.everyEpochs', 1);
  await expect(page.getByTestId('train.problems')).toHaveCount(0);
  await expect(page.getByTestId('train.schedule.estimate')).toContainText('steps per epoch');

  // Responsiveness is measured from the Start click to the pause: the whole first epoch.
  const windowStart = await startLongTaskWindow(browser, page);
  await page.getByTestId('train.start').click();
  const progress = page.getByTestId('train.progress');
  const runId = await progress.getAttribute('data-run-id');
  expect(runId).toBeTruthy();

  // Curves move during epoch 1; once it is done (its checkpoint saved) pause, so the reload lands mid-run.
  await expect.poll(points(page, 'chart.loss'), { timeout: 180_000 }).toBeGreaterThan(2);
  await expect.poll(points(page, 'chart.lr')).toBeGreaterThan(2);
  await expect.poll(points(page, 'chart.acc')).toBeGreaterThan(2);
  await expect(progress).toHaveAttribute('data-epoch', '1', { timeout: 180_000 });
  await page.getByTestId('train.pause').click();
  await expect(progress).toHaveAttribute('data-status', 'paused', { timeout: 60_000 });
  const longTasks = await stopLongTaskWindow(browser, page, windowStart);
  test.info().annotations.push({ type: 'long tasks (wall and CPU ms)', description: JSON.stringify(longTasks) });
  const pageBound = longTasks.filter((t) => t.cpuMs === undefined || t.cpuMs > 50);
  expect(pageBound, `main-thread tasks over 50 ms while training (all long tasks: ${JSON.stringify(longTasks)})`).toEqual([]);
  const lossBefore = await points(page, 'chart.loss')();

  await page.reload();
  await expect(page.getByTestId('status.backend')).toHaveText(/^WebGPU · /);
  await expect(progress).toHaveAttribute('data-run-id', runId!);
  await expect(progress).toHaveAttribute('data-status', 'interrupted');
  const resume = page.getByTestId('train.resumeRun');
  await expect(resume).toBeVisible();
  await expect(resume.locator('..')).toContainText('Interrupted at epoch 1');
  // The curves come back from IndexedDB (the engine flushes events in batches, so allow the last few).
  await expect.poll(points(page, 'chart.loss')).toBeGreaterThan(Math.min(2, lossBefore - 1));
  await expect.poll(points(page, 'chart.acc')).toBeGreaterThan(0);
  const lossAfterReload = await points(page, 'chart.loss')();

  await resume.click();
  await expect(progress).toHaveAttribute('data-status', 'completed', { timeout: 240_000 });
  await expect.poll(points(page, 'chart.loss')).toBeGreaterThan(lossAfterReload);
  await expect(page.getByTestId('train.metrics')).toContainText('val_acc');

  await page.getByTestId('nav.runs').click();
  const row = page.locator(`[data-testid="runs.row"][data-run-id="${runId}"]`);
  await expect(row).toContainText('completed');
  await expect(row).toContainText('2 / 2');
  // Selected, its curves load from IndexedDB into the overlay.
  await row.getByRole('checkbox').check();
  await expect.poll(points(page, 'runs.overlay')).toBeGreaterThan(lossAfterReload);
  expect(errors).toEqual([]);
});
