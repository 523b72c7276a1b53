import * as tf from '@tensorflow/tfjs-core';
import { fastCpuKernelsRegistered, registerFastCpuKernels, unregisterFastCpuKernels } from './cpu/registerFastCpuKernels.ts';
import { fastWebgpuKernelsRegistered, registerFastWebgpuKernels, unregisterFastWebgpuKernels } from './webgpu/registerFastWebgpuKernels.ts';

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

/**
 * Runs `compute` once on the stock webgpu kernels and once on the studio's, and returns both
 * results' values (read back asynchronously, as WebGPU requires); the registration state the
 * caller had is restored either way.
 */
export async function stockAndFastWebgpu(compute: () => tf.Tensor): Promise<{ stock: Float32Array; fast: Float32Array; shape: number[] }> {
  const wasRegistered = fastWebgpuKernelsRegistered();
  try {
    unregisterFastWebgpuKernels();
    const s = compute();
    registerFastWebgpuKernels();
    const f = compute();
    if (f.shape.join() !== s.shape.join()) throw new Error(`fast shape [${f.shape}] differs from stock [${s.shape}]`);
    const result = { stock: (await s.data()) as Float32Array, fast: (await f.data()) as Float32Array, shape: s.shape };
    tf.dispose([s, f]);
    return result;
  } finally {
    if (wasRegistered) registerFastWebgpuKernels();
    else unregisterFastWebgpuKernels();
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
