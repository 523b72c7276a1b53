import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, describe, expect, it } from 'vitest';
import { trainingMemory } from './trainingMemory.ts';

/**
 * conv 3x3 (2 → 3 channels, same padding) → batch norm → flatten → dense 5, on 4x4x2 input.
 * Figures counted by hand from the layer definitions:
 *   conv   params 3·3·2·3 + 3 = 57, output 4·4·3 = 48, MACs 16 positions · 54 = 864
 *   bn     params 4·3 = 12 (γ, β trainable: 6), output 48
 *   flat   output 48
 *   dense  params 48·5 + 5 = 245, output 5, MACs 240
 * params 314, trainable 308; activations per image: input 32 + 48 + 48 + 48 + 5 = 181.
 */
function tinyModel(): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [4, 4, 2], filters: 3, kernelSize: 3, padding: 'same' }),
      tfl.layers.batchNormalization({}),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 5 }),
    ],
  });
}

const models: tfl.LayersModel[] = [];
function track<M extends tfl.LayersModel>(m: M): M {
  models.push(m);
  return m;
}
afterEach(() => models.splice(0).forEach((m) => m.dispose()));

describe('trainingMemory', () => {
  it('counts weights, gradients, Adam moments and activations of a tiny model', () => {
    const m = trainingMemory(track(tinyModel()), { batchSize: 8, optimizer: 'adam' });
    expect(m).toEqual({
      params: 314,
      weightBytes: 314 * 4,
      // weights + (gradient + two moments) per trainable weight
      optimizerBytes: 314 * 4 + 308 * 4 * 3,
      activationBytes: 181 * 8 * 4,
      totalBytes: 314 * 4 + 308 * 4 * 3 + 181 * 8 * 4,
      macs: 864 + 240,
      flops: 2 * (864 + 240),
    });
  });

  it('counts SGD momentum only when it is on, and the accumulator when gradients accumulate', () => {
    const model = track(tinyModel());
    const plain = { type: 'sgd', lr: 0.1, momentum: 0, nesterov: false, weightDecay: 0, noDecayOnBiasAndNorm: false } as const;
    expect(trainingMemory(model, { batchSize: 1, optimizer: plain }).optimizerBytes).toBe(314 * 4 + 308 * 4);
    expect(trainingMemory(model, { batchSize: 1, optimizer: { ...plain, momentum: 0.9 } }).optimizerBytes).toBe(314 * 4 + 308 * 4 * 2);
    expect(trainingMemory(model, { batchSize: 1, optimizer: 'sgd' }).optimizerBytes).toBe(314 * 4 + 308 * 4 * 2);
    expect(trainingMemory(model, { batchSize: 1, optimizer: plain, gradientAccumulation: 4 }).optimizerBytes).toBe(314 * 4 + 308 * 4 * 2);
  });

  it('adds trainable variables that live outside the model', () => {
    const m = trainingMemory(track(tinyModel()), { batchSize: 2, optimizer: 'adamw', extraTrainableParams: 10 });
    expect(m.params).toBe(324);
    expect(m.optimizerBytes).toBe(324 * 4 + 318 * 4 * 3);
  });

  it('recurses into a nested model without counting its input twice, and scales activations with the batch', () => {
    // Disposing the outer model disposes the inner one with it.
    const inner = tinyModel();
    const input = tfl.input({ shape: [4, 4, 2] });
    const out = tfl.layers.dense({ units: 2 }).apply(inner.apply(input)) as tfl.SymbolicTensor;
    const outer = track(tfl.model({ inputs: input, outputs: out }));
    // 181 inside (its input is the outer input) + the outer dense's 2 outputs.
    expect(trainingMemory(outer, { batchSize: 3, optimizer: 'adam' }).activationBytes).toBe((181 + 2) * 3 * 4);
    expect(trainingMemory(outer, { batchSize: 6, optimizer: 'adam' }).activationBytes).toBe((181 + 2) * 6 * 4);
  });

  it('creates no tensors', () => {
    const model = track(tinyModel());
    const before = tf.memory().numTensors;
    trainingMemory(model, { batchSize: 4, optimizer: 'adam' });
    expect(tf.memory().numTensors).toBe(before);
  });
});
