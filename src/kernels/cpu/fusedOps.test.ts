import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ACTIVATION_GRAD_KERNEL, FUSED_ACTIVATIONS } from '../../core/models/activationGradKernel.ts';
import { BATCH_NORM_KERNELS } from '../../core/models/batchNormKernels.ts';
import { BATCH_NORM_PARITY_CASES, activationTrace, batchNormTrace, launches } from '../fusedOpsParity.testkit.ts';
import { relativeError } from '../kernelParity.testkit.ts';
import { fastCpuKernels } from './fastCpuKernels.ts';

// The reference is tfjs-layers' own training path on stock tfjs-cpu, differentiated op by op
// by tfjs; the core's fused op, composed of tfjs ops or on the studio's kernels, must train
// the layer to the same outputs, gradients and moving averages.
describe('the batch-norm kernels on cpu', () => {
  it.each(BATCH_NORM_PARITY_CASES.map((c) => [c.shape, c] as const))('train a layer as tfjs-layers does: %j', async (_, c) => {
    const stock = await batchNormTrace(fastCpuKernels, 'stock', c);
    expect(stock.kernels).not.toContain(BATCH_NORM_KERNELS.grad);
    for (const path of ['composed', 'kernels'] as const) {
      const got = await batchNormTrace(fastCpuKernels, path, c);
      for (const [name, want] of Object.entries(stock.values)) {
        expect(relativeError(got.values[name], want), `${path} ${name}`).toBeLessThan(c.tolerance);
        expect(want.some((v) => Math.abs(v) > 1e-3), name).toBe(true);
      }
      expect(got.tensorsLeaked, path).toBe(0);
      const ran = Object.values(BATCH_NORM_KERNELS).map((k) => got.kernels.includes(k));
      expect(ran, path).toEqual(Object.values(BATCH_NORM_KERNELS).map(() => path === 'kernels'));
      if (path === 'kernels') expect(launches(got.kernels)).toBeLessThan(launches(stock.kernels) / 3);
    }
  });

  it.each([
    [BATCH_NORM_KERNELS.moments, () => ({ x: tf.zeros([4]) }), /'x' must have a batch and a channel axis/],
    [BATCH_NORM_KERNELS.grad, () => ({ dy: tf.zeros([2, 3]), x: tf.zeros([2, 3]), mean: tf.zeros([2]), variance: tf.zeros([2]), gamma: tf.zeros([2]) }), /'mean' has 2 values for 3 channels/],
    [BATCH_NORM_KERNELS.moments, () => ({ x: tf.zeros([2, 3]), movingMean: tf.zeros([2]), movingVariance: tf.zeros([2]) }), /'movingMean' has 2 values for 3 channels/],
    [BATCH_NORM_KERNELS.moments, () => ({ x: tf.zeros([2, 3]), movingMean: tf.zeros([3]), movingVariance: tf.zeros([4]) }), /'movingVariance' has 4 values, 'movingMean' 3/],
    [ACTIVATION_GRAD_KERNEL, () => ({ dy: tf.zeros([3]), x: tf.zeros([3]) }), /unknown activation 'elu'/],
  ] as const)('%s refuses malformed inputs, naming them', (kernel, inputs, message) => {
    fastCpuKernels.register();
    const given = inputs();
    expect(() => tf.engine().runKernel(kernel, given, { epsilon: 1e-5, momentum: 0.9, activation: 'elu' })).toThrow(message);
    tf.dispose(Object.values(given));
  });
});

// The same for the activations' fused gradient: tfjs-layers' Activation layer differentiated
// op by op by stock tfjs-cpu is the reference.
describe('the activation gradient kernel on cpu', () => {
  it.each(FUSED_ACTIVATIONS)('trains %s as tfjs-layers does', async (activation) => {
    const stock = await activationTrace(fastCpuKernels, 'stock', activation);
    const fused = await activationTrace(fastCpuKernels, 'kernels', activation);
    expect(Array.from(fused.values.y)).toEqual(Array.from(stock.values.y));
    expect(relativeError(fused.values.dx, stock.values.dx)).toBeLessThan(1e-6);
    // Both sides of the kinks are there: some gradients pass, some are stopped.
    expect(stock.values.dx.filter((v) => v === 0).length).toBeLessThan(stock.values.dx.length);
    expect(fused.kernels).toContain(ACTIVATION_GRAD_KERNEL);
    expect(stock.kernels).not.toContain(ACTIVATION_GRAD_KERNEL);
    expect(launches(fused.kernels)).toBeLessThan(launches(stock.kernels));
    expect(fused.tensorsLeaked).toBe(0);
  });
});
