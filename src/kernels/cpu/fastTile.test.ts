import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';
import { seeded, stockAndFast } from '../kernelParity.testkit.ts';

const tensors: tf.Tensor[] = [];
const keep = <T extends tf.Tensor>(t: T): T => (tensors.push(t), t);
afterAll(() => tf.dispose(tensors));

it.each([
  { shape: [1, 1, 1, 4], reps: [2, 3, 5, 1] },
  { shape: [2, 3], reps: [3, 2] },
  { shape: [3], reps: [4] },
  { shape: [2, 1, 3], reps: [1, 1, 1] },
  { shape: [2, 2, 2], reps: [2, 1, 3] },
])('Tile of [$shape] by $reps copies exactly what the stock kernel does', ({ shape, reps }) => {
  const x = keep(seeded(shape, shape.length));
  const { stock, fast, shape: out } = stockAndFast(() => tf.tile(x, reps));
  expect(out).toEqual(shape.map((s, i) => s * reps[i]));
  expect(Array.from(fast)).toEqual(Array.from(stock));
});

it('tiles int32 through the stock kernel', () => {
  const t = tf.tile(keep(tf.tensor1d([1, 2], 'int32')), [2]);
  expect(Array.from(t.dataSync())).toEqual([1, 2, 1, 2]);
  t.dispose();
});
