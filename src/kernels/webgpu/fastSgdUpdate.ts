import { SGD_UPDATE_KERNEL, type SgdUpdateAttrs } from '../../core/optim/sgdUpdateKernel.ts';
import { runFusedStep, type FusedStep } from './fusedStep.ts';
import type { WebgpuKernel } from './webgpuProgram.ts';

// The same operations in the same order as the composed step (src/core/optim/sgdOptimizer.ts).
const sgd = (nesterov: boolean): FusedStep => ({
  name: nesterov ? 'SgdNesterovUpdate' : 'SgdUpdate',
  inputs: ['param', 'grad', 'buf'],
  constants: ['lr', 'momentum', 'weightDecay'],
  body: `
    let g = grad[i] + param[i] * uniforms.weightDecay;
    let bufNext = buf[i] * uniforms.momentum + g;
    let step = ${nesterov ? 'g + bufNext * uniforms.momentum' : 'bufNext'};`,
  outputs: { param: 'param[i] - step * uniforms.lr', buf: 'bufNext' },
});
const SGD = sgd(false);
const SGD_NESTEROV = sgd(true);

/** The fused SGD-with-momentum step on the webgpu backend: one launch per variable instead of six to eight. */
export const fastSgdUpdate: WebgpuKernel = {
  kernelName: SGD_UPDATE_KERNEL,
  added: true,
  run({ inputs, backend, attrs }) {
    const a = attrs as unknown as SgdUpdateAttrs;
    return runFusedStep(backend, a.nesterov ? SGD_NESTEROV : SGD, SGD_UPDATE_KERNEL, inputs, { lr: a.lr, momentum: a.momentum, weightDecay: a.weightDecay });
  },
};
