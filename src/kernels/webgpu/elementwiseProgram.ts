import type { TensorInfo } from '@tensorflow/tfjs-core';
import { canRecordOutputs, runStudioProgram, runStudioProgramOutputs } from './runStudioProgram.ts';
import { MAX_WORKGROUPS_PER_DIMENSION, type ProgramUniform, type WebgpuBackendLike, type WebgpuProgram } from './webgpuProgram.ts';

const WORKGROUP = 64;

/**
 * One output computed element by element: `body` (WGSL; `i` the flat output index, each
 * input readable by name as a flat array, `uniforms.<name>` the constants) prepares what
 * `result` (an expression) writes. The inputs need not have the output's shape: a
 * per-channel input is read at `i % uniforms.channels`, say.
 *
 * An op whose body and result hold for `vec4<f32>` values as well as `f32` (literals as
 * `T(…)`, `T` being the element type; `&` rather than `&&`) can run four elements per
 * invocation: see `runElementwise`.
 */
export interface ElementwiseOp {
  /** Names the shader: everything compiled into the source must be in it. */
  key: string;
  inputs: readonly string[];
  floats?: readonly string[];
  ints?: readonly string[];
  body?: string;
  result: string;
  /** The body and result are written for either element type `T` (f32 or vec4<f32>). */
  vec4?: boolean;
}

/**
 * Several outputs of one shape computed element by element in one launch: an `ElementwiseOp`
 * whose `body` prepares what the `results` expressions, one per output, write (the same
 * names, types and `vec4` rule). Every input must be read somewhere: the pipeline's
 * bindings are those its code uses.
 */
export interface ElementwiseOutputsOp extends Omit<ElementwiseOp, 'result'> {
  /** Output name → the WGSL expression it is assigned, in output order. */
  results: Record<string, string>;
}

/** Elements per invocation: 4 (vec4 loads and stores) or 1. */
export type Components = 1 | 4;

/** Four elements per invocation where every count given (a size, a channel count) is a multiple of 4. */
export function componentsFor(...counts: number[]): Components {
  return counts.every((c) => c % 4 === 0) ? 4 : 1;
}

/**
 * One invocation per element; past 65535 workgroups a grid-stride loop, so outputs of any
 * size (VGG's dense weights are 100M floats) fit one dispatch dimension. The loop is only
 * compiled in where it is needed: SwiftShader ran the same Adam step twice as slow with it.
 * With four components every input and the output are read as `array<vec4<f32>>` and `i`,
 * `uniforms.size` count vec4s: a quarter of the invocations, 16 bytes per load, as stock's
 * element-wise kernels do (the two changes together took the fused Adam step from slower
 * than stock's thirteen launches to 2–3× faster).
 */
class ElementwiseProgram implements WebgpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms: string;
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  size = true;
  outputComponent: Components;
  extraOutputs: string[];
  private readonly strided: boolean;

  /** The first result is written to `result`, any further one to `out_<name>`. */
  constructor(
    shape: number[],
    private readonly op: ElementwiseOutputsOp,
    components: Components,
  ) {
    this.outputShape = shape;
    this.outputComponent = components;
    this.extraOutputs = Object.keys(op.results).slice(1).map((name) => `out_${name}`);
    this.variableNames = [...op.inputs];
    this.dispatchLayout = { x: shape.map((_, i) => i) };
    const workgroups = Math.max(1, Math.ceil(shape.reduce((a, b) => a * b, 1) / components / WORKGROUP));
    this.strided = workgroups > MAX_WORKGROUPS_PER_DIMENSION;
    this.dispatch = [Math.min(workgroups, MAX_WORKGROUPS_PER_DIMENSION), 1, 1];
    this.shaderKey = `studio${op.key}_${components}${this.strided ? '_strided' : ''}`;
    this.uniforms = [...(op.floats ?? []).map((c) => `${c} : f32,`), ...(op.ints ?? []).map((c) => `${c} : i32,`), 'threads : i32,'].join(' ');
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
      alias T = ${this.outputComponent === 4 ? 'vec4<f32>' : 'f32'};
      fn main(index : i32) {
        ${this.strided ? 'for (var i = index; i < uniforms.size; i += uniforms.threads) {' : 'let i = index;\n        if (i < uniforms.size) {'}
          ${this.op.body ?? ''}
          ${Object.values(this.op.results).map((value, k) => `${k === 0 ? 'result' : this.extraOutputs[k - 1]}[i] = ${value};`).join('\n          ')}
        }
      }
    `;
  }
}

/**
 * Runs `op` over `inputs` (in the order of `op.inputs`) into a float32 tensor of `shape`.
 * With `components` 4 (only for a `vec4` op, and the caller's promise that every input's
 * size and the output's are multiples of 4 and its index uniforms count vec4s) four
 * elements per invocation.
 */
export function runElementwise(
  backend: WebgpuBackendLike,
  op: ElementwiseOp,
  inputs: readonly TensorInfo[],
  shape: readonly number[],
  values: Record<string, number> = {},
  components: Components = 1,
): TensorInfo {
  const { result, ...rest } = op;
  return runElementwiseOutputs(backend, { ...rest, results: { result } }, inputs, shape, values, components)[0];
}

/** Ops whose inputs were all found read: checked once per op, not on every launch. */
const everyInputRead = new Set<string>();

/**
 * Runs `op` over `inputs` (in the order of `op.inputs`) into one float32 tensor of `shape`
 * per result, in one launch where the backend allows the studio's own recording (tfjs's
 * programs have a single output, so an Adam step was three launches each recomputing the
 * moments, batch norm's mean and variance two); otherwise one program per output. Four
 * elements per invocation with `components` 4, as `runElementwise`. An input no result
 * reads is refused: the compiled module would have no binding for it.
 */
export function runElementwiseOutputs(
  backend: WebgpuBackendLike,
  op: ElementwiseOutputsOp,
  inputs: readonly TensorInfo[],
  shape: readonly number[],
  values: Record<string, number> = {},
  components: Components = 1,
): TensorInfo[] {
  if (components === 4 && !op.vec4) throw new Error(`${op.key} is not written for vec4 values`);
  if (!everyInputRead.has(op.key)) {
    const code = `${op.body ?? ''} ${Object.values(op.results).join(' ')}`;
    const unread = op.inputs.filter((name) => !new RegExp(`\\b${name}\\[`).test(code));
    if (unread.length > 0) throw new Error(`${op.key}: inputs never read: ${unread.join(', ')}`);
    everyInputRead.add(op.key);
  }
  const results = Object.entries(op.results);
  if (results.length > 1 && canRecordOutputs(backend, shape.reduce((a, b) => a * b, 1))) {
    const program = new ElementwiseProgram([...shape], op, components);
    return runStudioProgramOutputs(backend, program, [...inputs], program.programUniforms(values));
  }
  return results.map(([name, result]) => {
    const program = new ElementwiseProgram([...shape], { ...op, key: results.length === 1 ? op.key : `${op.key}_${name}`, results: { result } }, components);
    return runStudioProgram(backend, program, [...inputs], program.programUniforms(values));
  });
}
