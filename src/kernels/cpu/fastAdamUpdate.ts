import { ADAM_UPDATE_KERNEL, adamUpdateArrays, type AdamUpdateAttrs } from '../../core/optim/adamUpdateKernel.ts';
import { float32Inputs, type FastKernel } from './fastKernel.ts';
import { simdKernels, type SimdKernels } from './wasm/simdKernels.ts';
import { float32Pool } from './float32Pool.ts';

type Arrays = { param: Float32Array; grad: Float32Array; m: Float32Array; v: Float32Array };

/**
 * `adamUpdateArrays` in WebAssembly SIMD, the same bits: the four arrays copied into the
 * kernels' memory (each padded to whole f32x4 lanes, whose extra results are dropped), the
 * step computed in place, param', m' and v' copied out. Undefined when the kernels' memory
 * cannot hold them.
 */
function simdAdamUpdate(simd: SimdKernels, { param, grad, m, v }: Arrays, a: AdamUpdateAttrs): { param: Float32Array; m: Float32Array; v: Float32Array } | undefined {
  const size = param.length;
  const padded = Math.ceil(size / 4) * 4;
  const heap = simd.heap(4 * padded);
  if (!heap) return undefined;
  [param, grad, m, v].forEach((values, i) => heap.set(values, i * padded));
  simd.adamStep(4 * padded, 0, 4 * padded, 8 * padded, 12 * padded, a.l2, a.shrink, a.beta1, a.oneMinusBeta1, a.beta2, a.oneMinusBeta2, a.biasCorrection2Sqrt, a.eps, a.stepSize);
  const copyOut = (from: number) => {
    const values = float32Pool.uninitialized(size);
    values.set(heap.subarray(from, from + size));
    return values;
  };
  return { param: copyOut(0), m: copyOut(2 * padded), v: copyOut(3 * padded) };
}

/**
 * The fused Adam / AdamW step on the cpu backend: one pass over a variable instead of
 * thirteen, each operation rounded to float32 as tfjs's composed step rounds it, so the
 * values are the composed step's; in WebAssembly SIMD where the runtime has it.
 */
export const fastAdamUpdate: FastKernel = {
  kernelName: ADAM_UPDATE_KERNEL,
  added: true,
  run({ inputs, backend, attrs }) {
    const [param, grad, m, v] = float32Inputs(backend, inputs, ['param', 'grad', 'm', 'v'], ADAM_UPDATE_KERNEL);
    const a = attrs as unknown as AdamUpdateAttrs;
    const simd = simdKernels();
    let out = simd ? simdAdamUpdate(simd, { param, grad, m, v }, a) : undefined;
    if (!out) {
      const size = param.length;
      out = { param: new Float32Array(size), m: new Float32Array(size), v: new Float32Array(size) };
      adamUpdateArrays({ param, grad, m, v }, a, out);
    }
    const shape = inputs.param.shape;
    return [out.param, out.m, out.v].map((values) => backend.makeTensorInfo(shape, 'float32', values));
  },
};
