import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { freePort } from '../test/redisServer.ts';

// A companion that trains on the PyTorch engine (`npm run companion -- --engine torch`),
// two processes with DistributedDataParallel on this machine's CPU: the studio sends it a
// run, follows its curve live, and evaluates the checkpoints it brings home.
const TOKEN = 'e2e-companion-torch-token-0123456789abcdef';
let companion: ChildProcess;
let url: string;
let root: string;

test.beforeAll(async () => {
  const port = await freePort();
  root = mkdtempSync(join(tmpdir(), 'e2e-companion-torch-'));
  url = `http://127.0.0.1:${port}`;
  companion = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/companion/main.ts', '--port', String(port), '--token', TOKEN, '--engine', 'torch', '--nproc', '2', '--root', root, '--origin', `http://localhost:${process.env.E2E_BUILT_PORT ?? 4173}`],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, STUDIO_PYTHON: process.env.STUDIO_PYTHON ?? '/usr/bin/python3' } },
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
  if (companion && companion.exitCode === null) {
    const exited = new Promise((r) => companion.once('exit', r));
    companion.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    companion.kill('SIGKILL');
  }
  rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

test('a run on a PyTorch companion: DDP over two processes, a live curve, Evaluate on its checkpoints', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await page.getByTestId('home.recipe.shapes').click();
  await expect(page).toHaveURL(/#\/train$/);
  await page.getByTestId('train.field.training.epochs').fill('3');
  await page.getByTestId('train.field.model.inputSize').fill('16');

  await page.getByTestId('train.target.companion').check();
  await page.getByTestId('companion.url').fill(url);
  await page.getByTestId('companion.token').fill(TOKEN);
  await page.getByTestId('companion.check').click();
  const health = page.getByTestId('companion.health');
  await expect(health).toHaveAttribute('data-ok', 'true');
  // The panel names the engine and what a job spans.
  await expect(health).toContainText('trains on torch');
  await expect(health).toContainText('2 CPU processes');

  await page.getByTestId('train.start').click();
  const progress = page.getByTestId('train.progress');
  await expect(progress).toHaveAttribute('data-status', 'running', { timeout: 90_000 });
  // Live: the first epoch's figures arrive while the run still trains.
  await expect(page.getByTestId('train.metrics')).toContainText('val_loss', { timeout: 120_000 });
  await expect(progress).toHaveAttribute('data-status', 'completed', { timeout: 180_000 });
  const runId = (await progress.getAttribute('data-run-id')) ?? '';

  // The engine wrote the run; the companion turned its checkpoints into the studio's, and Evaluate scores them.
  await page.getByTestId('train.evaluate').click();
  await page.getByTestId('evaluate.start').click();
  await expect(page.getByTestId('evaluate.status')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('evaluate.summary')).toContainText('%');

  // Its events came from PyTorch with two ranks.
  const jobs = await (await fetch(`${url}/jobs`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
  const job = (jobs as { jobs: { id: string; status: string }[] }).jobs.find((j) => j.status === 'completed');
  expect(job).toBeTruthy();
  const events = readFileSync(join(root, 'runs', job!.id, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; backend?: string; worldSize?: number });
  const begin = events.find((e) => e.type === 'trainBegin');
  expect(begin?.backend).toMatch(/^torch/);
  expect(begin?.worldSize).toBe(2);
  expect(runId).not.toBe('');
  expect(errors).toEqual([]);
});
