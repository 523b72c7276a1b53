import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import config from '../playwright.config.ts';

/** A 32 px PNG of one flat colour: every colour gives different bytes, so a different content hash. */
function png(r: number, g: number, b: number): Promise<Buffer> {
  return sharp({ create: { width: 32, height: 32, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer();
}

// Chromium's fake camera (a moving test pattern), granted without a prompt, for the webcam test.
const launch = config.use?.launchOptions ?? {};
test.use({ launchOptions: { ...launch, args: [...(launch.args ?? []), '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] } });

let root: string;

/**
 * pets/{cat,dog}: 2 classes × 4 good images. broken/: what goes wrong in real folders —
 * a text file named .png, a truncated PNG, an empty file, the same image twice, an image
 * already imported, and an image whose JSON label is malformed — next to two good images.
 */
test.beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'studio-import-'));
  const write = (path: string, bytes: Buffer | string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), bytes);
  };
  for (let i = 0; i < 4; i++) {
    write(`pets/cat/cat${i}.png`, await png(200, 40 * i, 40));
    write(`pets/dog/dog${i}.png`, await png(40, 200, 40 * i));
  }
  const fresh = await png(10, 10, 250);
  const big = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 90, g: 90, b: 90 } } })
    .png({ compressionLevel: 0 })
    .toBuffer();
  write('broken/cat/fake.png', 'this is not an image, just text\n');
  write('broken/cat/truncated.png', big.subarray(0, 100));
  write('broken/cat/empty.png', Buffer.alloc(0));
  write('broken/cat/orig.png', fresh);
  write('broken/cat/copy.png', fresh);
  write('broken/dog/again.png', await png(40, 200, 0));
  write('broken/dog/labelled.png', await png(1, 2, 3));
  write('broken/dog/labelled.json', '{"class": "dog", "bbox": [0.1, 0.2');
  write('broken/dog/good.png', await png(120, 120, 250));
});

test.afterAll(() => rmSync(root, { recursive: true, force: true }));

test('import a folder, see every bad file with its reason, relabel, and keep it after a reload', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/#/datasets');

  await page.getByTestId('datasets.importFolder').setInputFiles(join(root, 'pets'));
  const report = page.getByTestId('datasets.importReport');
  await expect(report).toContainText('Imported 8 images into “pets”');
  const counts = page.getByTestId('datasets.classCounts');
  await expect(counts.locator('tr[data-class="cat"] [data-testid="datasets.classCount"]')).toHaveText('4');
  await expect(counts.locator('tr[data-class="dog"] [data-testid="datasets.classCount"]')).toHaveText('4');
  const row = page.getByTestId('datasets.row').filter({ hasText: 'pets' });
  await expect(row.getByTestId('datasets.sampleCount')).toHaveText('8');

  // Thumbnails are real decoded pictures, not placeholders.
  const thumbs = page.getByTestId('datasets.thumb');
  await expect(thumbs).toHaveCount(8);
  await expect.poll(() => thumbs.first().evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);

  // The dataset the import made is now selected, yet the next import still goes to a new
  // dataset unless the user asks to add to the selected one (issue 25: it merged silently).
  await expect(page.getByTestId('datasets.importNew')).toBeChecked();
  await expect(page.getByTestId('datasets.importSelected').locator('..')).toContainText('add to the selected dataset “pets”');
  // The broken set, added to pets on purpose: the good ones land, each bad one is named with its reason.
  await page.getByTestId('datasets.importSelected').check();
  await page.getByTestId('datasets.importFolder').setInputFiles(join(root, 'broken'));
  await expect(report).toContainText('Imported 2 images into “pets”');
  const bad = page.getByTestId('datasets.badFiles').locator('li');
  const reasons: [string, RegExp][] = [
    ['broken/cat/fake.png', /not an image/],
    ['broken/cat/truncated.png', /corrupt or truncated PNG file: it does not decode/],
    ['broken/cat/empty.png', /empty file/],
    ['broken/dog/again.png', /already in the dataset/],
    ['broken/dog/labelled.png', /not valid JSON/],
  ];
  for (const [path, reason] of reasons) await expect(bad.filter({ hasText: path })).toContainText(reason);
  // orig.png and copy.png share bytes: files are taken in path order, so copy.png is kept and orig.png reported, in any browser.
  await expect(bad.filter({ hasText: 'broken/cat/orig.png — same pixels as broken/cat/copy.png (kept once)' })).toHaveCount(1);
  await expect(bad).toHaveCount(reasons.length + 1);
  await expect(row.getByTestId('datasets.sampleCount')).toHaveText('10');
  await expect(thumbs).toHaveCount(10);
  // That choice was for one import: the next goes to a new dataset again.
  await expect(page.getByTestId('datasets.importNew')).toBeChecked();

  // Relabel one sample: the dataset's content version changes.
  const version = page.getByTestId('datasets.version');
  const before = await version.textContent();
  await page.getByTestId('datasets.cell').first().click();
  await page.getByTestId('datasets.relabelClass').fill('bird');
  await page.getByTestId('datasets.relabel').click();
  await expect(counts.locator('tr[data-class="bird"] [data-testid="datasets.classCount"]')).toHaveText('1');
  await expect(version).not.toHaveText(before ?? '');

  // Nothing is lost by a reload.
  await page.reload();
  await expect(row.getByTestId('datasets.sampleCount')).toHaveText('10');
  await row.getByTestId('datasets.open').click();
  await expect(counts.locator('tr[data-class="bird"] [data-testid="datasets.classCount"]')).toHaveText('1');
  await expect(thumbs).toHaveCount(10);
  expect(errors).toEqual([]);
});

test('draw a box in the box editor and see it over the thumbnail', async ({ page }) => {
  await page.goto('/#/datasets');
  await page.getByTestId('datasets.importFolder').setInputFiles(join(root, 'pets'));
  await expect(page.getByTestId('datasets.importReport')).toContainText('Imported 8 images');
  const version = page.getByTestId('datasets.version');
  const before = await version.textContent();

  await page.getByTestId('datasets.cell').first().dblclick();
  const editor = page.getByTestId('datasets.boxEditor');
  await expect(editor).toBeVisible();
  const frame = await page.getByTestId('datasets.boxFrame').boundingBox();
  if (!frame) throw new Error('the box editor shows no image frame');
  await page.mouse.move(frame.x + frame.width * 0.25, frame.y + frame.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(frame.x + frame.width * 0.5, frame.y + frame.height * 0.5, { steps: 4 });
  await page.mouse.move(frame.x + frame.width * 0.75, frame.y + frame.height * 0.8, { steps: 4 });
  await page.mouse.up();
  // Drawn from (0.25, 0.2) to (0.75, 0.8) of the image, give or take a pixel of the frame.
  await expect(page.getByTestId('datasets.boxValue')).toContainText(/box \[0\.2\d*, 0\.(19|2)\d*, 0\.7\d*, 0\.(79|8)\d*\]/);
  await page.getByTestId('datasets.boxSave').click();
  await expect(page.getByTestId('datasets.boxValue')).not.toContainText('unsaved');
  await page.keyboard.press('Escape');
  await expect(editor).toBeHidden();
  await expect(page.getByTestId('datasets.cellBox')).toHaveCount(1);
  await expect(version).not.toHaveText(before ?? '');
});

test('a webcam burst imports its frames under the chosen class', async ({ page }) => {
  await page.goto('/#/datasets');
  await page.getByTestId('datasets.newName').fill('gestures');
  await page.getByTestId('datasets.create').click();
  await expect(page.getByTestId('datasets.row').filter({ hasText: 'gestures' })).toBeVisible();
  await page.getByTestId('datasets.webcamStart').click();
  const webcam = page.getByTestId('datasets.webcam');
  await webcam.getByLabel('class of the captured frames').fill('wave');
  await webcam.getByLabel('frames per burst').fill('3');
  await webcam.getByLabel('milliseconds between burst frames').fill('100');
  await webcam.getByRole('button', { name: 'Take burst' }).click();
  await expect(page.getByTestId('datasets.importReport')).toContainText('Imported 3 images into “gestures”');
  await expect(page.getByTestId('datasets.classCounts').locator('tr[data-class="wave"] [data-testid="datasets.classCount"]')).toHaveText('3');
  await expect(webcam.getByRole('list', { name: 'images per class' })).toContainText('wave: 3');
});

test('a denied camera permission is explained', async ({ page }) => {
  await page.addInitScript(() => {
    const devices = (globalThis as unknown as { navigator: { mediaDevices: { getUserMedia: () => Promise<never> } } }).navigator.mediaDevices;
    devices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  });
  await page.goto('/#/datasets');
  await page.getByTestId('datasets.webcamStart').click();
  await expect(page.getByTestId('datasets.webcamError')).toContainText('Camera permission was denied');
});
