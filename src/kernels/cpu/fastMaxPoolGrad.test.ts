import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';
import { seeded, stockAndFast } from '../kernelParity.testkit.ts';

const tensors: tf.Tensor[] = [];
const keep = <T extends tf.Tensor>(t: T): T => (tensors.push(t), t);
afterAll(() => tf.dispose(tensors));

// Half the inputs are exact zeros (a ReLU's output), so many windows tie: the gradient must
// go to the same element the stock kernel picks. Overlapping windows (3/2) add several
// window gradients onto one input.
it.each([
  { shape: [2, 8, 8, 3], size: 2, stride: 2, pad: 'same' as const },
  { shape: [1, 7, 9, 4], size: 3, stride: 2, pad: 'same' as const },
  { shape: [2, 6, 5, 2], size: 3, stride: 1, pad: 'valid' as const },
  { shape: [1, 5, 5, 5], size: 2, stride: 2, pad: 'valid' as const },
])('MaxPoolGrad for [$shape] pool $size/$stride $pad matches stock exactly', ({ shape, size, stride, pad }) => {
  const x = keep(tf.relu(seeded(shape, shape[1])));
  const pooledShape = tf.tidy(() => tf.maxPool(x as tf.Tensor4D, size, stride, pad).shape);
  // Distinct upstream gradients per window, so a misrouted one shows.
  const weights = keep(tf.reshape(tf.range(1, 1 + pooledShape.reduce((p, q) => p * q, 1)), pooledShape));
  const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, size, stride, pad), weights)));
  const { stock, fast } = stockAndFast(() => grad(x));
  expect(Array.from(fast)).toEqual(Array.from(stock));
  expect(stock.some((v) => v !== 0)).toBe(true);
});
