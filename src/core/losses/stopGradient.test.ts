import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers no gradients itself; tfjs-layers does, as in every host that trains a model.
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { stopGradient } from './stopGradient.ts';

describe('stopGradient', () => {
  it('passes the value through and blocks the gradient', () => {
    const x = tf.tensor1d([1, -2, 3]);
    const before = tf.memory().numTensors;
    // d/dx Σ x·sg(x) = sg(x), since the second factor is a constant.
    const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(v, stopGradient(v))))(x);
    expect(Array.from(grad.dataSync())).toEqual([1, -2, 3]);
    expect(Array.from(tf.tidy(() => stopGradient(x)).dataSync())).toEqual([1, -2, 3]);
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([x, grad]);
  });
});
