import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ACTIVATION_KERNEL } from '../../core/models/activationGradKernel.ts';
import { hardSigmoid } from '../../core/models/hardActivations.ts';
import { seeded, stockAndFast } from '../kernelParity.testkit.ts';

const tensors: tf.Tensor[] = [];
const keep = <T extends tf.Tensor>(t: T): T => (tensors.push(t), t);
afterAll(() => tf.dispose(tensors));

// The compositions the one kernel replaces (activationTraining's forward without it), run
// on stock tfjs-cpu: the kernel must give their bits.
const COMPOSITIONS = {
  swish: (x: tf.Tensor) => tf.mul(tf.sigmoid(x), x),
  hardSigmoid: (x: tf.Tensor) => hardSigmoid(x),
  hardSwish: (x: tf.Tensor) => tf.mul(x, hardSigmoid(x)),
};

describe.each(Object.entries(COMPOSITIONS))('%s forward', (activation, composition) => {
  it('is the stock composition bit for bit, on random values and on the edge cases', () => {
    const special = keep(tf.tensor1d([0, -0, -3, 3, -2.9999998, 2.9999998, 1e-30, 88.8, -88.8, 1e30, -1e30, Infinity, -Infinity, NaN]));
    const random = keep(tf.mul(seeded([2, 5, 3, 8], 1), 8));
    for (const x of [special, random]) {
      const want = stockAndFast(() => composition(x)).stock;
      const got = tf.engine().runKernel(ACTIVATION_KERNEL, { x }, { activation }) as tf.Tensor;
      expect(got.shape).toEqual(x.shape);
      expect(Array.from(got.dataSync())).toEqual(Array.from(want));
      got.dispose();
    }
  });
});

it('refuses an activation it does not compose', () => {
  const x = keep(tf.ones([2]));
  expect(() => tf.engine().runKernel(ACTIVATION_KERNEL, { x }, { activation: 'relu' })).toThrow("StudioActivation: 'relu' is not one of swish, hardSigmoid, hardSwish");
});
