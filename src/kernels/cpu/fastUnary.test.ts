import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { seeded, stockAndFast } from '../kernelParity.testkit.ts';

const tensors: tf.Tensor[] = [];
const keep = <T extends tf.Tensor>(t: T): T => (tensors.push(t), t);
afterAll(() => tf.dispose(tensors));

// Stock's formula per op in the same float64 arithmetic: the same bits, special values included.
describe.each(['Relu', 'Relu6', 'Sigmoid'])('%s', (kernel) => {
  it('is identical to stock on random values and on the edge cases', () => {
    const special = keep(tf.tensor1d([0, -0, 6, 5.999999, 6.000001, -1e-30, 1e30, -1e30, 88.8, -88.8, Infinity, -Infinity, NaN]));
    const random = keep(tf.mul(seeded([2, 7, 5, 8], 1), 10));
    for (const x of [special, random]) {
      const { stock, fast, shape } = stockAndFast(() => tf.engine().runKernel(kernel, { x }) as tf.Tensor);
      expect(shape).toEqual(x.shape);
      expect(Array.from(fast)).toEqual(Array.from(stock));
    }
  });
});

it('leaves int32 activations to the stock kernel', () => {
  const x = keep(tf.tensor1d([7, -3, 5], 'int32'));
  const y = tf.relu(x);
  expect(y.dtype).toBe('int32');
  expect(Array.from(y.dataSync())).toEqual([7, 0, 5]);
  y.dispose();
});
