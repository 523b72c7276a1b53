import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './runCli.ts';

/**
 * The user's path: `studio train --engine torch`, then the studio's own commands on the run
 * it wrote (`studio eval`, `studio export`), and `--resume` going on where it stopped.
 */
process.env.STUDIO_PYTHON ??= '/usr/bin/python3';
const root = mkdtempSync(join(tmpdir(), 'studio-torch-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const spec = {
  version: 2,
  name: 'two-phase',
  data: { source: { kind: 'synthetic', generator: 'shapes', classes: 3, perClass: 12 }, imageSize: 16 },
  // Head first, then the whole backbone: the studio checkpoints from past the unfreeze hold the backbone's optimizer slots too.
  model: { architecture: 'smallCnn', width: 0.25, inputSize: 16, frozenLayers: 1, unfreezeAfterEpochs: 1 },
  task: { kind: 'classification' },
  loss: { type: 'crossEntropy' },
  optimizer: { type: 'adam', lr: 0.003, backboneLrFactor: 0.5 },
  training: { epochs: 3, batchSize: 8, seed: 4 },
};

describe('studio train --engine torch', () => {
  it('trains on 2 processes into a run that studio eval scores as the run did and studio export exports', async () => {
    const specPath = join(root, 'spec.json');
    writeFileSync(specPath, JSON.stringify(spec));
    const out = join(root, 'run');
    const train = await runCli(['train', specPath, '--engine', 'torch', '--nproc', '2', '--out', out]);
    expect(train.code, train.stderr).toBe(0);
    expect(train.stderr).toMatch(/training on torch \S+ · 2× cpu/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { status: string; test: Record<string, number> };
    expect(summary.status).toBe('completed');
    for (const checkpoint of ['final', 'best', 'last']) {
      const evaluated = await runCli(['eval', out, '--checkpoint', checkpoint]);
      expect(evaluated.code, evaluated.stderr).toBe(0);
      const metrics = (JSON.parse(evaluated.stdout) as { metrics: Record<string, number> }).metrics;
      if (checkpoint === 'final') expect(metrics.loss).toBeCloseTo(summary.test.test_loss, 5);
      expect(Number.isFinite(metrics.loss)).toBe(true);
    }
    const exported = await runCli(['export', out, '--format', 'onnx', '--out', join(root, 'onnx')]);
    expect(exported.code, exported.stderr).toBe(0);
  }, 240_000);

  it('says plainly what it refuses, and writes no run', async () => {
    const specPath = join(root, 'odd.json');
    writeFileSync(specPath, JSON.stringify({ ...spec, training: { ...spec.training, batchSize: 7 } }));
    const out = join(root, 'odd');
    const train = await runCli(['train', specPath, '--engine', 'torch', '--nproc', '2', '--out', out]);
    expect(train.code).not.toBe(0);
    expect(train.stderr).toContain('the PyTorch engine cannot train this spec: training.batchSize');
    expect(existsSync(out)).toBe(false);
    const usage = await runCli(['train', specPath, '--engine', 'jax']);
    expect(usage.stderr).toContain('--engine must be tfjs or torch, got "jax"');
  }, 120_000);
});
