import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { clipByGlobalNorm } from './clipByGlobalNorm.ts';

// Inputs and values from test/reference/optim_clip.py, torch.nn.utils.clip_grad_norm_ (torch 1.13).
const G1 = [
  [0.3, -1.2, 2.0],
  [0.5, 0.0, -0.7],
];
const G2 = [1.5, -0.25];
const NORM = 2.9295904636383057;
const CLIPPED_G1 = [0.10240336507558823, -0.4096134603023529, 0.6826890707015991, 0.17067226767539978, 0.0, -0.23894117772579193];
const CLIPPED_G2 = [0.512016773223877, -0.08533613383769989];

function expectClose(actual: ArrayLike<number>, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i], 6);
}

describe('clipByGlobalNorm', () => {
  it('matches clip_grad_norm_ when the norm exceeds maxNorm', () => {
    const grads = [tf.tensor2d(G1), tf.tensor1d(G2)];
    const { grads: clipped, norm } = clipByGlobalNorm(grads, 1.0);
    expect(norm.dataSync()[0]).toBeCloseTo(NORM, 5);
    expectClose(clipped[0].dataSync(), CLIPPED_G1);
    expectClose(clipped[1].dataSync(), CLIPPED_G2);
    expect(clipped[0].shape).toEqual([2, 3]);
    tf.dispose([...grads, ...clipped, norm]);
  });

  it('leaves gradients under maxNorm unchanged, as new tensors', () => {
    const grads = [tf.tensor2d(G1), tf.tensor1d(G2)];
    const { grads: clipped, norm } = clipByGlobalNorm(grads, 10);
    expect(norm.dataSync()[0]).toBeCloseTo(NORM, 5);
    expectClose(clipped[0].dataSync(), G1.flat());
    expectClose(clipped[1].dataSync(), G2);
    expect(clipped[0]).not.toBe(grads[0]);
    tf.dispose(grads);
    expect(clipped[1].isDisposed).toBe(false);
    tf.dispose([...clipped, norm]);
  });

  it('leaves nothing behind but its outputs', () => {
    const grads = [tf.tensor2d(G1), tf.tensor1d(G2)];
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      const out = clipByGlobalNorm(grads, 1);
      expect(tf.memory().numTensors).toBe(before + 3);
      tf.dispose([...out.grads, out.norm]);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(grads);
  });

  it('handles an empty list and rejects a bad maxNorm', () => {
    const { grads, norm } = clipByGlobalNorm([], 1);
    expect(grads).toEqual([]);
    expect(norm.dataSync()[0]).toBe(0);
    norm.dispose();
    expect(() => clipByGlobalNorm([], 0)).toThrow(/maxNorm/);
  });
});
