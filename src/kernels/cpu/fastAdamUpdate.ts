import type { TensorInfo } from '@tensorflow/tfjs-core';
import { ADAM_UPDATE_KERNEL, adamUpdateArrays, type AdamUpdateAttrs } from '../../core/optim/adamUpdateKernel.ts';
import { float32Values, type FastKernel } from './fastKernel.ts';

/**
 * The fused Adam / AdamW step on the cpu backend: one pass over a variable instead of
 * thirteen, each operation rounded to float32 as tfjs's composed step rounds it, so the
 * values are the composed step's.
 */
export const fastAdamUpdate: FastKernel = {
  kernelName: ADAM_UPDATE_KERNEL,
  added: true,
  run({ inputs, backend, attrs }) {
    const names = ['param', 'grad', 'm', 'v'] as const;
    const values = names.map((name) => {
      const t = inputs[name] as TensorInfo | undefined;
      const data = t && float32Values(backend, t);
      if (!data) throw new Error(`${ADAM_UPDATE_KERNEL}: '${name}' must be a float32 tensor on the cpu backend`);
      return data;
    });
    const size = values[0].length;
    const bad = names.find((_, i) => values[i].length !== size);
    if (bad) throw new Error(`${ADAM_UPDATE_KERNEL}: '${bad}' has ${values[names.indexOf(bad)].length} values, 'param' ${size}`);
    const [param, grad, m, v] = values;
    const out = { param: new Float32Array(size), m: new Float32Array(size), v: new Float32Array(size) };
    adamUpdateArrays({ param, grad, m, v }, attrs as unknown as AdamUpdateAttrs, out);
    const shape = inputs.param.shape;
    return [out.param, out.m, out.v].map((values) => backend.makeTensorInfo(shape, 'float32', values));
  },
};
