import { ADAM_UPDATE_KERNEL, type AdamUpdateAttrs } from '../../core/optim/adamUpdateKernel.ts';
import { runFusedStep, type FusedStep } from './fusedStep.ts';
import type { WebgpuKernel } from './webgpuProgram.ts';

// The same operations in the same order as the composed step (src/core/optim/adamOptimizer.ts).
const ADAM: FusedStep = {
  name: 'AdamUpdate',
  inputs: ['param', 'grad', 'm', 'v'],
  constants: ['beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'eps', 'stepSize', 'bc2', 'l2', 'shrink'],
  body: `
    let p = param[i];
    let g = grad[i] + p * uniforms.l2;
    let mNext = m[i] * uniforms.beta1 + g * uniforms.oneMinusBeta1;
    let vNext = v[i] * uniforms.beta2 + (g * g) * uniforms.oneMinusBeta2;`,
  outputs: {
    param: 'p * uniforms.shrink - (mNext / (sqrt(vNext) / uniforms.bc2 + uniforms.eps)) * uniforms.stepSize',
    m: 'mNext',
    v: 'vNext',
  },
};

/**
 * The fused Adam / AdamW step on the webgpu backend: one launch per variable writing the
 * parameter and both moments, instead of thirteen, and no scalar tensors to upload.
 */
export const fastAdamUpdate: WebgpuKernel = {
  kernelName: ADAM_UPDATE_KERNEL,
  added: true,
  run({ inputs, backend, attrs }) {
    const a = attrs as unknown as AdamUpdateAttrs;
    return runFusedStep(backend, ADAM, ADAM_UPDATE_KERNEL, inputs, { ...a, bc2: a.biasCorrection2Sqrt });
  },
};
