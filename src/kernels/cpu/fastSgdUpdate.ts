import { SGD_UPDATE_KERNEL, sgdUpdateArrays, type SgdUpdateAttrs } from '../../core/optim/sgdUpdateKernel.ts';
import { float32Inputs, type FastKernel } from './fastKernel.ts';

/** The fused SGD-with-momentum step on the cpu backend: one pass, the composed step's values. */
export const fastSgdUpdate: FastKernel = {
  kernelName: SGD_UPDATE_KERNEL,
  added: true,
  run({ inputs, backend, attrs }) {
    const values = float32Inputs(backend, inputs, ['param', 'grad', 'buf'], SGD_UPDATE_KERNEL);
    const size = values[0].length;
    const [param, grad, buf] = values;
    const out = { param: new Float32Array(size), buf: new Float32Array(size) };
    sgdUpdateArrays({ param, grad, buf }, attrs as unknown as SgdUpdateAttrs, out);
    const shape = inputs.param.shape;
    return [out.param, out.buf].map((v) => backend.makeTensorInfo(shape, 'float32', v));
  },
};
