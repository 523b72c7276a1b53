import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { syntheticSource } from '../src/core/data/syntheticSource.ts';
import { parseRunSpec, type RunSpecInput } from '../src/core/spec/runSpec.ts';
import type { StoredTensor } from '../src/core/train/checkpoint.ts';
import { prepareData } from '../src/core/train/prepareData.ts';
import { Trainer } from '../src/core/train/trainer.ts';
import type { TrainEvent } from '../src/core/train/trainEvent.ts';
import { readWeights } from '../src/core/train/weightTransfer.ts';

// The same tiny convnet, the same data and seed, three optimizer steps: once on the real
// WebGPU backend (Dawn; SwiftShader when there is no GPU) and once on the CPU backend.
const spec: RunSpecInput = {
  version: 1,
  data: {
    source: { kind: 'synthetic', generator: 'shapes', classes: 3, perClass: 8 },
    imageSize: 16,
    split: { train: 1, val: 0, test: 0 },
    normalization: { preset: 'half' },
    augmentation: { flip: { horizontal: true, p: 0.5 } },
  },
  model: { architecture: 'smallCnn', width: 0.25, inputSize: 16 },
  task: { kind: 'classification' },
  loss: { type: 'crossEntropy', labelSmoothing: 0.1 },
  optimizer: { type: 'adamw', lr: 0.01, weightDecay: 0.01 },
  training: { epochs: 1, batchSize: 8, seed: 5, clipNorm: 1, checkpoint: { everyEpochs: 0, keepBest: false } },
};

async function trainOn(backend: 'cpu' | 'webgpu'): Promise<{ initial: StoredTensor[]; weights: StoredTensor[]; events: TrainEvent[] }> {
  await tf.setBackend(backend);
  const parsed = parseRunSpec(spec);
  const data = await prepareData(
    syntheticSource({ generator: 'shapes', classes: 3, perClass: 8, imageSize: 16, seed: 2 }),
    parsed,
  );
  const events: TrainEvent[] = [];
  const trainer = new Trainer({ spec: parsed, data, backend, onEvent: (e) => events.push(e) });
  const initial = await readWeights(trainer.model);
  await trainer.fit();
  const weights = await readWeights(trainer.model);
  trainer.dispose();
  return { initial, weights, events };
}

describe('WebGPU and CPU train alike', () => {
  it('gives the same weights after three steps within 1e-4', async () => {
    const gpu = await trainOn('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    const cpu = await trainOn('cpu');
    const steps = gpu.events.filter((e) => e.type === 'step');
    expect(steps).toHaveLength(3);
    expect(gpu.weights.length).toBe(cpu.weights.length);
    let worst = 0;
    gpu.weights.forEach((w, i) => {
      const ref = cpu.weights[i].data;
      w.data.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - ref[j]))));
    });
    expect(worst).toBeLessThan(1e-4);
    // Training moved the weights, so the match is between two trained models, not two initializations.
    let moved = 0;
    gpu.weights.forEach((w, i) => w.data.forEach((v, j) => (moved = Math.max(moved, Math.abs(v - gpu.initial[i].data[j])))));
    expect(moved).toBeGreaterThan(1e-3);
  });
});
