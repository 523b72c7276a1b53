import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { seeded, stockAndFast } from '../kernelParity.testkit.ts';

const tensors: tf.Tensor[] = [];
const keep = <T extends tf.Tensor>(t: T): T => (tensors.push(t), t);
afterAll(() => tf.dispose(tensors));

// The broadcasts a training step makes (batch norm's per-channel vectors against NHWC
// activations, Adam's scalars) and some it does not. The fast kernels do the stock
// kernels' float64 arithmetic rounded to float32, so the values must be identical.
const SHAPES: [number[], number[]][] = [
  [[2, 5, 3, 4], [2, 5, 3, 4]],
  [[2, 5, 3, 4], [4]],
  [[1, 1, 1, 4], [2, 5, 3, 4]],
  [[2, 5, 3, 4], []],
  [[], [3, 2]],
  [[3, 1, 5], [1, 4, 1]],
  [[2, 1, 3, 1], [5, 1, 2]],
  [[7], [1]],
];

describe.each(['Add', 'Sub', 'Multiply', 'RealDiv'])('%s', (kernel) => {
  it.each(SHAPES.map(([a, b]) => ({ a, b, name: `[${a}] with [${b}]` })))('$name is identical to stock', ({ a, b }) => {
    const ta = keep(seeded(a, a.length + 1));
    const tb = keep(seeded(b, b.length + 7));
    const { stock, fast, shape } = stockAndFast(() => tf.engine().runKernel(kernel, { a: ta, b: tb }) as tf.Tensor);
    expect(shape).toEqual(tf.broadcast_util.assertAndGetBroadcastShape(a, b));
    expect(Array.from(fast)).toEqual(Array.from(stock));
  });
});

it('leaves int32 arithmetic to the stock kernel', () => {
  const a = keep(tf.tensor1d([7, -3, 5], 'int32'));
  const b = keep(tf.tensor1d([2, 2, -4], 'int32'));
  const sum = tf.add(a, b);
  expect(sum.dtype).toBe('int32');
  expect(Array.from(sum.dataSync())).toEqual([9, -1, 1]);
  sum.dispose();
});
