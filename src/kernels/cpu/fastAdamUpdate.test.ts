import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ADAM_UPDATE_KERNEL } from '../../core/optim/adamUpdateKernel.ts';
import { ADAM_PARITY_CONFIGS, adamAfterSteps } from '../adamParity.testkit.ts';
import { fastCpuKernels } from './fastCpuKernels.ts';

const initiallyRegistered = fastCpuKernels.registered;
afterAll(() => (initiallyRegistered ? fastCpuKernels.register() : fastCpuKernels.unregister()));

// The fused step against the composed one on stock tfjs-cpu. Both are held to PyTorch in
// src/core/optim/createOptimizer.test.ts (which runs the fused one, test/setupCpu.ts
// registering the studio's kernels); here, that they are the same computation.
describe('the fused Adam step on cpu', () => {
  it.each(ADAM_PARITY_CONFIGS.map((c) => [`${c.type} wd ${c.weightDecay}`, c] as const))('gives the composed step’s values bit for bit: %s', async (_, config) => {
    const composed = await adamAfterSteps(config, fastCpuKernels, false);
    const fused = await adamAfterSteps(config, fastCpuKernels, true);
    expect(Array.from(fused.param)).toEqual(Array.from(composed.param));
    expect(Array.from(fused.m)).toEqual(Array.from(composed.m));
    expect(Array.from(fused.v)).toEqual(Array.from(composed.v));
    // The parameter really moved: equal results are not two no-ops.
    const start = tf.tidy(() => tf.randomUniform([37, 5], -1, 1, 'float32', 1).dataSync());
    expect(fused.param.some((x, i) => Math.abs(x - start[i]) > 1e-4)).toBe(true);
  });

  it('leaves no tensor behind over the steps', async () => {
    const fused = await adamAfterSteps(ADAM_PARITY_CONFIGS[1], fastCpuKernels, true);
    expect(fused.tensorsAfter).toBe(fused.tensorsBefore);
  });

  it('refuses inputs of different sizes, naming them', () => {
    fastCpuKernels.register();
    const [p, g, m, v] = [tf.zeros([4]), tf.zeros([3]), tf.zeros([4]), tf.zeros([4])];
    expect(() => tf.engine().runKernel(ADAM_UPDATE_KERNEL, { param: p, grad: g, m, v }, {})).toThrow(/'grad' has 3 values, 'param' 4/);
    tf.dispose([p, g, m, v]);
  });
});
