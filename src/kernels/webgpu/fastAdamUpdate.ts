import type { TensorInfo } from '@tensorflow/tfjs-core';
import { ADAM_UPDATE_KERNEL, type AdamUpdateAttrs } from '../../core/optim/adamUpdateKernel.ts';
import { MAX_WORKGROUPS_PER_DIMENSION, type ProgramUniform, type WebgpuKernel, type WebgpuProgram } from './webgpuProgram.ts';

const WORKGROUP = 64;
const OUTPUTS = ['param', 'm', 'v'] as const;

/**
 * One output of the fused Adam / AdamW step (the parameter, or one of the moments) for
 * every element of a variable. Each of the three programs recomputes the moments it needs
 * rather than reading them back: three launches per variable instead of thirteen, and no
 * scalar tensors to upload. A grid-stride loop covers variables of any size (VGG's dense
 * weights are 100M floats) within one dispatch dimension.
 */
class AdamUpdateProgram implements WebgpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames = ['param', 'grad', 'm', 'v'];
  uniforms = 'beta1 : f32, oneMinusBeta1 : f32, beta2 : f32, oneMinusBeta2 : f32, eps : f32, stepSize : f32, bc2 : f32, l2 : f32, shrink : f32, threads : i32,';
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  size = true;

  constructor(
    shape: number[],
    private readonly output: (typeof OUTPUTS)[number],
  ) {
    this.outputShape = shape;
    this.shaderKey = `studioAdamUpdate_${output}`;
    this.dispatchLayout = { x: shape.map((_, i) => i) };
    const size = shape.reduce((a, b) => a * b, 1);
    this.dispatch = [Math.max(1, Math.min(Math.ceil(size / WORKGROUP), MAX_WORKGROUPS_PER_DIMENSION)), 1, 1];
  }

  programUniforms(a: AdamUpdateAttrs): ProgramUniform[] {
    const floats = [a.beta1, a.oneMinusBeta1, a.beta2, a.oneMinusBeta2, a.eps, a.stepSize, a.biasCorrection2Sqrt, a.l2, a.shrink];
    return [...floats.map((v) => ({ type: 'float32' as const, data: [v] })), { type: 'int32', data: [this.dispatch[0] * WORKGROUP] }];
  }

  getUserCode(): string {
    // The same operations in the same order as the composed step (src/core/optim/adamOptimizer.ts).
    const result = {
      m: 'mNext',
      v: 'vNext',
      param: 'p * uniforms.shrink - (mNext / (sqrt(vNext) / uniforms.bc2 + uniforms.eps)) * uniforms.stepSize',
    }[this.output];
    return `
      fn main(index : i32) {
        for (var i = index; i < uniforms.size; i += uniforms.threads) {
          let p = param[i];
          let g = grad[i] + p * uniforms.l2;
          let mNext = m[i] * uniforms.beta1 + g * uniforms.oneMinusBeta1;
          let vNext = v[i] * uniforms.beta2 + (g * g) * uniforms.oneMinusBeta2;
          result[i] = ${result};
        }
      }
    `;
  }
}

/** The fused Adam / AdamW step on the webgpu backend. */
export const fastAdamUpdate: WebgpuKernel = {
  kernelName: ADAM_UPDATE_KERNEL,
  added: true,
  run({ inputs, backend, attrs }) {
    const { param } = inputs;
    const ordered: TensorInfo[] = ['param', 'grad', 'm', 'v'].map((name) => {
      const t = inputs[name] as TensorInfo | undefined;
      if (!t || t.dtype !== 'float32') throw new Error(`${ADAM_UPDATE_KERNEL}: '${name}' must be a float32 tensor`);
      if (t.shape.join() !== param.shape.join()) throw new Error(`${ADAM_UPDATE_KERNEL}: '${name}' has shape [${t.shape}], 'param' [${param.shape}]`);
      return t;
    });
    return OUTPUTS.map((output) => {
      const program = new AdamUpdateProgram([...param.shape], output);
      return backend.runWebGPUProgram(program, ordered, 'float32', program.programUniforms(attrs as unknown as AdamUpdateAttrs));
    });
  },
};
