import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { freePort } from '../test/redisServer.ts';

// The studio hands runs to a companion started here exactly as a user starts it
// (`npm run companion`), then follows them live: one run, then a sweep of two.
const TOKEN = 'e2e-companion-token-0123456789abcdef';
let companion: ChildProcess;
let url: string;
let root: string;

test.beforeAll(async () => {
  const port = await freePort();
  root = mkdtempSync(join(tmpdir(), 'e2e-companion-'));
  url = `http://127.0.0.1:${port}`;
  companion = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/companion/main.ts', '--port', String(port), '--token', TOKEN, '--backend', 'cpu', '--root', root, '--origin', `http://localhost:${process.env.E2E_BUILT_PORT ?? 4173}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    companion.stdout?.on('data', (d: Buffer) => {
      out += String(d);
      if (out.includes(`?token=${TOKEN}`)) resolve();
    });
    companion.stderr?.on('data', (d: Buffer) => (out += String(d)));
    companion.once('exit', (code) => reject(new Error(`the companion exited (${code}):\n${out}`)));
  });
});

test.afterAll(async () => {
  // Stopped as a user stops it, so its job processes end with it before the folder goes.
  if (companion && companion.exitCode === null) {
    const exited = new Promise((r) => companion.once('exit', r));
    companion.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    companion.kill('SIGKILL');
  }
  rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

test('run on a companion: connect, train remotely with a live curve, then a sweep gathered in Runs', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await page.getByTestId('home.recipe.shapes').click();
  await expect(page).toHaveURL(/#\/train$/);
  await page.getByTestId('train.field.training.epochs').fill('2');
  await page.getByTestId('train.field.model.inputSize').fill('16');

  await page.getByTestId('train.target.companion').check();
  await expect(page.getByTestId('train.start')).toBeDisabled();
  await page.getByTestId('companion.url').fill(url);
  await page.getByTestId('companion.token').fill('not-the-token');
  await page.getByTestId('companion.check').click();
  await expect(page.getByTestId('companion.health')).toContainText('check the access token');
  await page.getByTestId('companion.token').fill(TOKEN);
  await page.getByTestId('companion.check').click();
  const health = page.getByTestId('companion.health');
  await expect(health).toHaveAttribute('data-ok', 'true');
  await expect(health).toContainText('trains on cpu');

  await page.getByTestId('train.start').click();
  const progress = page.getByTestId('train.progress');
  await expect(progress).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  // The live curve: the loss chart gets points while the companion trains.
  await expect(progress).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
  await expect(page.getByTestId('train.metrics')).toContainText('val_loss');
  const runId = (await progress.getAttribute('data-run-id')) ?? '';

  // Its checkpoints came home: the Evaluate page works on it as on a local run.
  await page.getByTestId('train.evaluate').click();
  await page.getByTestId('evaluate.start').click();
  await expect(page.getByTestId('evaluate.status')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });

  // A sweep of two learning rates, each its own remote run, compared in Runs.
  await page.getByTestId('nav.train').click();
  await page.getByTestId('sweep.builder').locator('summary').click();
  await page.getByTestId('sweep.values.0').fill('0.02, 0.005');
  await expect(page.getByTestId('sweep.start')).toHaveText('Start sweep of 2 runs');
  await page.getByTestId('sweep.start').click();
  await page.getByTestId('nav.runs').click();
  const compare = page.locator('[data-testid^="runs.compareSweep."]');
  await expect(compare).toHaveCount(1);
  await compare.click();
  const rows = page.getByTestId('runs.sweep.row');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toHaveAttribute('data-status', 'completed', { timeout: 180_000 });
  await expect(rows.nth(1)).toHaveAttribute('data-status', 'completed', { timeout: 180_000 });
  await expect(page.getByTestId('runs.sweep')).toContainText('0.005');
  // The overlay colours the sweep's runs by the swept value, the smallest and the largest at viridis' ends.
  await page.getByTestId('runs.overlayColorBy').selectOption({ index: 1 });
  const overlay = page.getByTestId('runs.overlay');
  await expect(overlay.locator('.chart-legend')).toContainText(' 0.005) loss');
  await expect(overlay.locator('.chart-legend')).toContainText(' 0.02) loss');
  const strokes = await overlay.locator('.recharts-line path.recharts-line-curve').evaluateAll((paths) => paths.map((p) => p.getAttribute('stroke')));
  expect(new Set(strokes)).toEqual(new Set(['rgb(68 1 84)', 'rgb(253 231 37)']));
  // The sweep results below the chart use the same colours.
  const swatches = await page.getByTestId('runs.sweep').locator('.swatch').evaluateAll((els) => els.map((e) => (e as unknown as { style: { background: string } }).style.background));
  expect(new Set(swatches)).toEqual(new Set(['rgb(68, 1, 84)', 'rgb(253, 231, 37)']));
  // The Runs table names where a run trained beside its backend (2f71cf7): "cpu · companion".
  await expect(page.locator(`tr:has-text("${runId.slice(0, 6)}")`).first()).toContainText('· companion');
  expect(errors).toEqual([]);
});
