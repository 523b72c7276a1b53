import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';

async function download(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), bytes: readFileSync(path) };
}

/** The numbers an axis shows, in order ("1.2k" style labels do not occur on these small runs). */
const axisTicks = (page: Page, testId: string) =>
  page
    .getByTestId(testId)
    .locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value')
    .allTextContents()
    .then((texts) => texts.map(Number));

// What a TensorBoard or W&B user reaches for on the Train page's live charts, after the demo
// run trains: one hover shows on every chart, the legend switches lines off, the brush zooms
// the x axis, and each chart downloads as CSV and PNG.
test('the live charts sync their hover, toggle lines, zoom, and save CSV and PNG', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // recharts reports what it could not draw (an attribute at NaN) on the console only.
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto('/');
  await expect(page.getByTestId('status.backend')).toHaveText(/^WebGPU · /);
  await page.getByTestId('home.demo').click();
  await expect(page).toHaveURL(/#\/train$/);
  await expect(page.getByTestId('train.status')).toHaveText('completed', { timeout: 240_000 });
  const loss = page.getByTestId('chart.loss');
  const acc = page.getByTestId('chart.acc');
  const lr = page.getByTestId('chart.lr');
  await expect(loss.locator('.recharts-line')).toHaveCount(2);

  // Hover the loss chart: the accuracy and learning-rate charts show their values at the same step.
  const accTooltip = acc.locator('.recharts-tooltip-wrapper');
  await expect(accTooltip).toBeHidden();
  await loss.getByRole('application', { name: 'Loss' }).hover({ position: { x: 200, y: 80 } });
  await expect(loss.locator('.recharts-tooltip-wrapper')).toBeVisible();
  await expect(accTooltip).toBeVisible();
  await expect(accTooltip).toContainText(/step \d+/);
  await expect(accTooltip).toContainText('train acc');
  await expect(lr.locator('.recharts-tooltip-wrapper')).toContainText('learning rate');
  const hoveredStep = (await loss.locator('.recharts-tooltip-wrapper').textContent())?.match(/step (\d+)/)?.[1];
  const accStep = (await accTooltip.textContent())?.match(/step (\d+)/)?.[1];
  expect(Math.abs(Number(accStep) - Number(hoveredStep))).toBeLessThanOrEqual(2);
  await page.mouse.move(0, 0);

  // The legend switches a line off and on again.
  const valEntry = loss.getByRole('button', { name: 'val loss' });
  await expect(valEntry).toHaveAttribute('aria-pressed', 'true');
  await valEntry.click();
  await expect(valEntry).toHaveAttribute('aria-pressed', 'false');
  await expect(loss.locator('.recharts-line')).toHaveCount(1);
  await valEntry.click();
  await expect(loss.locator('.recharts-line')).toHaveCount(2);

  // Dragging the brush's right handle halfway back zooms the x axis to the first half of the run.
  const before = await axisTicks(page, 'chart.loss');
  const traveller = loss.locator('.recharts-brush-traveller').nth(1);
  const box = (await traveller.boundingBox())!;
  const brush = (await loss.locator('.recharts-brush').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(brush.x + brush.width / 2, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect(loss.getByTestId('chart.loss.resetZoom')).toBeVisible();
  await expect.poll(async () => Math.max(...(await axisTicks(page, 'chart.loss')))).toBeLessThan(Math.max(...before) * 0.75);
  await loss.getByTestId('chart.loss.resetZoom').click();
  await expect.poll(async () => Math.max(...(await axisTicks(page, 'chart.loss')))).toBe(Math.max(...before));

  // CSV: the logged values, one row per step, a column per line.
  const progress = (await page.getByTestId('train.progress').textContent()) ?? '';
  const steps = Number(progress.match(/step (\d+) \/ \1/)?.[1]);
  expect(steps).toBeGreaterThan(3);
  const csv = await download(page, 'chart.loss.csv');
  expect(csv.name).toMatch(/loss\.csv$/);
  const lines = csv.bytes.toString('utf8').trimEnd().split('\n');
  expect(lines[0]).toBe('step,train loss,val loss');
  expect(lines).toHaveLength(steps + 1);
  expect(lines.at(-1)).toMatch(new RegExp(`^${steps},[\\d.e-]+,[\\d.e-]+$`));

  // PNG: a real PNG image of the chart.
  const png = await download(page, 'chart.acc.png');
  expect(png.name).toMatch(/accuracy\.png$/);
  expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.bytes.length).toBeGreaterThan(2000);
  expect(errors).toEqual([]);
});
