import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { unzipSync, zipSync } from 'fflate';
import sharp from 'sharp';
import { startShapesRun } from './startShapesRun.ts';
import { encodeCheckpoint } from '../src/core/train/checkpoint.ts';
import { packCheckpoint, unpackCheckpoint } from '../src/core/train/checkpointBundle.ts';
import { reloadOffline } from './reloadOffline.ts';

/** The headline figures of the run Evaluate shows: top-1 with its interval and sample size. */
async function top1(page: Page): Promise<{ value: string | null; low: string | null; high: string | null; ci: string | null }> {
  await expect(page.getByTestId('evaluate.status')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  const box = page.getByTestId('evaluate.top1');
  return {
    value: await box.getAttribute('data-value'),
    low: await box.getAttribute('data-low'),
    high: await box.getAttribute('data-high'),
    ci: await page.getByTestId('evaluate.top1.ci').textContent(),
  };
}

/** Downloads one of a Runs row's files and returns its name and bytes. */
async function exportFrom(page: Page, runName: string, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const menu = page.locator('details.row-downloads').filter({ has: page.getByLabel(`Download run ${runName}`) });
  // The summary toggles the menu: a second export finds it open already.
  if ((await menu.getAttribute('open')) === null) await page.getByLabel(`Download run ${runName}`).click();
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
}

// How a teacher hands a trained model to a class: the run leaves one browser as one file,
// and another browser with empty storage and no network imports it, evaluates it to the
// same numbers and tries it on a picture.
test('a run exported as one file imports offline in another browser, where Evaluate and Try it work', async ({ browser, page }) => {
  // Training, two evaluations and a second browser's first visit: more than one test's usual time.
  test.setTimeout(480_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await startShapesRun(page, 1);
  const progress = page.getByTestId('train.progress');
  await expect(progress).toHaveAttribute('data-status', 'completed', { timeout: 200_000 });
  const runId = (await progress.getAttribute('data-run-id')) ?? '';
  await page.getByTestId('train.evaluate').click();
  const original = await top1(page);

  await page.getByTestId('nav.runs').click();
  const row = page.locator(`[data-testid="runs.row"][data-run-id="${runId}"]`);
  await expect(row).toBeVisible();
  const runName = (await row.locator('.name-cell > span').nth(1).textContent()) ?? '';
  const withData = await exportFrom(page, runName, 'runs.exportBundle.withData');
  expect(withData.name).toBe(`${runName}.studio-run`);
  // One zip: manifest, events, the checkpoint, and the dataset's images.
  const parts = Object.keys(unzipSync(withData.bytes));
  expect(parts).toEqual(expect.arrayContaining(['manifest.json', 'events.json', 'checkpoints/final.sck']));
  expect(parts.filter((p) => p.startsWith('dataset/images/')).length).toBeGreaterThan(10);
  const modelOnly = await exportFrom(page, runName, 'runs.exportBundle.modelOnly');
  expect(Object.keys(unzipSync(modelOnly.bytes)).some((p) => p.startsWith('dataset/'))).toBe(false);
  expect(modelOnly.bytes.length).toBeLessThan(withData.bytes.length);

  // Another browser: a fresh context shares no storage with the first.
  const baseURL = test.info().project.use.baseURL ?? '';
  const context = await browser.newContext({
    baseURL,
    storageState: { cookies: [], origins: [{ origin: baseURL, localStorage: [{ name: 'studio.compute', value: 'webgpu' }] }] },
  });
  const pupil = await context.newPage();
  pupil.on('pageerror', (e) => errors.push(e.message));
  await pupil.goto('/');
  await expect(pupil.getByTestId('status.backend')).toHaveText(/^WebGPU · /);
  await reloadOffline(pupil, context);
  await expect(pupil.getByTestId('status.backend')).toHaveText(/^WebGPU · /);
  await pupil.getByTestId('nav.runs').click();
  await expect(pupil.getByTestId('runs.row')).toHaveCount(0);

  // A file that is not a run file is refused with the reason, and nothing is stored.
  await pupil.getByTestId('runs.import.file').setInputFiles({ name: 'notes.studio-run', mimeType: 'application/zip', buffer: Buffer.from('not a zip at all') });
  await expect(pupil.getByTestId('runs.import.error')).toContainText('notes.studio-run: this is not a run file the studio can import: the file is not a zip archive');
  await expect(pupil.getByTestId('runs.row')).toHaveCount(0);

  // A checkpoint whose first tensor was reshaped (same values, consistent on its own) does not fit the model its spec builds: the engine says so before anything is stored.
  const entries = unzipSync(withData.bytes);
  const checkpoint = unpackCheckpoint(entries['checkpoints/final.sck']);
  const [first, ...rest] = checkpoint.weights;
  const reshaped = encodeCheckpoint({ ...checkpoint, weights: [{ ...first, shape: [first.data.length] }, ...rest] });
  const tampered = zipSync({ ...entries, 'checkpoints/final.sck': packCheckpoint(reshaped.manifest, new Uint8Array(reshaped.data)) });
  await pupil.getByTestId('runs.import.file').setInputFiles({ name: 'tampered.studio-run', mimeType: 'application/zip', buffer: Buffer.from(tampered) });
  await expect(pupil.getByTestId('runs.import.error')).toContainText("its 'final' checkpoint does not fit the model its spec builds", { timeout: 60_000 });
  await expect(pupil.getByTestId('runs.import.error')).toContainText(first.name);
  await expect(pupil.getByTestId('runs.row')).toHaveCount(0);

  await pupil.getByTestId('runs.import.file').setInputFiles({ name: withData.name, mimeType: 'application/zip', buffer: withData.bytes });
  await expect(pupil.getByTestId('runs.import.result')).toContainText(`Imported run '${runName}' with its dataset`, { timeout: 60_000 });
  const imported = pupil.locator(`[data-testid="runs.row"][data-run-id="${runId}"]`);
  await expect(imported).toBeVisible();
  await expect(imported).toContainText('completed');
  // The dataset came along: it is listed on the Datasets page.
  await pupil.getByTestId('nav.datasets').click();
  await expect(pupil.getByTestId('datasets.row')).toHaveCount(1);
  await expect(pupil.getByTestId('datasets.row')).toContainText('Shapes (demo)');

  // Evaluate: the same model on the same data gives the same numbers.
  await pupil.getByTestId('nav.runs').click();
  await imported.getByTestId('runs.evaluate').click();
  await expect(pupil).toHaveURL(/#\/evaluate/);
  expect(await top1(pupil)).toEqual(original);

  // Try it on a picture.
  await pupil.getByTestId('evaluate.tryit').click();
  await expect(pupil.getByTestId('tryit.status')).toContainText('Classifier · classes: circle', { timeout: 60_000 });
  await pupil.getByTestId('tryit.file').setInputFiles({ name: 'red.png', mimeType: 'image/png', buffer: await sharp({ create: { width: 40, height: 30, channels: 3, background: '#d22' } }).png().toBuffer() });
  await expect(pupil.getByTestId('tryit.result')).toHaveAttribute('data-top-class', /^(circle|square|triangle)$/);

  // The same run again, without its dataset: its id is taken here, so it arrives as a second run, on the dataset already here.
  await pupil.getByTestId('nav.runs').click();
  await pupil.getByTestId('runs.import.file').setInputFiles({ name: modelOnly.name, mimeType: 'application/zip', buffer: modelOnly.bytes });
  await expect(pupil.getByTestId('runs.import.result')).toContainText('was already here, so it was not stored twice');
  await expect(pupil.getByTestId('runs.import.result')).toContainText('already had a run with its id');
  await expect(pupil.getByTestId('runs.row')).toHaveCount(2);

  await context.setOffline(false);
  await context.close();
  expect(errors).toEqual([]);
});
