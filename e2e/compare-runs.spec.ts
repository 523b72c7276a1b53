import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';

let root: string;

/** A 24 px PNG: a flat class colour with per-image noise, so every file has its own content hash. */
function png(base: [number, number, number], seed: number): Promise<Buffer> {
  const size = 24;
  const pixels = Buffer.alloc(size * size * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.max(0, Math.min(255, base[i % 3] + (((i * 7919 + seed * 104729) % 41) - 20)));
  return sharp(pixels, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer();
}

test.beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'studio-compare-'));
  for (const [name, colour] of [['red', [220, 30, 30]], ['blue', [30, 30, 220]]] as const) {
    mkdirSync(join(root, 'colours', name), { recursive: true });
    for (let i = 0; i < 6; i++) writeFileSync(join(root, 'colours', name, `${name}${i}.png`), await png([...colour], i));
  }
});

test.afterAll(() => rmSync(root, { recursive: true, force: true }));

async function trainOnce(page: Page, lr: number): Promise<string> {
  await page.getByTestId('train.field.optimizer.lr').fill(String(lr));
  await expect(page.getByTestId('train.problems')).toHaveCount(0);
  await page.getByTestId('train.start').click();
  const progress = page.getByTestId('train.progress');
  await expect(progress).toHaveAttribute('data-status', 'completed', { timeout: 180_000 });
  return (await progress.getAttribute('data-run-id')) ?? '';
}

// Images brought in through the real folder input train on WebGPU in the worker (decoded
// from IndexedDB there), and two runs that differ in one hyperparameter compare in Runs.
test('train twice on an imported folder and compare the two runs', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/#/datasets');
  await page.getByTestId('datasets.importFolder').setInputFiles(join(root, 'colours'));
  await expect(page.getByTestId('datasets.importReport')).toContainText('Imported 12 images');

  await page.getByTestId('nav.home').click();
  await page.getByTestId('home.recipe.shapes').click();
  await expect(page).toHaveURL(/#\/train$/);
  await expect(page.getByTestId('status.backend')).toHaveText(/^WebGPU · /);
  const picker = page.getByTestId('train.dataset');
  const colours = picker.locator('option', { hasText: 'colours' });
  await expect(colours).toBeAttached();
  await picker.selectOption({ label: (await colours.textContent()) ?? '' });
  // The recipe's draft follows the new dataset (issue 25): its name, and no horizontal flip
  // carried over from shapes; the page says what it reset.
  await expect(page.getByTestId('train.field.name')).toHaveValue('colours-smallCnn');
  await expect(page.getByTestId('train.field.data.augmentation.flip')).not.toBeChecked();
  await expect(page.getByTestId('train.datasetReset')).toContainText('horizontal flip');
  await expect(page.getByTestId('train.preset')).toHaveValue('shapes');
  await expect(page.getByTestId('train.schedule.estimate')).toHaveAttribute('data-exact', 'false');
  await page.getByTestId('train.field.training.epochs').fill('1');
  await page.getByTestId('train.field.training.batchSize').fill('4');
  await page.getByTestId('train.field.model.inputSize').fill('16');

  const first = await trainOnce(page, 0.003);
  // The schedule card counts from what the run loaded: the same data, split the same way.
  await expect(page.getByTestId('train.schedule.estimate')).toHaveAttribute('data-exact', 'true');
  await expect(page.getByTestId('train.schedule.estimate')).not.toContainText('estimate');
  const second = await trainOnce(page, 0.01);
  expect(second).not.toBe(first);

  await page.getByTestId('nav.runs').click();
  for (const id of [first, second]) {
    const row = page.locator(`[data-testid="runs.row"][data-run-id="${id}"]`);
    await expect(row).toContainText('completed');
    await expect(row).toContainText('colours');
    await row.getByRole('checkbox').check();
  }
  // At a 1,400 px window the whole table fits its panel: no column behind a horizontal scroll (issue 25).
  await page.setViewportSize({ width: 1400, height: 900 });
  const table = page.getByTestId('runs.table');
  await expect.poll(() => table.evaluate((t) => t.scrollWidth - (t.parentElement?.clientWidth ?? 0))).toBeLessThanOrEqual(0);
  // The overlay shows any logged metric, not only the loss: validation accuracy, one line a run.
  const overlay = page.getByTestId('runs.overlay');
  await page.getByTestId('runs.overlayMetric').selectOption('val_acc');
  await expect(overlay).toContainText('val_acc of the selected runs');
  await expect(overlay.locator('.chart-legend li')).toHaveCount(2);
  await expect(overlay.locator('.recharts-line')).toHaveCount(2);
  // Its CSV holds one column a run, headed by the run and the metric.
  const [csvFile] = await Promise.all([page.waitForEvent('download'), page.getByTestId('runs.overlay.csv').click()]);
  const csv = readFileSync(await csvFile.path(), 'utf8').trimEnd().split('\n');
  expect(csv[0]).toMatch(/^step,[^,]+ val_acc,[^,]+ val_acc$/);
  expect(csv.length).toBeGreaterThan(1);
  await page.getByTestId('runs.overlayMetric').selectOption('loss');
  const diff = page.getByTestId('runs.diff');
  await expect(diff).toContainText('optimizer.lr');
  await expect(diff).toContainText('0.003');
  await expect(diff).toContainText('0.01');
  await expect.poll(async () => Number(await page.getByTestId('runs.overlay').getAttribute('data-points'))).toBeGreaterThan(1);
  expect(errors).toEqual([]);
});
