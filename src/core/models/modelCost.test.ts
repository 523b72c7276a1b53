import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { modelCost } from './modelCost.ts';

// Counts worked out by hand from the layer definitions (independent of the code's formula).
describe('modelCost', () => {
  it('counts parameters, bytes and MACs of conv, depthwise conv and dense layers', () => {
    const input = tfl.input({ shape: [8, 8, 3] });
    let x = tfl.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }).apply(input) as tfl.SymbolicTensor;
    x = tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false, depthMultiplier: 2 }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.batchNormalization({}).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.activation({ activation: 'relu' }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ units: 5 }).apply(x) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    // conv: 4x4x4 outputs, 3·3·3 MACs each = 1728; params 3·3·3·4 + 4 = 112.
    // depthwise (x2): 4x4x8 outputs, 3·3 MACs each = 1152; params 3·3·4·2 = 72.
    // batch norm on 8 channels: 16 trainable (γ, β) + 16 moving statistics.
    // dense: 128 → 5 = 640 MACs; params 640 + 5 = 645.
    const cost = modelCost(model);
    expect(cost.params).toBe(112 + 72 + 32 + 645);
    expect(cost.trainableParams).toBe(112 + 72 + 16 + 645);
    expect(cost.bytes).toBe(4 * (112 + 72 + 32 + 645));
    expect(cost.macs).toBe(1728 + 1152 + 640);
    expect(cost.flops).toBe(2 * (1728 + 1152 + 640));
    model.dispose();
  });

  it('counts a dense layer once per position of a higher-rank input, and recurses into nested models', () => {
    const innerInput = tfl.input({ shape: [6, 4] });
    const inner = tfl.model({ inputs: innerInput, outputs: tfl.layers.dense({ units: 5, useBias: false }).apply(innerInput) as tfl.SymbolicTensor });
    const input = tfl.input({ shape: [6, 4] });
    const model = tfl.model({ inputs: input, outputs: inner.apply(input) as tfl.SymbolicTensor });
    // 6 positions · 4 · 5 = 120 MACs; 20 params.
    expect(modelCost(model)).toEqual({ params: 20, trainableParams: 20, bytes: 80, macs: 120, flops: 240 });
    model.dispose();
  });

  it('reads the model without creating tensors', () => {
    const input = tfl.input({ shape: [3] });
    const model = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 2 }).apply(input) as tfl.SymbolicTensor });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) modelCost(model);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
