import { ADAM_UPDATE_KERNEL, adamUpdateArrays, type AdamUpdateAttrs } from '../../core/optim/adamUpdateKernel.ts';
import { float32Inputs, type FastKernel } from './fastKernel.ts';

/**
 * The fused Adam / AdamW step on the cpu backend: one pass over a variable instead of
 * thirteen, each operation rounded to float32 as tfjs's composed step rounds it, so the
 * values are the composed step's.
 */
export const fastAdamUpdate: FastKernel = {
  kernelName: ADAM_UPDATE_KERNEL,
  added: true,
  run({ inputs, backend, attrs }) {
    const values = float32Inputs(backend, inputs, ['param', 'grad', 'm', 'v'], ADAM_UPDATE_KERNEL);
    const size = values[0].length;
    const [param, grad, m, v] = values;
    const out = { param: new Float32Array(size), m: new Float32Array(size), v: new Float32Array(size) };
    adamUpdateArrays({ param, grad, m, v }, attrs as unknown as AdamUpdateAttrs, out);
    const shape = inputs.param.shape;
    return [out.param, out.m, out.v].map((values) => backend.makeTensorInfo(shape, 'float32', values));
  },
};
