import { ACTIVATION_KERNEL, compositeActivationAttr, type CompositeActivation } from '../../core/models/activationGradKernel.ts';
import { runFusedStep, type FusedStep } from './fusedStep.ts';
import type { WebgpuKernel } from './webgpuProgram.ts';

// The compositions activationTraining's forward replaces, operation for operation with
// tfjs-backend-webgpu's own (sigmoid 1 / (1 + exp(−1·x)), relu6 a clamp, then the multiply
// or the division), for either element type T.
const HARD_SIGMOID = 'clamp(x[i] + 3.0, T(0.0), T(6.0)) / 6.0';
const FORWARD: Record<CompositeActivation, FusedStep> = {
  swish: { name: 'Swish', inputs: ['x'], constants: [], body: 'let s = 1.0 / (1.0 + exp(-1.0 * x[i]));', outputs: { y: 's * x[i]' } },
  hardSigmoid: { name: 'HardSigmoid', inputs: ['x'], constants: [], body: '', outputs: { y: HARD_SIGMOID } },
  hardSwish: { name: 'HardSwish', inputs: ['x'], constants: [], body: '', outputs: { y: `x[i] * (${HARD_SIGMOID})` } },
};

/** Swish, hardSigmoid and hardSwish in one launch instead of two to four. */
export const fastActivation: WebgpuKernel = {
  kernelName: ACTIVATION_KERNEL,
  added: true,
  run({ inputs, backend, attrs }) {
    const activation = compositeActivationAttr(attrs);
    const [y] = runFusedStep(backend, FORWARD[activation], ACTIVATION_KERNEL, inputs, {});
    return y;
  },
};
