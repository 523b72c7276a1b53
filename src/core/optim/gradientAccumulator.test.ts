import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers no gradients itself; tfjs-layers registers all of them on import.
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { GradientAccumulator } from './gradientAccumulator.ts';

/** A small linear model with a mean squared-error loss over its batch. */
function meanLoss(w: tf.Tensor, b: tf.Tensor, x: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, w), b), y)));
}

describe('GradientAccumulator', () => {
  it('averages 4 micro-batch gradients of a mean loss into the full-batch gradient', () => {
    const w = tf.tensor2d([0.3, -0.2, 0.5, 0.1, -0.4, 0.7], [3, 2]);
    const b = tf.tensor1d([0.05, -0.1]);
    const x = tf.tensor2d(Array.from({ length: 8 * 3 }, (_, i) => Math.sin(i * 1.7)), [8, 3]);
    const y = tf.tensor2d(Array.from({ length: 8 * 2 }, (_, i) => Math.cos(i * 0.9)), [8, 2]);
    const gradOf = tf.grads((wt: tf.Tensor, bt: tf.Tensor, xt: tf.Tensor, yt: tf.Tensor) => meanLoss(wt, bt, xt, yt));

    const full = gradOf([w, b, x, y]).slice(0, 2);
    const acc = new GradientAccumulator();
    const before = tf.memory().numTensors;
    for (let k = 0; k < 4; k++) {
      tf.tidy(() => {
        const xs = tf.slice(x, [2 * k, 0], [2, 3]);
        const ys = tf.slice(y, [2 * k, 0], [2, 2]);
        acc.add(gradOf([w, b, xs, ys]).slice(0, 2));
      });
      // Only the two running sums stay alive between micro-batches.
      expect(tf.memory().numTensors).toBe(before + 2);
    }
    expect(acc.count).toBe(4);
    const mean = acc.mean();
    for (let i = 0; i < 2; i++) {
      expect(mean[i].shape).toEqual(full[i].shape);
      const got = mean[i].dataSync();
      const want = full[i].dataSync();
      for (let j = 0; j < want.length; j++) expect(got[j]).toBeCloseTo(want[j], 6);
    }
    tf.dispose(mean);
    acc.reset();
    expect(acc.count).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, b, x, y, ...full]);
  });

  it('keeps the caller\'s gradients intact and its own sums apart from them', () => {
    const acc = new GradientAccumulator();
    const g = tf.tensor1d([1, 2]);
    acc.add([g]);
    g.dispose();
    const h = tf.tensor1d([3, 4]);
    acc.add([h]);
    h.dispose();
    const [mean] = acc.mean();
    expect(Array.from(mean.dataSync())).toEqual([2, 3]);
    mean.dispose();
    acc.dispose();
  });

  it('rejects mismatched gradients and a mean of nothing', () => {
    const acc = new GradientAccumulator();
    expect(() => acc.mean()).toThrow(/before any add/);
    const a = tf.zeros([2, 3]);
    const c = tf.zeros([3]);
    acc.add([a]);
    expect(() => acc.add([a, a])).toThrow(/2 gradients/);
    expect(() => acc.add([c])).toThrow(/shape/);
    expect(acc.count).toBe(1);
    acc.dispose();
    tf.dispose([a, c]);
  });
});
