import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

export interface FastKernelArgs {
  /** The engine passes every input an op declares; optional ones (a fused bias) may be absent. */
  inputs: Record<string, TensorInfo>;
  backend: MathBackendCPU;
  attrs: NamedAttrMap;
}

/**
 * A replacement for one cpu kernel. `run` returns undefined for a case it does not
 * cover (NCHW, dilation > 1, a non-float32 input, an unusual fusion), and the stock
 * kernel runs instead, so registering fast kernels never makes a model fail.
 */
export interface FastKernel {
  kernelName: string;
  run(args: FastKernelArgs): TensorInfo | undefined;
}

/** A tensor's values when it is float32 on the cpu backend, else undefined (the caller falls back). */
export function float32Values(backend: MathBackendCPU, t: TensorInfo): Float32Array | undefined {
  if (t.dtype !== 'float32') return undefined;
  const values = backend.data.get(t.dataId).values;
  return values instanceof Float32Array ? values : undefined;
}
