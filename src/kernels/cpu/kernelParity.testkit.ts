import * as tf from '@tensorflow/tfjs-core';
import { fastCpuKernelsRegistered, registerFastCpuKernels, unregisterFastCpuKernels } from './registerFastCpuKernels.ts';

/**
 * Runs `compute` once on the stock cpu kernels and once on the fast ones, and returns both
 * results' values; the registration state the caller had is restored either way.
 */
export function stockAndFast(compute: () => tf.Tensor): { stock: Float32Array; fast: Float32Array; shape: number[] } {
  const wasRegistered = fastCpuKernelsRegistered();
  try {
    unregisterFastCpuKernels();
    const s = compute();
    registerFastCpuKernels();
    const f = compute();
    if (f.shape.join() !== s.shape.join()) throw new Error(`fast shape [${f.shape}] differs from stock [${s.shape}]`);
    const result = { stock: s.dataSync() as Float32Array, fast: f.dataSync() as Float32Array, shape: s.shape };
    tf.dispose([s, f]);
    return result;
  } finally {
    if (wasRegistered) registerFastCpuKernels();
    else unregisterFastCpuKernels();
  }
}

/** The parity measure: max |fast − stock| / max(1, max |stock|). */
export function relativeError(fast: ArrayLike<number>, stock: ArrayLike<number>): number {
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < stock.length; i++) {
    diff = Math.max(diff, Math.abs(fast[i] - stock[i]));
    scale = Math.max(scale, Math.abs(stock[i]));
  }
  return diff / scale;
}

/** Reproducible test input: uniform in [-1, 1). */
export function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}
