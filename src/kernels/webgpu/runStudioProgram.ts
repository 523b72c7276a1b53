import type { TensorInfo } from '@tensorflow/tfjs-core';
import { hasDispatchInternals, recordDispatch } from './recordDispatch.ts';
import { MAX_WORKGROUPS_PER_DIMENSION, type ProgramUniform, type WebgpuBackendLike, type WebgpuProgram } from './webgpuProgram.ts';

const ELEMENT: Record<number, string> = { 1: 'f32', 2: 'vec2<f32>', 4: 'vec4<f32>' };

/** Whether the backend calls `main` with a global index (tfjs's rule: no y or z axes in the dispatch layout). */
function indexed(program: WebgpuProgram): boolean {
  return !program.dispatchLayout.y?.length && !program.dispatchLayout.z?.length;
}

/**
 * tfjs's spreading of a flat dispatch too long for one dimension over two or three (equal
 * sides, rounded up: the programs bound-check their index).
 */
function spread(dispatch: [number, number, number]): [number, number, number] {
  if (dispatch.every((d) => d <= MAX_WORKGROUPS_PER_DIMENSION)) return dispatch;
  if (dispatch[1] !== 1 || dispatch[2] !== 1) throw new Error(`dispatch [${dispatch}] exceeds WebGPU's limits in y or z`);
  const square = Math.ceil(Math.sqrt(dispatch[0]));
  if (square <= MAX_WORKGROUPS_PER_DIMENSION) return [square, square, 1];
  const cube = Math.ceil(Math.cbrt(dispatch[0]));
  if (cube > MAX_WORKGROUPS_PER_DIMENSION) throw new Error(`dispatch [${dispatch}] exceeds WebGPU's limits`);
  return [cube, cube, cube];
}

/**
 * The WGSL module of one of the studio's programs without tfjs's prelude: the studio's
 * programs read their inputs as flat arrays by name, their own `uniforms` fields and
 * `uniforms.size`, write `result`, and see `localId`, `localIndex`, `workgroupId`,
 * `numWorkgroups` and `globalId` as tfjs's entry point sets them; tfjs's shape and stride
 * uniforms and coordinate helpers, which a studio program never reads, are not compiled in.
 * The global index is tfjs's too (x alone when the dispatch is flat, else workgroups
 * flattened x fastest).
 */
function moduleFor(program: WebgpuProgram, inputs: number, flat: boolean): string {
  const element = ELEMENT[program.outputComponent ?? 1];
  const [x, y, z] = program.workgroupSize;
  const globalIndex = flat ? 'i32(globalId.x)' : `i32((workgroupId.z * numWorkgroups.x * numWorkgroups.y + workgroupId.y * numWorkgroups.x + workgroupId.x) * ${x * y * z}u + localIndex)`;
  const outputs = ['result', ...(program.extraOutputs ?? [])];
  const names = program.variableNames.slice(0, inputs);
  return `
struct Uniforms { ${program.uniforms ?? ''} ${program.size ? 'size : i32,' : ''} }
${outputs.map((name, i) => `@group(0) @binding(${i}) var<storage, read_write> ${name} : array<${element}>;`).join('\n')}
${names.map((name, i) => `@group(0) @binding(${outputs.length + i}) var<storage, read> ${name} : array<${element}>;`).join('\n')}
@group(0) @binding(${outputs.length + names.length}) var<uniform> uniforms : Uniforms;
var<private> localId : vec3<u32>;
var<private> localIndex : u32;
var<private> globalId : vec3<u32>;
var<private> numWorkgroups : vec3<u32>;
var<private> workgroupId : vec3<u32>;
${program.getUserCode()}
@compute @workgroup_size(${x}, ${y}, ${z})
fn _start(@builtin(local_invocation_id) lid : vec3<u32>, @builtin(global_invocation_id) gid : vec3<u32>, @builtin(local_invocation_index) lidx : u32,
          @builtin(workgroup_id) wid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>) {
  localId = lid;
  localIndex = lidx;
  globalId = gid;
  numWorkgroups = nwg;
  workgroupId = wid;
  ${indexed(program) ? `main(${globalIndex});` : 'main();'}
}`;
}

/** Records `program` directly: its `result` (or `output`) and every extra output, one launch. */
function record(backend: WebgpuBackendLike, program: WebgpuProgram, inputs: TensorInfo[], uniforms: ProgramUniform[], output?: TensorInfo): TensorInfo[] {
  const size = program.outputShape.reduce((a, b) => a * b, 1);
  const components = program.outputComponent ?? 1;
  const workgroups = spread(program.dispatch);
  const flat = workgroups[1] === 1 && workgroups[2] === 1;
  const extra = program.extraOutputs ?? [];
  return recordDispatch(backend, {
    key: `${program.shaderKey}|own_${inputs.length}_${components}_${program.workgroupSize.join('x')}_${flat ? 'flat' : 'grid'}_${program.size ? 'size' : ''}`,
    code: () => moduleFor(program, inputs.length, flat),
    outputs: [{ shape: program.outputShape, ...(output ? { into: output } : {}) }, ...extra.map(() => ({ shape: program.outputShape }))],
    inputs,
    uniforms: [...uniforms, ...(program.size ? [{ type: 'int32' as const, data: [size / components] }] : [])],
    workgroups,
  });
}

/** Whether `runStudioProgramOutputs` can record on `backend` a program whose output has `size` values. */
export function canRecordOutputs(backend: WebgpuBackendLike, size: number): boolean {
  return size > 0 && hasDispatchInternals(backend);
}

/**
 * Runs one of the studio's WGSL programs into a float32 tensor (or into `output`, which it
 * then writes). Where the backend has what `recordDispatch` needs, the program is compiled
 * as a module of its own (`moduleFor`) and recorded directly: tfjs's `runWebGPUProgram`
 * would build a shader key from every input's shape and upload every input's shape and
 * strides as uniforms on each launch, host work that a GPU step of hundreds of launches pays
 * for every time (1.2–1.6× the host time of a direct launch on Dawn here). Elsewhere, and
 * for an empty output, tfjs's own path.
 */
export function runStudioProgram(backend: WebgpuBackendLike, program: WebgpuProgram, inputs: TensorInfo[], uniforms: ProgramUniform[] = [], output?: TensorInfo): TensorInfo {
  const size = program.outputShape.reduce((a, b) => a * b, 1);
  // A struct needs a field, and the uniforms a reader to be bound: every studio program has both.
  if (!canRecordOutputs(backend, size) || !(program.uniforms || program.size)) return backend.runWebGPUProgram(program, inputs, 'float32', uniforms, output);
  return record(backend, program, inputs, uniforms, output)[0];
}

/**
 * Runs a program with `extraOutputs` in one launch: `result`, then each extra output. Only
 * where `canRecordOutputs` (tfjs cannot run such a program at all).
 */
export function runStudioProgramOutputs(backend: WebgpuBackendLike, program: WebgpuProgram, inputs: TensorInfo[], uniforms: ProgramUniform[]): TensorInfo[] {
  if (!canRecordOutputs(backend, program.outputShape.reduce((a, b) => a * b, 1))) throw new Error(`${program.shaderKey}: several outputs need the studio's own recording`);
  return record(backend, program, inputs, uniforms);
}
