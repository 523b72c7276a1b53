import { expect, test } from '@playwright/test';

// The studio in a real browser: the engine worker finds WebGPU (SwiftShader here), the
// one-click demo generates the shapes dataset, trains it through the shared core, and the
// three live charts gain points.
test('Home → Shapes in a minute trains on WebGPU with live charts', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByTestId('status.backend')).toHaveText(/^WebGPU · /);
  await expect(page.getByTestId('home.compute')).toContainText('WebGPU');
  await page.getByTestId('home.demo').click();

  await expect(page).toHaveURL(/#\/train$/);
  const points = (id: string) => async () => Number(await page.getByTestId(id).getAttribute('data-points'));
  await expect.poll(points('chart.loss'), { timeout: 180_000 }).toBeGreaterThan(3);
  await expect.poll(points('chart.lr')).toBeGreaterThan(3);
  await expect.poll(points('chart.acc')).toBeGreaterThan(3);
  // The status strip shows the run in progress from every page.
  await expect(page.getByTestId('status.run')).toBeVisible();
  // Keyboard: ? lists the shortcuts; space pauses and resumes the run in progress.
  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcuts.dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('shortcuts.dialog')).toHaveCount(0);
  const status = page.getByTestId('train.status');
  await page.keyboard.press(' ');
  await expect(status).toHaveText('paused', { timeout: 60_000 });
  await page.keyboard.press(' ');
  await expect(status).toHaveText(/running|completed/);
  await expect(page.getByTestId('train.metrics')).toContainText('val_acc', { timeout: 180_000 });
  await expect(status).toHaveText('completed', { timeout: 180_000 });
  // A finished run stands at its last epoch and step, never past them (issue 25).
  await expect(page.getByTestId('train.progress')).toContainText(/epoch (\d+) \/ \1 · step (\d+) \/ \2/);
  await expect(page.getByTestId('train.preset')).toHaveValue('shapes');
  // A field the recipe leaves out shows the default the run took, greyed, not an empty box.
  const frozen = page.getByTestId('train.field.model.frozenLayers');
  await expect(frozen).toHaveValue('');
  await expect(frozen).toHaveAttribute('placeholder', '0');
  // The end of the run: one click says whether the model learned, from the test split's real predictions.
  await page.getByTestId('train.verdict.check').click();
  await expect(page.getByTestId('train.verdict')).toHaveAttribute('data-learned', /true|false/, { timeout: 120_000 });
  await expect(page.getByTestId('train.verdict.open')).toBeVisible();

  // Another recipe from the Train page's own picker: the picker names it, and the page no
  // longer shows the demo's run and charts but the new draft's (none yet) (issue 27).
  await page.getByTestId('train.preset').selectOption('002-transfer');
  await expect(page.getByTestId('train.preset')).toHaveValue('002-transfer');
  await expect(page.getByTestId('train.focusRun')).toHaveValue('');
  await expect(page.getByTestId('chart.loss')).toHaveCount(0);
  expect(errors).toEqual([]);
});
