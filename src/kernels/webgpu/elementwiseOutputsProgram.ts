import type { TensorInfo } from '@tensorflow/tfjs-core';
import { runElementwise, type Components, type ElementwiseOp } from './elementwiseProgram.ts';
import { hasDispatchInternals, recordDispatch } from './recordDispatch.ts';
import { MAX_WORKGROUPS_PER_DIMENSION } from './webgpuProgram.ts';

const WORKGROUP = 64;

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

function shaderCode(op: ElementwiseOutputsOp, components: Components, strided: boolean): string {
  const t = components === 4 ? 'vec4<f32>' : 'f32';
  const outputs = Object.keys(op.results);
  const fields = ['size : i32', 'threads : i32', ...(op.floats ?? []).map((f) => `${f} : f32`), ...(op.ints ?? []).map((n) => `${n} : i32`)];
  const bindings = [
    ...outputs.map((o, b) => `@group(0) @binding(${b}) var<storage, read_write> out_${o} : array<T>;`),
    ...op.inputs.map((name, k) => `@group(0) @binding(${outputs.length + k}) var<storage, read> ${name} : array<T>;`),
    `@group(0) @binding(${outputs.length + op.inputs.length}) var<uniform> uniforms : Uniforms;`,
  ];
  return `
alias T = ${t};
struct Uniforms { ${fields.join(', ')} }
${bindings.join('\n')}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id : vec3<u32>) {
  let index = i32(id.x);
  ${strided ? 'for (var i = index; i < uniforms.size; i += uniforms.threads) {' : 'let i = index;\n  if (i < uniforms.size) {'}
    ${op.body ?? ''}
    ${outputs.map((o) => `out_${o}[i] = ${op.results[o]};`).join('\n    ')}
  }
}`;
}

/**
 * Runs `op` over `inputs` (in the order of `op.inputs`) into one float32 tensor of `shape`
 * per result, in one launch where the backend allows it (tfjs's programs have a single
 * output, so an Adam step was three launches each recomputing the moments, batch norm's
 * mean and variance two); otherwise, for one output or an empty shape, tfjs's own program
 * per output. With
 * `components` 4 (a `vec4` op, and the caller's promise that every input's size and the
 * output's are multiples of 4 and its index uniforms count vec4s) four elements per invocation.
 */
export function runElementwiseOutputs(
  backend: Parameters<typeof runElementwise>[0],
  op: ElementwiseOutputsOp,
  inputs: readonly TensorInfo[],
  shape: readonly number[],
  values: Record<string, number> = {},
  components: Components = 1,
): TensorInfo[] {
  if (components === 4 && !op.vec4) throw new Error(`${op.key} is not written for vec4 values`);
  const code = `${op.body ?? ''} ${Object.values(op.results).join(' ')}`;
  const unread = op.inputs.filter((name) => !new RegExp(`\\b${name}\\[`).test(code));
  if (unread.length > 0) throw new Error(`${op.key}: inputs never read: ${unread.join(', ')}`);
  const size = shape.reduce((a, b) => a * b, 1);
  if (size === 0 || Object.keys(op.results).length === 1 || !hasDispatchInternals(backend)) {
    return Object.entries(op.results).map(([name, result]) =>
      runElementwise(backend, { key: `${op.key}_${name}`, inputs: op.inputs, floats: op.floats, ints: op.ints, body: op.body, result, vec4: op.vec4 }, inputs, shape, values, components),
    );
  }
  const invocations = size / components;
  const workgroups = Math.ceil(invocations / WORKGROUP);
  const strided = workgroups > MAX_WORKGROUPS_PER_DIMENSION;
  const dispatched = Math.min(workgroups, MAX_WORKGROUPS_PER_DIMENSION);
  const value = (name: string) => {
    const v = values[name];
    if (!Number.isFinite(v)) throw new Error(`${op.key}: no value for the uniform '${name}'`);
    return v;
  };
  return recordDispatch(backend, {
    key: `studio${op.key}_outputs_${components}${strided ? '_strided' : ''}`,
    code: () => shaderCode(op, components, strided),
    entryPoint: 'main',
    outputs: Object.keys(op.results).map(() => ({ shape: [...shape] })),
    inputs,
    uniforms: [
      { type: 'int32', data: [invocations] },
      { type: 'int32', data: [dispatched * WORKGROUP] },
      ...(op.floats ?? []).map((f) => ({ type: 'float32' as const, data: [value(f)] })),
      ...(op.ints ?? []).map((n) => ({ type: 'int32' as const, data: [value(n)] })),
    ],
    workgroups: [dispatched, 1, 1],
  });
}
