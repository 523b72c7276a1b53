import type { TensorInfo } from '@tensorflow/tfjs-core';
import { MAX_WORKGROUPS_PER_DIMENSION, type ProgramUniform, type WebgpuBackendLike, type WebgpuProgram } from './webgpuProgram.ts';

const WORKGROUP = 64;

/**
 * One output computed element by element: `body` (WGSL; `i` the flat output index, each
 * input readable by name as a flat array, `uniforms.<name>` the constants) prepares what
 * `result` (an expression) writes. The inputs need not have the output's shape: a
 * per-channel input is read at `i % uniforms.channels`, say.
 */
export interface ElementwiseOp {
  /** Names the shader: everything compiled into the source must be in it. */
  key: string;
  inputs: readonly string[];
  floats?: readonly string[];
  ints?: readonly string[];
  body?: string;
  result: string;
}

/** A grid-stride loop, so outputs of any size (VGG's dense weights are 100M floats) fit one dispatch dimension. */
class ElementwiseProgram implements WebgpuProgram {
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
    private readonly op: ElementwiseOp,
  ) {
    this.outputShape = shape;
    this.shaderKey = `studio${op.key}`;
    this.variableNames = [...op.inputs];
    this.uniforms = [...(op.floats ?? []).map((c) => `${c} : f32,`), ...(op.ints ?? []).map((c) => `${c} : i32,`), 'threads : i32,'].join(' ');
    this.dispatchLayout = { x: shape.map((_, i) => i) };
    const size = shape.reduce((a, b) => a * b, 1);
    this.dispatch = [Math.max(1, Math.min(Math.ceil(size / WORKGROUP), MAX_WORKGROUPS_PER_DIMENSION)), 1, 1];
  }

  programUniforms(values: Record<string, number>): ProgramUniform[] {
    const value = (name: string) => {
      const v = values[name];
      if (!Number.isFinite(v)) throw new Error(`${this.op.key}: no value for the uniform '${name}'`);
      return [v];
    };
    // One entry per struct field: the backend aligns an entry of several values as a vector.
    return [
      ...(this.op.floats ?? []).map((c) => ({ type: 'float32' as const, data: value(c) })),
      ...(this.op.ints ?? []).map((c) => ({ type: 'int32' as const, data: value(c) })),
      { type: 'int32', data: [this.dispatch[0] * WORKGROUP] },
    ];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        for (var i = index; i < uniforms.size; i += uniforms.threads) {
          ${this.op.body ?? ''}
          result[i] = ${this.op.result};
        }
      }
    `;
  }
}

/** Runs `op` over `inputs` (in the order of `op.inputs`) into a float32 tensor of `shape`. */
export function runElementwise(backend: WebgpuBackendLike, op: ElementwiseOp, inputs: readonly TensorInfo[], shape: readonly number[], values: Record<string, number> = {}): TensorInfo {
  const program = new ElementwiseProgram([...shape], op);
  return backend.runWebGPUProgram(program, [...inputs], 'float32', program.programUniforms(values));
}
