import * as tf from '@tensorflow/tfjs-core';
import { fastCpuKernels } from './cpu/fastCpuKernels.ts';
import { stockThenFast } from './stockThenFast.ts';
import { fastWebgpuKernels } from './webgpu/fastWebgpuKernels.ts';

export { relativeError } from '../core/util/relativeError.ts';

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

/** Reproducible test input: uniform in [-1, 1). */
export function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

/** The bias + activation pairs the cpu kernels fuse themselves (`fusedEpilogue.ts`); other activations go to stock. */
export const FUSED_EPILOGUE_CASES = [
  ['linear', false],
  ['linear', true],
  ['relu', true],
  ['relu6', true],
  ['leakyrelu', true],
] as const;
