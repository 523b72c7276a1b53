import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRunSpec, type RunSpecInput } from '../src/core/spec/runSpec.ts';
import { prepareData } from '../src/core/train/prepareData.ts';
import type { StepEvent, TrainEvent } from '../src/core/train/trainEvent.ts';
import { openSource, trainRun } from '../src/node/trainRun.ts';
import { trainRunTorch } from '../src/node/torchEngine/trainRunTorch.ts';

/**
 * The torch engine computes the tfjs engine's function: the same spec, the same starting
 * weights (the core's seeded initialisation, handed over in studio-torch names), the same
 * pixels and split, augmentation and dropout off. With the whole training split in one
 * batch the step's loss does not depend on the order either engine shuffles in, so five
 * steps must give the same losses (a difference in a layer, a loss or the optimizer would
 * move them apart within a step or two).
 *
 * The learning rates are moderate on purpose. With steep ones (lr 0.01 on a full-width
 * ResNet-18, or a detector whose summed box loss starts near 7) the two engines part by
 * 1e-3 to 1e-1 after two or three steps — and so do PyTorch in float32 and PyTorch in
 * float64 from the same start: rounding amplified by the steps, not a different function.
 * At these rates they stay within 3e-5 while the loss falls two- to sevenfold.
 */
process.env.STUDIO_PYTHON ??= '/usr/bin/python3';
const root = mkdtempSync(join(tmpdir(), 'studio-torch-parity-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function fullBatch(input: RunSpecInput): Promise<RunSpecInput> {
  const spec = parseRunSpec(input);
  const data = await prepareData(openSource(spec), spec);
  return { ...input, training: { ...input.training, batchSize: data.split.train.length } };
}

async function losses(input: RunSpecInput, engine: 'tfjs' | 'torch'): Promise<number[]> {
  const outDir = join(root, `${input.name}-${engine}`);
  const events: TrainEvent[] = [];
  const onEvent = (e: TrainEvent) => events.push(e);
  if (engine === 'tfjs') await trainRun({ spec: input, outDir, backend: 'cpu', onEvent });
  else await trainRunTorch({ spec: input, outDir, launch: { nproc: 1 }, onEvent });
  return events.filter((e): e is StepEvent => e.type === 'step').map((e) => e.loss);
}

const common = {
  version: 2,
  optimizer: { type: 'sgd', lr: 0.001, momentum: 0.9 },
  training: { epochs: 5, batchSize: 1, seed: 3, logEverySteps: 1, checkpoint: { everyEpochs: 0, keepBest: false } },
} as const;

const cases: RunSpecInput[] = [
  {
    ...common,
    name: 'classifier',
    data: { source: { kind: 'synthetic', generator: 'shapes', classes: 3, perClass: 8 }, imageSize: 32, split: { train: 0.75, val: 0.125, test: 0.125 } },
    model: { architecture: 'resnet18', inputSize: 32, width: 0.5 },
    task: { kind: 'classification' },
    loss: { type: 'crossEntropy', labelSmoothing: 0.1 },
  } as RunSpecInput,
  {
    ...common,
    name: 'arcface',
    data: { source: { kind: 'synthetic', generator: 'faces', classes: 8, perClass: 4 }, imageSize: 32, split: { train: 0.5, val: 0.25, test: 0.25 } },
    model: { architecture: 'iresnet18Lite', inputSize: 32, width: 0.5, embeddingSize: 32 },
    task: { kind: 'embedding' },
    loss: { type: 'arcface', scale: 16, margin: 0.3 },
  } as RunSpecInput,
  {
    ...common,
    name: 'boxes',
    data: { source: { kind: 'synthetic', generator: 'boxes', classes: 2, perClass: 8 }, labels: 'json', imageSize: 32, split: { train: 0.75, val: 0.125, test: 0.125 } },
    // Seed 001's own box loss, summed over the batch: a steeper start, so a gentler rate.
    optimizer: { type: 'sgd', lr: 0.0002, momentum: 0.9 },
    model: { architecture: 'resnet18', inputSize: 32, width: 0.5, head: { hidden: [64] } },
    task: { kind: 'detection' },
    loss: { type: 'multiTask', box: 'seed001' },
  } as RunSpecInput,
];

describe('the torch engine computes what the tfjs engine computes', () => {
  for (const input of cases) {
    it(`${input.name}: the same losses for five steps`, async () => {
      const spec = await fullBatch(input);
      const tfjs = await losses(spec, 'tfjs');
      const torch = await losses(spec, 'torch');
      expect(tfjs).toHaveLength(5);
      expect(torch).toHaveLength(5);
      // The run moves: equal losses of a model that never changed would prove nothing.
      expect(Math.abs(tfjs[4] - tfjs[0])).toBeGreaterThan(1e-3);
      for (let i = 0; i < 5; i++) expect(Math.abs(torch[i] - tfjs[i]), `step ${i}: tfjs ${tfjs[i]}, torch ${torch[i]}`).toBeLessThan(1e-4);
    }, 240_000);
  }
});
