import { ACTIVATION_GRAD_KERNEL, activationAttr, type FusedActivation } from '../../core/models/activationGradKernel.ts';
import { runFusedStep, type FusedStep } from './fusedStep.ts';
import type { WebgpuKernel } from './webgpuProgram.ts';

// The derivatives of activationGradArrays (src/core/models/activationGradKernel.ts), kinks included;
// written for either element type T (runFusedStep picks vec4<f32> when it can).
const SIGMOID = 'let s = 1.0 / (1.0 + exp(-x[i]));';
const HARD = 'let t = x[i] + 3.0; let slope = select(T(0.0), T(1.0 / 6.0), (t > T(0.0)) & (t <= T(6.0)));';
const GRADS: Record<FusedActivation, FusedStep> = {
  relu: { name: 'ReluGrad', inputs: ['dy', 'x'], constants: [], body: '', outputs: { dx: 'select(T(0.0), dy[i], x[i] > T(0.0))' } },
  relu6: { name: 'Relu6Grad', inputs: ['dy', 'x'], constants: [], body: '', outputs: { dx: 'select(T(0.0), dy[i], (x[i] > T(0.0)) & (x[i] < T(6.0)))' } },
  swish: { name: 'SwishGrad', inputs: ['dy', 'x'], constants: [], body: SIGMOID, outputs: { dx: 'dy[i] * (s + x[i] * s * (1.0 - s))' } },
  sigmoid: { name: 'SigmoidGrad', inputs: ['dy', 'x'], constants: [], body: SIGMOID, outputs: { dx: 'dy[i] * s * (1.0 - s)' } },
  hardSigmoid: { name: 'HardSigmoidGrad', inputs: ['dy', 'x'], constants: [], body: HARD, outputs: { dx: 'dy[i] * slope' } },
  hardSwish: { name: 'HardSwishGrad', inputs: ['dy', 'x'], constants: [], body: HARD, outputs: { dx: 'dy[i] * (clamp(t, T(0.0), T(6.0)) / 6.0 + x[i] * slope)' } },
};

/** An activation's gradient in one launch instead of two to seven. */
export const fastActivationGrad: WebgpuKernel = {
  kernelName: ACTIVATION_GRAD_KERNEL,
  added: true,
  run({ inputs, backend, attrs }) {
    const [dx] = runFusedStep(backend, GRADS[activationAttr(attrs)], ACTIVATION_GRAD_KERNEL, inputs, {});
    return dx;
  },
};
