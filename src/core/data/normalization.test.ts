import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { normalizationParams, normalize } from './normalization.ts';

describe('normalizationParams', () => {
  it('gives the presets per channel count', () => {
    // torchvision's ImageNet constants (torchvision.models weights' transforms).
    expect(normalizationParams({ preset: 'imagenet' }, 3)).toEqual({ mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
    const grey = normalizationParams({ preset: 'imagenet' }, 1);
    expect(grey.mean[0]).toBeCloseTo((0.485 + 0.456 + 0.406) / 3, 12);
    expect(grey.std[0]).toBeCloseTo((0.229 + 0.224 + 0.225) / 3, 12);
    expect(normalizationParams({ preset: 'half' }, 3)).toEqual({ mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
    expect(normalizationParams({ preset: 'unit' }, 1)).toEqual({ mean: [0], std: [1] });
    expect(normalizationParams({ preset: 'custom', mean: [0.1], std: [0.2] }, 1)).toEqual({ mean: [0.1], std: [0.2] });
  });

  it('rejects custom values that do not fit the channels', () => {
    expect(() => normalizationParams({ preset: 'custom', mean: [0.1], std: [0.2] }, 3)).toThrow('normalization mean needs 3 values (one per channel), got 1');
    expect(() => normalizationParams({ preset: 'custom' }, 1)).toThrow('custom normalization needs mean and std');
  });
});

describe('normalize', () => {
  it('computes (x − mean) / std per channel', () => {
    const x = tf.tensor4d([0, 0.5, 1, 0.25, 0.75, 1], [1, 1, 2, 3]);
    const y = normalize(x, normalizationParams({ preset: 'imagenet' }, 3));
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const got = Array.from(y.dataSync());
    [0, 0.5, 1, 0.25, 0.75, 1].forEach((v, i) => expect(got[i]).toBeCloseTo((v - mean[i % 3]) / std[i % 3], 5));
    const half = normalize(x, normalizationParams({ preset: 'half' }, 3));
    expect(Array.from(half.dataSync())).toEqual([-1, 0, 1, -0.5, 0.5, 1]);
    tf.dispose([x, y, half]);
  });

  it('returns a new tensor for the identity preset and leaks nothing', () => {
    const x = tf.tensor4d([0.1, 0.2], [1, 1, 2, 1]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const unit = normalize(x, { mean: [0], std: [1] });
      expect(unit).not.toBe(x);
      const half = normalize(x, { mean: [0.5], std: [0.5] });
      tf.dispose([unit, half]);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(() => normalize(x, { mean: [0, 0, 0], std: [1, 1, 1] })).toThrow('for 1 channels');
    x.dispose();
  });
});
