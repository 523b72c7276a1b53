import type { TensorInfo } from '@tensorflow/tfjs-core';
import { MAX_WORKGROUPS_PER_DIMENSION, type ProgramUniform, type WebgpuBackendLike, type WebgpuProgram } from './webgpuProgram.ts';

const WORKGROUP = 64;

/**
 * One output of a fused optimizer step, element by element over a variable: `body` (WGSL,
 * `i` the element, every input readable by name, `uniforms.<field>` the step's constants)
 * computes what `result` (an expression) writes. A grid-stride loop covers variables of any
 * size (VGG's dense weights are 100M floats) within one dispatch dimension.
 */
class FusedStepProgram implements WebgpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms: string;
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  size = true;

  constructor(
    shape: number[],
    private readonly step: FusedStep,
    private readonly output: string,
  ) {
    this.outputShape = shape;
    this.shaderKey = `studio${step.name}_${output}`;
    this.variableNames = [...step.inputs];
    this.uniforms = `${step.constants.map((c) => `${c} : f32,`).join(' ')} threads : i32,`;
    this.dispatchLayout = { x: shape.map((_, i) => i) };
    const size = shape.reduce((a, b) => a * b, 1);
    this.dispatch = [Math.max(1, Math.min(Math.ceil(size / WORKGROUP), MAX_WORKGROUPS_PER_DIMENSION)), 1, 1];
  }

  programUniforms(values: Record<string, number>): ProgramUniform[] {
    // One entry per struct field: the backend aligns an entry of several values as a vector.
    return [...this.step.constants.map((c) => ({ type: 'float32' as const, data: [values[c]] })), { type: 'int32', data: [this.dispatch[0] * WORKGROUP] }];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        for (var i = index; i < uniforms.size; i += uniforms.threads) {
          ${this.step.body}
          result[i] = ${this.step.outputs[this.output]};
        }
      }
    `;
  }
}

/** A fused optimizer step: its inputs, per-step constants, shared WGSL body and one result expression per output. */
export interface FusedStep {
  name: string;
  inputs: readonly string[];
  constants: readonly string[];
  body: string;
  outputs: Record<string, string>;
}

/**
 * Runs every output of `step` over `inputs` (checked: float32, one shape), one launch each,
 * each recomputing what it needs rather than reading another's result back.
 */
export function runFusedStep(backend: WebgpuBackendLike, step: FusedStep, kernelName: string, inputs: Record<string, TensorInfo>, constants: Record<string, number>): TensorInfo[] {
  const first = inputs[step.inputs[0]];
  const ordered = step.inputs.map((name) => {
    const t = inputs[name] as TensorInfo | undefined;
    if (!t || t.dtype !== 'float32') throw new Error(`${kernelName}: '${name}' must be a float32 tensor`);
    if (t.shape.join() !== first.shape.join()) throw new Error(`${kernelName}: '${name}' has shape [${t.shape}], '${step.inputs[0]}' [${first.shape}]`);
    return t;
  });
  return Object.keys(step.outputs).map((output) => {
    const program = new FusedStepProgram([...first.shape], step, output);
    return backend.runWebGPUProgram(program, ordered, 'float32', program.programUniforms(constants));
  });
}
