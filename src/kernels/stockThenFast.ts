import type { Tensor } from '@tensorflow/tfjs-core';
import type { KernelOverrides } from './kernelOverrides.ts';

/**
 * `compute` once on stock kernels and once on `kernels`, then the registration found on
 * entry is put back. The kernels run when `compute` does, so reading the results afterwards
 * (synchronously on cpu, asynchronously on webgpu) is safe. The caller disposes both.
 */
export function stockThenFast(kernels: KernelOverrides<never>, compute: () => Tensor): [stock: Tensor, fast: Tensor] {
  const wasRegistered = kernels.registered;
  try {
    kernels.unregister();
    const s = compute();
    kernels.register();
    const f = compute();
    if (f.shape.join() !== s.shape.join()) {
      s.dispose();
      f.dispose();
      throw new Error(`fast shape [${f.shape}] differs from stock [${s.shape}]`);
    }
    return [s, f];
  } finally {
    if (wasRegistered) kernels.register();
    else kernels.unregister();
  }
}
