import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { createOptimizer } from './createOptimizer.ts';
import { lrRangeTest } from './lrRangeTest.ts';

/** Gradient descent on L(w) = ½·a·w², returning the loss before each step: w ← (1 − lr·a)·w. */
function quadratic(a: number, w0: number) {
  let w = w0;
  return async (lr: number): Promise<number> => {
    const loss = 0.5 * a * w * w;
    w -= lr * a * w;
    return loss;
  };
}

describe('lrRangeTest', () => {
  it('sweeps lrs geometrically or linearly between the bounds', async () => {
    const exp = await lrRangeTest({ startLr: 1e-3, endLr: 10, steps: 5 }, async () => 1);
    [1e-3, 1e-2, 1e-1, 1, 10].forEach((lr, i) => expect(exp.lrs[i]).toBeCloseTo(lr, 12));
    const linear = await lrRangeTest({ startLr: 0.1, endLr: 1, steps: 10, mode: 'linear' }, async () => 1);
    linear.lrs.forEach((lr, i) => expect(lr).toBeCloseTo(0.1 * (i + 1), 12));
    expect(linear.stoppedEarly).toBe(false);
  });

  it('smooths with a bias-corrected exponential moving average', async () => {
    const losses = [4, 2, 1, 3, 0.5];
    let k = 0;
    const beta = 0.7;
    const result = await lrRangeTest({ startLr: 1e-3, endLr: 1, steps: 5, smoothing: beta, divergeFactor: 10 }, async () => losses[k++]);
    expect(result.losses).toEqual(losses);
    // Written out as the weighted mean it is: Σ βⁱ⁻ʲ(1 − β)·Lⱼ / (1 − βⁱ⁺¹).
    losses.forEach((_, i) => {
      let sum = 0;
      for (let j = 0; j <= i; j++) sum += beta ** (i - j) * (1 - beta) * losses[j];
      expect(result.smoothed[i]).toBeCloseTo(sum / (1 - beta ** (i + 1)), 12);
    });
    // A constant loss is its own smoothed value from the first step on.
    const flat = await lrRangeTest({ steps: 20 }, async () => 2.5);
    flat.smoothed.forEach((s) => expect(s).toBeCloseTo(2.5, 12));
  });

  it('on a quadratic, stops once the lr passes the 2/a stability limit and suggests a stable lr', async () => {
    // Stable for lr < 2/a = 0.4; fastest single-step descent at lr = 1/a = 0.2.
    const a = 5;
    const result = await lrRangeTest({ startLr: 1e-5, endLr: 100, steps: 100 }, quadratic(a, 1));
    expect(result.stoppedEarly).toBe(true);
    const last = result.lrs[result.lrs.length - 1];
    expect(last).toBeGreaterThan(2 / a);
    expect(last).toBeLessThan(20 / a);
    // Below 2/a the loss never rises, so nothing before the limit can trip the stop.
    expect(result.lrs.slice(0, -1).every((lr, i) => lr > 2 / a || result.smoothed[i] <= result.smoothed[0])).toBe(true);
    expect(result.suggestedLr).toBeGreaterThan(0.02 / a);
    expect(result.suggestedLr).toBeLessThan(2 / a);
  });

  it('stops on a loss that is not finite and keeps that point out of the suggestion', async () => {
    let k = 0;
    const losses = [5, 4, 3, 2, Number.NaN, 0];
    const result = await lrRangeTest({ startLr: 1, endLr: 1e5, steps: 6, smoothing: 0 }, async () => losses[k++]);
    expect(result.stoppedEarly).toBe(true);
    expect(result.losses.length).toBe(5);
    expect(result.suggestedLr).toBeLessThan(1e4);
    expect(Number.isFinite(result.suggestedLr)).toBe(true);
  });

  it('is not misled by a lucky batch at the start of the sweep (fastai leaves out its first 10 points)', async () => {
    // Flat at 2 with one batch at 1.2 among the first, then a real descent from 1e-3 to 1e-1,
    // then divergence: the suggestion must sit in the descent, not at the lucky batch.
    let k = 0;
    const losses = (lr: number) => (k++ === 1 ? 1.2 : lr < 1e-3 ? 2 : lr < 1e-1 ? 2 - 0.6 * Math.log10(lr / 1e-3) : 0.8 + 40 * (lr - 1e-1));
    const result = await lrRangeTest({ startLr: 1e-7, endLr: 10, steps: 100 }, async (lr) => losses(lr));
    expect(result.suggestedLr).toBeGreaterThan(1e-3);
    expect(result.suggestedLr).toBeLessThan(1e-1);
  });

  it('suggests the lr of the lowest loss when the loss never falls', async () => {
    let k = 0;
    const result = await lrRangeTest({ startLr: 1e-3, endLr: 1, steps: 4, smoothing: 0 }, async () => 1 + 0.1 * k++);
    expect(result.suggestedLr).toBe(1e-3);
  });

  it('rejects bad options', async () => {
    const step = async () => 1;
    await expect(lrRangeTest({ startLr: 1, endLr: 0.1 }, step)).rejects.toThrow(/startLr/);
    await expect(lrRangeTest({ steps: 1 }, step)).rejects.toThrow(/steps/);
    await expect(lrRangeTest({ smoothing: 1 }, step)).rejects.toThrow(/smoothing/);
    await expect(lrRangeTest({ divergeFactor: 1 }, step)).rejects.toThrow(/divergeFactor/);
  });

  it('finds a usable lr for a tiny tfjs-layers model trained with SGD', async () => {
    const n = 32;
    const x = tf.tensor2d(Array.from({ length: n * 3 }, (_, i) => Math.sin(i * 0.37) * 2), [n, 3]);
    const y = tf.tidy(() => tf.add(tf.matMul(x, tf.tensor2d([1.5, -2, 0.5], [3, 1])), 0.3));

    const build = () => {
      const model = tfl.sequential({
        layers: [tfl.layers.dense({ units: 1, inputShape: [3], kernelInitializer: 'zeros', biasInitializer: 'zeros' })],
      });
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const optimizer = createOptimizer({ type: 'sgd', lr: 1, momentum: 0, nesterov: false, weightDecay: 0, noDecayOnBiasAndNorm: false }, vars);
      const step = async (lr: number): Promise<number> => {
        const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(model.apply(x) as tf.Tensor, y))) as tf.Scalar, vars);
        optimizer.step(vars.map((v) => grads[v.name]), lr);
        tf.dispose(grads);
        const loss = (await value.data())[0];
        value.dispose();
        return loss;
      };
      return { model, optimizer, step };
    };

    const probe = build();
    const before = tf.memory().numTensors;
    const result = await lrRangeTest({ startLr: 1e-4, endLr: 10, steps: 60 }, probe.step);
    expect(tf.memory().numTensors).toBe(before);
    expect(result.stoppedEarly).toBe(true);
    expect(result.suggestedLr).toBeGreaterThan(1e-4);
    expect(result.suggestedLr).toBeLessThan(result.lrs[result.lrs.length - 1]);

    // Fresh weights: 15 steps at the suggestion cut the loss, and beat 15 at the sweep's start.
    const lossAfter = async (lr: number): Promise<number> => {
      const run = build();
      let loss = Infinity;
      for (let i = 0; i < 16; i++) loss = await run.step(i < 15 ? lr : 0);
      run.optimizer.dispose();
      run.model.dispose();
      return loss;
    };
    const initial = result.losses[0];
    const atSuggested = await lossAfter(result.suggestedLr);
    expect(atSuggested).toBeLessThan(0.5 * initial);
    expect(atSuggested).toBeLessThan(await lossAfter(1e-4));

    probe.optimizer.dispose();
    probe.model.dispose();
    tf.dispose([x, y]);
  });
});
