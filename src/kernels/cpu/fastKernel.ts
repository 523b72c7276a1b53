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

/**
 * The named inputs of an added kernel as float32 arrays of one length, or an error naming the
 * input at fault (an added kernel has no stock kernel to fall back to).
 */
export function float32Inputs(backend: MathBackendCPU, inputs: Record<string, TensorInfo>, names: readonly string[], kernelName: string): Float32Array[] {
  const values = names.map((name) => {
    const t = inputs[name] as TensorInfo | undefined;
    const data = t && float32Values(backend, t);
    if (!data) throw new Error(`${kernelName}: '${name}' must be a float32 tensor on the cpu backend`);
    return data;
  });
  const bad = names.findIndex((_, i) => values[i].length !== values[0].length);
  if (bad >= 0) throw new Error(`${kernelName}: '${names[bad]}' has ${values[bad].length} values, '${names[0]}' ${values[0].length}`);
  return values;
}
