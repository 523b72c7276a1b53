import { ACTIVATION_GRAD_KERNEL, activationAttr, activationGradArrays } from '../../core/models/activationGradKernel.ts';
import { float32Inputs, type FastKernel } from './fastKernel.ts';
import { float32Pool } from './float32Pool.ts';

/** An activation's gradient in one pass instead of two to seven kernels. */
export const fastActivationGrad: FastKernel = {
  kernelName: ACTIVATION_GRAD_KERNEL,
  added: true,
  run({ inputs, backend, attrs }) {
    const activation = activationAttr(attrs);
    const [dy, x] = float32Inputs(backend, inputs, ['dy', 'x'], ACTIVATION_GRAD_KERNEL);
    return backend.makeTensorInfo(inputs.x.shape, 'float32', activationGradArrays(dy, x, activation, float32Pool.uninitialized(x.length)));
  },
};
