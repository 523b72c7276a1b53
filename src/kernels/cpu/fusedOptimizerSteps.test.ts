import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { ADAM_UPDATE_KERNEL } from '../../core/optim/adamUpdateKernel.ts';
import { SGD_UPDATE_KERNEL } from '../../core/optim/sgdUpdateKernel.ts';
import { OPTIMIZER_PARITY_CONFIGS, optimizerAfterSteps, parityConfigLabel } from '../optimizerParity.testkit.ts';
import { fastCpuKernels } from './fastCpuKernels.ts';
import { setSimdKernels, simdKernels } from './wasm/simdKernels.ts';

const initiallyRegistered = fastCpuKernels.registered;
afterAll(() => (initiallyRegistered ? fastCpuKernels.register() : fastCpuKernels.unregister()));

// The fused steps against the composed ones on stock tfjs-cpu. Both are held to PyTorch in
// src/core/optim/createOptimizer.test.ts (which runs the fused ones, test/setupCpu.ts
// registering the studio's kernels); here, that they are the same computation.
// The Adam step runs in WebAssembly SIMD where the runtime has it (Node does) and in
// JavaScript otherwise: both are held to the composed step.
describe.each([true, false])('the fused optimizer steps on cpu (SIMD %s)', (simd) => {
  it.each(OPTIMIZER_PARITY_CONFIGS.map((c) => [parityConfigLabel(c), c] as const))('give the composed step’s values bit for bit: %s', async (_, config) => {
    const previous = setSimdKernels(simd);
    onTestFinished(() => void setSimdKernels(previous));
    expect(simdKernels() !== null).toBe(simd);
    const composed = await optimizerAfterSteps(config, fastCpuKernels, false);
    const fused = await optimizerAfterSteps(config, fastCpuKernels, true);
    expect(Array.from(fused.param)).toEqual(Array.from(composed.param));
    expect(fused.slots.map((s) => Array.from(s))).toEqual(composed.slots.map((s) => Array.from(s)));
    expect(fused.slots.length).toBeGreaterThan(0);
    // The parameter really moved: equal results are not two no-ops.
    const start = tf.tidy(() => tf.randomUniform([37, 5], -1, 1, 'float32', 1).dataSync());
    expect(fused.param.some((x, i) => Math.abs(x - start[i]) > 1e-4)).toBe(true);
    expect(fused.tensorsAfter).toBe(fused.tensorsBefore);
  });

  it.each([
    [ADAM_UPDATE_KERNEL, { m: [4], v: [4] }],
    [SGD_UPDATE_KERNEL, { buf: [4] }],
  ] as const)('%s refuses inputs of different sizes, naming them', (kernel, slots) => {
    fastCpuKernels.register();
    const inputs = { param: tf.zeros([4]), grad: tf.zeros([3]), ...Object.fromEntries(Object.entries(slots).map(([k, shape]) => [k, tf.zeros([...shape])])) };
    expect(() => tf.engine().runKernel(kernel, inputs, {})).toThrow(/'grad' has 3 values, 'param' 4/);
    tf.dispose(Object.values(inputs));
  });
});
