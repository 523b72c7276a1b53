import { ACTIVATION_KERNEL, compositeActivationAttr } from '../../core/models/activationGradKernel.ts';
import { float32Inputs, type FastKernel } from './fastKernel.ts';
import { float32Pool } from './float32Pool.ts';

/**
 * Swish, hardSigmoid and hardSwish forward in one pass instead of two to four kernels (and as
 * many arrays): each the composition tfjs-cpu runs, operation for operation, every step
 * rounded to float32 as its kernels round their outputs, so the same bits —
 * swish = σ(x)·x with σ = 1/(1 + e⁻ˣ); hardSigmoid = relu6(x + 3)/6; hardSwish = x·hardSigmoid.
 */
export const fastActivation: FastKernel = {
  kernelName: ACTIVATION_KERNEL,
  added: true,
  run({ inputs, backend, attrs }) {
    const activation = compositeActivationAttr(attrs);
    const [x] = float32Inputs(backend, inputs, ['x'], ACTIVATION_KERNEL);
    const f = Math.fround;
    const y = float32Pool.uninitialized(x.length);
    switch (activation) {
      case 'swish':
        for (let i = 0; i < x.length; i++) y[i] = f(1 / (1 + Math.exp(-x[i]))) * x[i];
        break;
      case 'hardSigmoid':
        for (let i = 0; i < x.length; i++) y[i] = Math.min(Math.max(0, f(x[i] + 3)), 6) / 6;
        break;
      case 'hardSwish':
        for (let i = 0; i < x.length; i++) y[i] = x[i] * f(Math.min(Math.max(0, f(x[i] + 3)), 6) / 6);
        break;
    }
    return backend.makeTensorInfo(inputs.x.shape, 'float32', y);
  },
};
