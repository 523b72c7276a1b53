import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { relativeError } from '../util/relativeError.ts';
import { batchNormTraining, withFusedBatchNormTraining } from './batchNormTraining.ts';
import { FUSED_OPS_FLAG } from './fusedOpsFlag.ts';

// The reference is tfjs-layers' own training path differentiated op by op by tfjs (moments,
// then the batchNorm kernel): the fused op must give the same values and gradients. The unit
// tests run with the studio's cpu kernels (test/setupCpu.ts), so this is the op on its
// batch-norm kernels, whose statistics are summed in another order: values agree to float32
// rounding. src/kernels/cpu/fastBatchNorm.test.ts holds both paths to stock tfjs-cpu.
const seeded = (shape: number[], seed: number, lo = -1, hi = 1) => tf.randomUniform(shape, lo, hi, 'float32', seed);

describe('batchNormTraining', () => {
  it.each([
    [[4, 5, 6, 3], 1e-3],
    [[2, 7, 7, 16], 1e-5],
    [[9, 5], 1e-5],
  ])('gives tfjs’s values and gradients for x %j, epsilon %f', (shape, epsilon) => {
    const channels = shape[shape.length - 1];
    const axes = shape.slice(0, -1).map((_, i) => i);
    // An offset and scale so the statistics are not those of a standard normal already.
    const x = tf.tidy(() => tf.add(tf.mul(seeded(shape, 1), 3), 0.5));
    const gamma = seeded([channels], 2, 0.5, 1.5);
    const beta = seeded([channels], 3);
    const weights = seeded(shape, 4);
    const stock = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const { mean, variance } = tf.moments(a, axes);
      return tf.batchNorm(a, mean, variance, b, g, epsilon);
    };
    const fused = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const out = batchNormTraining(a, g, b, epsilon);
      tf.dispose([out.mean, out.variance]);
      return out.y;
    };
    const loss = (f: typeof stock) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, g, b), weights));

    tf.tidy(() => {
      expect(relativeError(fused(x, gamma, beta).dataSync(), stock(x, gamma, beta).dataSync())).toBeLessThan(1e-6);
      const want = tf.grads(loss(stock))([x, gamma, beta]);
      const got = tf.grads(loss(fused))([x, gamma, beta]);
      ['x', 'gamma', 'beta'].forEach((name, i) => {
        expect(relativeError(got[i].dataSync(), want[i].dataSync()), name).toBeLessThan(1e-5);
        expect(Math.max(...Array.from(want[i].dataSync(), Math.abs)), name).toBeGreaterThan(1e-3);
      });
    });
    const { y, mean, variance } = batchNormTraining(x, gamma, beta, epsilon);
    const moments = tf.moments(x, axes);
    expect(relativeError(mean.dataSync(), moments.mean.dataSync())).toBeLessThan(1e-6);
    expect(relativeError(variance.dataSync(), moments.variance.dataSync())).toBeLessThan(1e-6);
    tf.dispose([x, gamma, beta, weights, y, mean, variance, moments.mean, moments.variance]);
  });
});

describe('withFusedBatchNormTraining', () => {
  function twin(): [tfl.layers.Layer, tfl.layers.Layer] {
    const make = () => tfl.layers.batchNormalization({ axis: -1, momentum: 0.9, epsilon: 1e-5, gammaInitializer: tfl.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 5 }), betaInitializer: tfl.initializers.randomUniform({ minval: -1, maxval: 1, seed: 6 }) });
    const stock = make();
    const fused = withFusedBatchNormTraining(make());
    for (const layer of [stock, fused]) layer.build([null, 6, 6, 4]);
    fused.setWeights(stock.getWeights());
    return [stock, fused];
  }

  it('trains like the stock layer: same output, same moving averages, same gradients', () => {
    const [stock, fused] = twin();
    const x = tf.tidy(() => tf.add(tf.mul(seeded([3, 6, 6, 4], 7), 2), 1));
    for (let step = 0; step < 2; step++) {
      const a = stock.apply(x, { training: true }) as tf.Tensor;
      const b = fused.apply(x, { training: true }) as tf.Tensor;
      expect(relativeError(b.dataSync(), a.dataSync())).toBeLessThan(1e-6);
      tf.dispose([a, b]);
    }
    stock.getWeights().forEach((w, i) => expect(relativeError(fused.getWeights()[i].dataSync(), w.dataSync()), stock.weights[i].name).toBeLessThan(1e-6));
    const vars = (l: tfl.layers.Layer) => l.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    const grads = (l: tfl.layers.Layer) => tf.variableGrads(() => tf.sum(tf.square(l.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, vars(l)).grads;
    const gs = grads(stock);
    const gf = grads(fused);
    for (const [i, v] of vars(stock).entries()) expect(relativeError(gf[vars(fused)[i].name].dataSync(), gs[v.name].dataSync()), v.name).toBeLessThan(1e-5);
    tf.dispose([x, ...Object.values(gs), ...Object.values(gf)]);
  });

  it('leaves inference to the layer’s own call, and no tensor behind in training', () => {
    const [stock, fused] = twin();
    const x = seeded([2, 6, 6, 4], 8);
    const a = stock.apply(x, { training: false }) as tf.Tensor;
    const b = fused.apply(x, { training: false }) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const { value, grads } = tf.variableGrads(() => tf.sum(fused.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, a, b]);
  });

  it('launches far fewer kernels for a training step, and FUSED_OPS_FLAG turns it off', async () => {
    const [, fused] = twin();
    // The input is a variable too: inside a model its gradient is what flows on to the layers below.
    const x = tf.variable(seeded([2, 6, 6, 4], 9));
    const launches = async () => {
      const profile = await tf.profile(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(fused.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar);
        tf.dispose([value, ...Object.values(grads)]);
      });
      return profile.kernels.length;
    };
    const on = await launches();
    tf.env().set(FUSED_OPS_FLAG, false);
    try {
      const off = await launches();
      expect(on).toBeLessThan(off * 0.7);
    } finally {
      tf.env().set(FUSED_OPS_FLAG, true);
    }
    x.dispose();
  });
});
