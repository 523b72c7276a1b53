import * as tf from '@tensorflow/tfjs-core';
import type { KernelOverrides } from './kernelOverrides.ts';
import { fastCpuKernels } from './cpu/fastCpuKernels.ts';
import { fastWebgpuKernels } from './webgpu/fastWebgpuKernels.ts';

/**
 * `compute` once on stock kernels and once on `kernels`, the registration the caller had put
 * back; the kernels run when `compute` does, so reading the results afterwards is safe.
 */
function stockThenFast(kernels: KernelOverrides<never>, compute: () => tf.Tensor): [tf.Tensor, tf.Tensor] {
  const wasRegistered = kernels.registered;
  try {
    kernels.unregister();
    const s = compute();
    kernels.register();
    const f = compute();
    if (f.shape.join() !== s.shape.join()) throw new Error(`fast shape [${f.shape}] differs from stock [${s.shape}]`);
    return [s, f];
  } finally {
    if (wasRegistered) kernels.register();
    else kernels.unregister();
  }
}

/** `compute`'s values on the stock cpu kernels and on the fast ones. */
export function stockAndFast(compute: () => tf.Tensor): { stock: Float32Array; fast: Float32Array; shape: number[] } {
  const [s, f] = stockThenFast(fastCpuKernels, compute);
  const result = { stock: s.dataSync() as Float32Array, fast: f.dataSync() as Float32Array, shape: s.shape };
  tf.dispose([s, f]);
  return result;
}

/** `compute`'s values on the stock webgpu kernels and on the studio's, read back asynchronously as WebGPU requires. */
export async function stockAndFastWebgpu(compute: () => tf.Tensor): Promise<{ stock: Float32Array; fast: Float32Array; shape: number[] }> {
  const [s, f] = stockThenFast(fastWebgpuKernels, compute);
  const result = { stock: (await s.data()) as Float32Array, fast: (await f.data()) as Float32Array, shape: s.shape };
  tf.dispose([s, f]);
  return result;
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
