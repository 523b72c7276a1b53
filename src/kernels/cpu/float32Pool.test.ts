import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fastCpuKernels } from './fastCpuKernels.ts';
import { Float32Pool, float32Pool } from './float32Pool.ts';

const initiallyRegistered = fastCpuKernels.registered;
afterAll(() => (initiallyRegistered ? fastCpuKernels.register() : fastCpuKernels.unregister()));

/** A shape big enough to be pooled, and the array tfjs holds for a tensor (read without `dataSync`, which would mark it escaped). */
const BIG = [4, 32, 32, 8];
const LENGTH = BIG.reduce((a, b) => a * b, 1);
const cpu = () => tf.backend() as MathBackendCPU;
const valuesOf = (t: tf.Tensor) => cpu().data.get(t.dataId).values as Float32Array;

beforeEach(() => {
  // A clean pool for each case: unregistering drops it, registering turns it back on.
  fastCpuKernels.unregister();
  fastCpuKernels.register();
});

describe('float32Pool', () => {
  it('hands a disposed output’s array to the next output of that size', () => {
    const a = tf.randomUniform(BIG, -1, 1, 'float32', 1);
    const b = tf.randomUniform(BIG, -1, 1, 'float32', 2);
    const first = tf.add(a, b);
    const array = valuesOf(first);
    first.dispose();
    expect(float32Pool.stats()).toMatchObject({ freeArrays: 1, freeBytes: LENGTH * 4 });
    const second = tf.mul(a, b);
    expect(valuesOf(second)).toBe(array);
    // And its values are the product, every one written over the sum that was there.
    const expected = Float32Array.from(valuesOf(a), (v, i) => Math.fround(v * valuesOf(b)[i]));
    expect(Array.from(valuesOf(second))).toEqual(Array.from(expected));
    tf.dispose([a, b, second]);
  });

  it('gives a kernel that accumulates zeros, not the last tensor’s values', () => {
    const x = tf.randomUniform([2, 32, 32, 16], -1, 1, 'float32', 3);
    const filter = tf.randomUniform([3, 3, 16, 16], -1, 1, 'float32', 4);
    const expected = tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 1, 'same').dataSync().slice();
    for (let i = 0; i < 3; i++) {
      // Fill the pool with arrays of the output's size holding garbage, then convolve again.
      const junk = tf.tidy(() => tf.relu(tf.add(tf.fill([2, 32, 32, 16], 7), x)));
      junk.dispose();
      const y = tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 1, 'same');
      expect(Array.from(valuesOf(y))).toEqual(Array.from(expected));
      y.dispose();
    }
    tf.dispose([x, filter]);
  });

  it('never reuses values that were read out: dataSync keeps its array after dispose', async () => {
    const a = tf.randomUniform(BIG, -1, 1, 'float32', 5);
    const sum = tf.add(a, a);
    const read = sum.dataSync();
    const copy = read.slice();
    const later = tf.add(a, a);
    const asyncRead = await later.data();
    const asyncCopy = asyncRead.slice();
    tf.dispose([sum, later]);
    expect(float32Pool.stats().freeArrays).toBe(0);
    const others = [tf.mul(a, a), tf.sub(a, a), tf.relu(a)];
    expect(Array.from(read)).toEqual(Array.from(copy));
    expect(Array.from(asyncRead)).toEqual(Array.from(asyncCopy));
    tf.dispose([a, ...others]);
  });

  it('keeps an array while a view of it lives: a slice outlives the tensor it was cut from', () => {
    const a = tf.randomUniform(BIG, -1, 1, 'float32', 6);
    const sum = tf.add(a, a);
    // tfjs-cpu cuts a leading-axis slice as a subarray of the same buffer.
    const slice = tf.slice(sum, [1], [2]);
    expect((valuesOf(slice) as Float32Array).buffer).toBe(valuesOf(sum).buffer);
    const expected = Array.from(valuesOf(slice));
    sum.dispose();
    expect(float32Pool.stats().freeArrays).toBe(0);
    const other = tf.mul(a, tf.scalar(3));
    expect(Array.from(valuesOf(slice))).toEqual(expected);
    // Once the slice goes too, the buffer is free again.
    slice.dispose();
    expect(float32Pool.stats().freeArrays).toBe(1);
    tf.dispose([a, other]);
  });

  it('keeps an array shared by reshape and clone until the last of them is disposed', () => {
    const a = tf.randomUniform(BIG, -1, 1, 'float32', 7);
    const sum = tf.add(a, a);
    const reshaped = tf.reshape(sum, [LENGTH]);
    const cloned = sum.clone();
    sum.dispose();
    reshaped.dispose();
    expect(float32Pool.stats().freeArrays).toBe(0);
    cloned.dispose();
    expect(float32Pool.stats().freeArrays).toBe(1);
    a.dispose();
  });

  it('trains a model to the same weights as without it, and tensors stay flat across steps', () => {
    const train = (steps: number): { weights: Float32Array[]; tensorsPerStep: number[] } => {
      const model = tfl.sequential({
        layers: [
          tfl.layers.conv2d({ inputShape: [16, 16, 3], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
          tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthwiseInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
          tfl.layers.conv2d({ filters: 16, kernelSize: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }),
          tfl.layers.globalAveragePooling2d({}),
          tfl.layers.dense({ units: 4, kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) }),
        ],
      });
      const x = tf.randomUniform([8, 16, 16, 3], -1, 1, 'float32', 8);
      const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32'), 4);
      const optimizer = tf.train.adam(0.01);
      const tensorsPerStep: number[] = [];
      for (let i = 0; i < steps; i++) {
        tf.tidy(() => {
          optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
        });
        tensorsPerStep.push(tf.memory().numTensors);
      }
      const weights = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
      tf.dispose([x, y]);
      optimizer.dispose();
      model.dispose();
      return { weights, tensorsPerStep };
    };
    fastCpuKernels.unregister();
    fastCpuKernels.register();
    float32Pool.setEnabled(false);
    const without = train(6);
    float32Pool.setEnabled(true);
    const pooled = train(6);
    expect(float32Pool.stats().freeArrays).toBeGreaterThan(0);
    expect(pooled.weights.map((w) => Array.from(w))).toEqual(without.weights.map((w) => Array.from(w)));
    expect(new Set(pooled.tensorsPerStep.slice(1)).size).toBe(1);
  });

  it('keeps at most its capacity free, the latest released first, and small arrays are not tracked', () => {
    const pool = new Float32Pool(2 * LENGTH * 4);
    fastCpuKernels.unregister();
    const backend = cpu();
    pool.setEnabled(true);
    pool.use(backend);
    const release = (arrays: Float32Array[]) => arrays.map((values) => backend.write(values, [values.length], 'float32')).forEach((id) => backend.disposeData(id));
    // One model's two arrays fill it; a small one is not kept.
    const first = [pool.uninitialized(LENGTH), pool.uninitialized(LENGTH), pool.uninitialized(10)];
    release(first);
    expect(pool.stats()).toEqual({ freeArrays: 2, freeBytes: 2 * LENGTH * 4, inUse: 0 });
    // Another model's size: the array released longest ago makes room for it.
    const next = pool.uninitialized(LENGTH + 8);
    release([next]);
    expect(pool.stats()).toEqual({ freeArrays: 1, freeBytes: (LENGTH + 8) * 4, inUse: 0 });
    expect(pool.uninitialized(LENGTH + 8)).toBe(next);
    expect([first[0], first[1]]).not.toContain(pool.uninitialized(LENGTH));
    pool.setEnabled(false);
    fastCpuKernels.register();
  });

  it('puts the backend’s own methods back when the kernels are unregistered, and stays out of a backend someone else wrapped', () => {
    const a = tf.randomUniform(BIG, -1, 1, 'float32', 9);
    tf.add(a, a).dispose();
    const backend = cpu();
    expect(Object.keys(backend)).toEqual(expect.arrayContaining(['write', 'disposeData', 'readSync', 'move']));
    fastCpuKernels.unregister();
    for (const name of ['write', 'disposeData', 'readSync', 'move']) expect(Object.prototype.hasOwnProperty.call(backend, name), name).toBe(false);
    expect(float32Pool.stats()).toEqual({ freeArrays: 0, freeBytes: 0, inUse: 0 });

    const other = new Float32Pool(1 << 30);
    other.setEnabled(true);
    other.use(backend);
    fastCpuKernels.register();
    tf.add(a, a).dispose();
    expect(float32Pool.stats().freeArrays).toBe(0);
    other.setEnabled(false);
    a.dispose();
  });
});
