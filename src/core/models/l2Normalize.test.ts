import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { L2Normalize } from './l2Normalize.ts';

describe('L2Normalize', () => {
  it('matches torch.nn.functional.normalize, including rows near zero', () => {
    // reference: test/reference/models_layers.py, torch.nn.functional.normalize(x, dim=1) (torch 1.13)
    const input = [
      [3.0, 4.0, 0.0],
      [1.0, -2.0, 2.0],
      [0.0, 0.0, 0.0],
      [1e-13, 0.0, 0.0],
    ];
    const expected = [0.6, 0.8, 0.0, 0.3333333333333333, -0.6666666666666666, 0.6666666666666666, 0.0, 0.0, 0.0, 0.1, 0.0, 0.0];
    const x = tf.tensor2d(input);
    const y = new L2Normalize().apply(x) as tf.Tensor;
    const actual = y.dataSync();
    expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, 6));
    tf.dispose([x, y]);
  });

  it('has a finite gradient at the zero vector', () => {
    const x = tf.zeros([1, 4]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(new L2Normalize().apply(t) as tf.Tensor))(x);
    expect(g.dataSync().every(Number.isFinite)).toBe(true);
    tf.dispose([x, g]);
  });
});
