import { fastCpuKernels } from './cpu/fastCpuKernels.ts';
import type { KernelOverrides } from './kernelOverrides.ts';
import { fastWebgpuKernels } from './webgpu/fastWebgpuKernels.ts';

/** The studio's kernels by the tfjs backend they replace kernels of (none for webgl). */
export const STUDIO_KERNEL_SETS: Readonly<Record<'cpu' | 'webgpu', KernelOverrides<never>>> = {
  cpu: fastCpuKernels,
  webgpu: fastWebgpuKernels,
};
