import { ACTIVATION_GRAD_KERNEL, activationAttr, activationGradArrays } from '../../core/models/activationGradKernel.ts';
import { float32Inputs, type FastKernel } from './fastKernel.ts';
import { float32Pool } from './float32Pool.ts';
import { simdElementwisePass } from './simdElementwisePass.ts';

/** An activation's gradient in one pass instead of two to seven kernels. */
export const fastActivationGrad: FastKernel = {
  kernelName: ACTIVATION_GRAD_KERNEL,
  added: true,
  run({ inputs, backend, attrs }) {
    const activation = activationAttr(attrs);
    const [dy, x] = float32Inputs(backend, inputs, ['dy', 'x'], ACTIVATION_GRAD_KERNEL);
    const dx = float32Pool.uninitialized(x.length);
    if (!(activation === 'relu' && dy.length === x.length && simdElementwisePass('reluGradF32', [dy, x], dx))) activationGradArrays(dy, x, activation, dx);
    return backend.makeTensorInfo(inputs.x.shape, 'float32', dx);
  },
};
