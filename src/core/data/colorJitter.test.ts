import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.ts';
import { adjustColors, colorJitter, drawColorFactors } from './colorJitter.ts';

// reference: test/reference/data_augment.py, torchvision.transforms.functional 0.14:
// adjust_brightness, then adjust_contrast, then adjust_saturation on float images.
const RGB_INPUT = [
  0.811504, 0.085649, 0.179441, 0.236811, 0.181365, 0.801274, 0.869233, 0.582162, 0.039399, 0.094129, 0.332202, 0.433127, 0.621228, 0.479051,
  0.264788, 0.159739, 0.691417, 0.734577, 0.032688, 0.113672, 0.452127, 0.391228, 0.887825, 0.51674, 0.420114, 0.430628, 0.666334, 0.586799,
  0.172833, 0.737838, 0.756741, 0.956267, 0.7862, 0.284201, 0.319989, 0.648547, 0.650362, 0.696216, 0.869257, 0.292721, 0.93876, 0.00149,
  0.076917, 0.97346, 0.943884, 0.298401, 0.139266, 0.313986, 0.043102, 0.891711, 0.662664, 0.585163, 0.244676, 0.47131,
];
const RGB_FACTORS = { brightness: [1.3, 0.6], contrast: [0.5, 1.4], saturation: [1.7, 0.2] };
const RGB_EXPECTED = [
  0.977439, 0.222081, 0.325721, 0.405367, 0.344099, 0.993691, 0.852092, 0.645381, 0.045628, 0.244255, 0.507326, 0.618848, 0.724525, 0.56742,
  0.330659, 0.196254, 0.783759, 0.831451, 0.2421, 0.331587, 0.705579, 0.411084, 0.828777, 0.549775, 0.521751, 0.533368, 0.793824, 0.212662,
  0.143116, 0.238037, 0.588089, 0.62161, 0.593038, 0.152253, 0.158266, 0.213464, 0.452632, 0.460336, 0.489406, 0.361514, 0.470049, 0.338036,
  0.384244, 0.522086, 0.517117, 0.065979, 0.041546, 0.068597, 0.330453, 0.454561, 0.416082, 0.21998, 0.162779, 0.200853,
];
const GREY_INPUT = [0.190343, 0.773277, 0.474479, 0.030346, 0.254415, 0.706965, 0.519702, 0.374244, 0.253645];
const GREY_EXPECTED = [0.069415, 0.768936, 0.410379, 0.0, 0.146302, 0.689362, 0.464647, 0.290096, 0.145378];

const f32 = (v: number[]) => Float32Array.from(v);

describe('adjustColors', () => {
  it('matches torchvision brightness → contrast → saturation per image', () => {
    const x = tf.tensor4d(RGB_INPUT, [2, 3, 3, 3]);
    const y = adjustColors(x, {
      brightness: f32(RGB_FACTORS.brightness),
      contrast: f32(RGB_FACTORS.contrast),
      saturation: f32(RGB_FACTORS.saturation),
    });
    const got = Array.from(y.dataSync());
    RGB_EXPECTED.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    tf.dispose([x, y]);
  });

  it('uses the image itself as grey for 1-channel input, where saturation does nothing', () => {
    const x = tf.tensor4d(GREY_INPUT, [1, 3, 3, 1]);
    const y = adjustColors(x, { brightness: f32([0.8]), contrast: f32([1.5]), saturation: f32([0.3]) });
    const got = Array.from(y.dataSync());
    GREY_EXPECTED.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    tf.dispose([x, y]);
  });
});

describe('colorJitter', () => {
  it('is the identity with 0 strength, and then draws nothing', () => {
    const x = tf.tensor4d(RGB_INPUT, [2, 3, 3, 3]);
    const rng = new Rng(5);
    const y = colorJitter(x, { brightness: 0, contrast: 0, saturation: 0 }, rng);
    expect(y).not.toBe(x);
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    expect(rng.getState()).toBe(new Rng(5).getState());
    tf.dispose([x, y]);
  });

  it('draws factors in [max(0, 1 − s), 1 + s] from the given Rng, reproducibly', () => {
    const strength = { brightness: 0.4, contrast: 1.5, saturation: 0 };
    const a = drawColorFactors(500, strength, new Rng(9));
    expect(drawColorFactors(500, strength, new Rng(9))).toEqual(a);
    expect(a.saturation).toBeUndefined();
    const b = Array.from(a.brightness as Float32Array);
    const c = Array.from(a.contrast as Float32Array);
    expect(Math.min(...b)).toBeGreaterThanOrEqual(0.6 - 1e-6);
    expect(Math.max(...b)).toBeLessThanOrEqual(1.4 + 1e-6);
    expect(Math.min(...b)).toBeLessThan(0.65);
    expect(Math.max(...b)).toBeGreaterThan(1.35);
    expect(Math.min(...c)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...c)).toBeLessThanOrEqual(2.5 + 1e-6);
  });

  it('leaks no tensors across calls', () => {
    const x = tf.tensor4d(RGB_INPUT, [2, 3, 3, 3]);
    const rng = new Rng(1);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 4; i++) colorJitter(x, { brightness: 0.3, contrast: 0.3, saturation: 0.3 }, rng).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
