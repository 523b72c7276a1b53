import { ACTIVATION_GRAD_KERNEL, activationGradArrays, isFusedActivation, type ActivationGradAttrs } from '../../core/models/activationGradKernel.ts';
import { float32Inputs, type FastKernel } from './fastKernel.ts';

/** An activation's gradient in one pass instead of two to seven kernels. */
export const fastActivationGrad: FastKernel = {
  kernelName: ACTIVATION_GRAD_KERNEL,
  added: true,
  run({ inputs, backend, attrs }) {
    const { activation } = attrs as unknown as ActivationGradAttrs;
    if (!isFusedActivation(activation)) throw new Error(`${ACTIVATION_GRAD_KERNEL}: unknown activation '${String(activation)}'`);
    const [dy, x] = float32Inputs(backend, inputs, ['dy', 'x'], ACTIVATION_GRAD_KERNEL);
    return backend.makeTensorInfo(inputs.x.shape, 'float32', activationGradArrays(dy, x, activation));
  },
};
