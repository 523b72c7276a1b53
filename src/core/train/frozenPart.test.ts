import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKBONE_BLOCKS } from '../models/backboneBlocks.ts';
import { buildModel, isBackboneLayer, minInputSize } from '../models/buildModel.ts';
import type { Architecture } from '../spec/runSpec.ts';
import { syntheticSource } from '../data/syntheticSource.ts';
import { parseRunSpec, type RunSpecInput } from '../spec/runSpec.ts';
import { relativeError } from '../util/relativeError.ts';
import { frozenPart } from './frozenPart.ts';
import { prepareData } from './prepareData.ts';
import { Trainer } from './trainer.ts';
import type { EpochEvent } from './trainEvent.ts';
import { readWeights } from './weightTransfer.ts';

// With the backbone frozen whole and no augmentation, the Trainer computes the frozen
// part once per training image and trains the rest on it. It must be the same run as
// the one that sends every step through the whole model: the same epoch losses and
// validation metrics, the same final weights.

function spec(over: { architecture?: 'resnet18' | 'iresnet18Lite' | 'mobilenetV2'; task?: 'classification' | 'embedding' | 'detection'; frozen?: number; augmentation?: Record<string, unknown> } = {}): RunSpecInput {
  const architecture = over.architecture ?? 'resnet18';
  const task = over.task ?? 'classification';
  return {
    version: 2,
    data: {
      source: { kind: 'synthetic', generator: task === 'embedding' ? 'faces' : task === 'detection' ? 'boxes' : 'shapes', classes: task === 'embedding' ? 6 : 3, perClass: 10 },
      imageSize: 32,
      labels: task === 'detection' ? 'json' : 'folders',
      augmentation: over.augmentation ?? {},
      ...(task === 'embedding' ? { split: { train: 0.5, val: 0.5, test: 0, by: 'identity' } } : {}),
    },
    model: {
      architecture,
      width: 0.25,
      inputSize: 32,
      head: { hidden: [16], dropout: 0.2, batchNorm: true, activation: 'relu' },
      frozenLayers: over.frozen ?? BACKBONE_BLOCKS[architecture].count,
      ...(task === 'embedding' ? { embeddingSize: 16 } : {}),
    },
    task: task === 'detection' ? { kind: 'detection', confidenceThreshold: 0.5 } : { kind: task },
    loss: task === 'embedding' ? { type: 'arcface' } : task === 'detection' ? { type: 'multiTask' } : { type: 'crossEntropy' },
    optimizer: { type: 'adam', lr: 0.01 },
    training: { epochs: 3, batchSize: 8, seed: 5 },
  } as RunSpecInput;
}

async function train(input: RunSpecInput, frozenFeatures: boolean) {
  const s = parseRunSpec(input);
  const src = s.data.source as { generator: 'shapes' | 'faces' | 'boxes'; classes: number; perClass: number };
  const data = await prepareData(syntheticSource({ ...src, imageSize: 32, seed: 2 }), s);
  const epochs: EpochEvent[] = [];
  const trainer = new Trainer({ spec: s, data, backend: 'cpu', frozenFeatures, onEvent: (e) => e.type === 'epoch' && epochs.push(e) });
  const end = await trainer.fit();
  const cached = trainer.trainsOnCachedFeatures;
  const weights = await readWeights(trainer.model);
  trainer.dispose();
  data.cache.dispose?.();
  return { end, epochs, weights, cached };
}

describe('training on cached frozen features', () => {
  it.each([
    ['a classifier', spec()],
    ['an embedding model (a flattened map at the boundary)', spec({ architecture: 'iresnet18Lite', task: 'embedding' })],
    ['the two-head tracker (two pooled branches)', spec({ task: 'detection' })],
  ])('trains %s exactly as the whole-model path does', async (_, input) => {
    const before = tf.memory().numTensors;
    const fast = await train(input, true);
    const slow = await train(input, false);
    expect(fast.end.reason, fast.end.message).toBe('completed');
    expect(fast.cached).toBe(true);
    expect(slow.cached).toBe(false);
    expect(fast.epochs).toHaveLength(3);
    fast.epochs.forEach((e, i) => {
      for (const [k, v] of Object.entries(slow.epochs[i].metrics)) expect(e.metrics[k], `epoch ${i + 1} ${k}`).toBeCloseTo(v, 5);
    });
    // The head learned something (the comparison is not between two untouched models).
    expect(fast.epochs[2].metrics.loss).not.toBe(fast.epochs[0].metrics.loss);
    fast.weights.forEach((w, i) => expect(relativeError(w.data, slow.weights[i].data), w.name).toBeLessThan(1e-5));
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it.each([
    ['the backbone is only partly frozen', spec({ frozen: 3 })],
    ['images are augmented', spec({ augmentation: { flip: { horizontal: true } } })],
    ['nothing is frozen', spec({ frozen: 0 })],
  ])('is not used when %s', async (_, input) => {
    expect((await train(input, true)).cached).toBe(false);
  }, 120_000);
});

describe('which models qualify', () => {
  // A weightless layer missing from the deterministic list (faceRecognitionNet's average-pool
  // shortcut and channel padding were) silently sent every step through the whole network.
  it.each(Object.keys(BACKBONE_BLOCKS) as Architecture[])('%s frozen whole has a frozen part for each task', (architecture) => {
    for (const task of ['classification', 'embedding', 'detection'] as const) {
      const model = buildModel({
        model: { architecture, width: architecture === 'faceRecognitionNet' ? 1 : 0.25, inputSize: Math.max(32, minInputSize(architecture)), head: { hidden: [8], dropout: 0, batchNorm: false, activation: 'relu' }, frozenLayers: BACKBONE_BLOCKS[architecture].count, embeddingSize: 8, frozenBatchNorm: 'inference' },
        channels: 3,
        task: task === 'detection' ? { kind: 'detection', confidenceThreshold: 0.5 } : { kind: task },
        numClasses: 3,
        seed: 1,
        convention: 'torchvision',
      });
      const part = frozenPart(model, (name) => isBackboneLayer(model, name));
      expect(part, `${architecture} ${task}`).toBeDefined();
      model.dispose();
    }
  });
});
