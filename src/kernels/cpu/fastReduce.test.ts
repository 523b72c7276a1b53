import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { seeded, stockAndFast } from '../kernelParity.testkit.ts';

const tensors: tf.Tensor[] = [];
const keep = <T extends tf.Tensor>(t: T): T => (tensors.push(t), t);
afterAll(() => tf.dispose(tensors));

// Batch norm reduces NHWC over [0, 1, 2], global pooling over [1, 2], losses over the last
// axis. The fast kernels add each output's terms in the stock order in float64, so the
// values must be identical, not just close.
const CASES: { shape: number[]; axis: number | number[]; keepDims: boolean }[] = [
  { shape: [3, 5, 4, 6], axis: [0, 1, 2], keepDims: false },
  { shape: [3, 5, 4, 6], axis: [1, 2], keepDims: true },
  { shape: [3, 5, 4, 6], axis: -1, keepDims: false },
  { shape: [3, 5, 4, 6], axis: [0, 1, 2, 3], keepDims: false },
  { shape: [7, 3], axis: 0, keepDims: true },
  { shape: [9], axis: 0, keepDims: false },
];

describe.each(['Sum', 'Mean'])('%s', (kernel) => {
  it.each(CASES.map((c) => ({ ...c, name: `[${c.shape}] over ${JSON.stringify(c.axis)}${c.keepDims ? ' keeping dims' : ''}` })))(
    '$name is identical to stock',
    ({ shape, axis, keepDims }) => {
      const x = keep(seeded(shape, shape.length));
      const { stock, fast, shape: outShape } = stockAndFast(() => tf.engine().runKernel(kernel, { x }, { axis, keepDims }) as tf.Tensor);
      expect(outShape).toEqual(tf.sum(tf.zeros(shape), axis, keepDims).shape);
      expect(Array.from(fast)).toEqual(Array.from(stock));
    },
  );

  it('axes that are not neighbours go to the stock kernel, same result', () => {
    const x = keep(seeded([2, 3, 4], 3));
    const { stock, fast } = stockAndFast(() => tf.engine().runKernel(kernel, { x }, { axis: [0, 2], keepDims: false }) as tf.Tensor);
    expect(Array.from(fast)).toEqual(Array.from(stock));
  });
});
