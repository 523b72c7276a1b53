import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { relativeError, seeded, stockAndFast } from '../kernelParity.testkit.ts';

// Pads and strided slices are copies: the studio's must give stock tfjs-cpu's values exactly.
const PADS: { shape: number[]; paddings: [number, number][]; value: number }[] = [
  { shape: [2, 9, 9, 3], paddings: [[0, 0], [1, 1], [1, 1], [0, 0]], value: 0 },
  { shape: [2, 8, 8, 16], paddings: [[0, 0], [0, 1], [0, 1], [0, 0]], value: 0 },
  { shape: [1, 5, 7, 40], paddings: [[0, 0], [3, 2], [1, 4], [0, 0]], value: 0 },
  { shape: [3, 4, 5], paddings: [[1, 0], [0, 2], [2, 1]], value: -1.5 },
  { shape: [6], paddings: [[2, 3]], value: 7 },
  { shape: [2, 3, 4, 5], paddings: [[0, 0], [0, 0], [0, 0], [1, 2]], value: 0 },
  { shape: [4, 6], paddings: [[0, 0], [0, 0]], value: 0 },
];

const SLICES: { shape: number[]; begin: number[]; size: number[] }[] = [
  { shape: [2, 11, 11, 3], begin: [0, 1, 1, 0], size: [2, 9, 9, 3] },
  { shape: [2, 9, 9, 16], begin: [0, 0, 0, 0], size: [2, 8, 8, 16] },
  { shape: [1, 10, 12, 40], begin: [0, 3, 1, 0], size: [1, 5, 7, 40] },
  { shape: [3, 4, 5], begin: [1, 1, 2], size: [2, -1, 2] },
  { shape: [2, 3, 4, 8], begin: [0, 0, 0, 2], size: [2, 3, 4, 5] },
  { shape: [5, 6], begin: [1, 2], size: [3, 3] },
];

describe('fast PadV2', () => {
  it.each(PADS.map((c, i) => ({ ...c, i, name: `${JSON.stringify(c.shape)} by ${JSON.stringify(c.paddings)} with ${c.value}` })))('pads $name as stock does', ({ shape, paddings, value, i }) => {
    const x = seeded(shape, 20 + i);
    const { stock, fast } = stockAndFast(() => tf.pad(x, paddings, value));
    expect(Array.from(fast)).toEqual(Array.from(stock));
    x.dispose();
  });

  it('leaves int32 values to stock, with stock’s result', () => {
    const ints = tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32');
    const padded = tf.pad(ints, [[1, 0], [0, 1]], 9);
    expect(padded.dtype).toBe('int32');
    expect(padded.arraySync()).toEqual([[9, 9, 9], [1, 2, 9], [3, 4, 9]]);
    tf.dispose([ints, padded]);
  });
});

describe('fast Slice', () => {
  it.each(SLICES.map((c, i) => ({ ...c, i, name: `${JSON.stringify(c.size)} at ${JSON.stringify(c.begin)} of ${JSON.stringify(c.shape)}` })))('slices $name as stock does', ({ shape, begin, size, i }) => {
    const x = seeded(shape, 40 + i);
    const { stock, fast } = stockAndFast(() => tf.slice(x, begin, size));
    expect(Array.from(fast)).toEqual(Array.from(stock));
    x.dispose();
  });

  it('trains through a ZeroPadding2D to stock’s gradients (the pad’s gradient is a strided slice)', () => {
    const x = seeded([2, 7, 7, 4], 60);
    const model = tfl.sequential({
      layers: [
        tfl.layers.zeroPadding2d({ inputShape: [7, 7, 4], padding: [[1, 0], [1, 0]] }),
        tfl.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, kernelInitializer: tfl.initializers.glorotUniform({ seed: 61 }) }),
        tfl.layers.zeroPadding2d({ padding: 1 }),
        tfl.layers.depthwiseConv2d({ kernelSize: 3, depthwiseInitializer: tfl.initializers.glorotUniform({ seed: 62 }) }),
      ],
    });
    const gradients = () => tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar);
      return tf.concat(Object.values(grads).map((g) => tf.reshape(g, [-1])));
    });
    // The convolutions' sums differ from stock's in rounding (their own parity bound); the copies add nothing to it.
    const { stock, fast } = stockAndFast(gradients);
    expect(relativeError(fast, stock)).toBeLessThan(1e-4);
    x.dispose();
    model.dispose();
  });
});
