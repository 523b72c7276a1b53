import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelOverride } from '../kernelOverrides.ts';

export interface FastKernelArgs {
  /** The engine passes every input an op declares; optional ones (a fused bias) may be absent. */
  inputs: Record<string, TensorInfo>;
  backend: MathBackendCPU;
  attrs: NamedAttrMap;
}

/** A replacement for one cpu kernel (falls back to stock by returning undefined). */
export type FastKernel = KernelOverride<FastKernelArgs>;

/** A tensor's values when it is float32 on the cpu backend, else undefined (the caller falls back). */
export function float32Values(backend: MathBackendCPU, t: TensorInfo): Float32Array | undefined {
  if (t.dtype !== 'float32') return undefined;
  const values = backend.data.get(t.dataId).values;
  return values instanceof Float32Array ? values : undefined;
}
