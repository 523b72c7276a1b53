import type { DataId, DataType, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelOverride } from '../kernelOverrides.ts';

/**
 * A studio WGSL program, in the shape tfjs-backend-webgpu 4.22 asks of one (its
 * `WebGPUProgram`, not exported from the package), so that either compiler takes it:
 * `runStudioProgram`'s, or tfjs's where the backend lacks what that needs. Both give it
 * `uniforms` (its own fields, then `size` when asked), one flat binding per name in
 * `variableNames`, the `result` output binding, and call `main(index)` from an entry point
 * of `workgroupSize` — or, with a non-flat `dispatchLayout`, `main()`, the program reading
 * `localId`, `localIndex`, `workgroupId` and `numWorkgroups` itself. tfjs also prepends
 * every input's shape and strides and coordinate helpers, which no studio program reads.
 * `shaderKey` names everything compiled into the source.
 */
export interface WebgpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[]; y?: number[]; z?: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms?: string;
  workgroupSize: [number, number, number];
  size?: boolean;
  /** Floats per element of every binding (4: `array<vec4<f32>>`, and `size` counts vec4s). */
  outputComponent?: number;
  /**
   * Output bindings after `result`, by name, each a tensor of `outputShape`: only
   * `runStudioProgramOutputs` compiles them (tfjs's programs have one output).
   */
  extraOutputs?: readonly string[];
  getUserCode(): string;
}

export interface ProgramUniform {
  type: 'int32' | 'uint32' | 'float32';
  data: number[];
}

/** The part of tfjs-backend-webgpu's `WebGPUBackend` the studio's kernels use. */
export interface WebgpuBackendLike {
  /** With `output`, the program writes into that tensor (allocated on first use) instead of a new one. */
  runWebGPUProgram(program: WebgpuProgram, inputs: TensorInfo[], outputDtype: DataType, uniforms?: ProgramUniform[], output?: TensorInfo): TensorInfo;
  disposeData(dataId: DataId, force?: boolean): boolean;
}

export interface WebgpuKernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: WebgpuBackendLike;
  attrs: NamedAttrMap;
}

/** Whether every tensor is float32: the studio's WGSL programs read and write f32 only. */
export function allFloat32(...tensors: (TensorInfo | undefined)[]): boolean {
  return tensors.every((t) => t === undefined || t.dtype === 'float32');
}

/** A replacement for one webgpu kernel (falls back to stock by returning undefined). */
export type WebgpuKernel = KernelOverride<WebgpuKernelArgs>;

/**
 * The dispatch layout of programs that index by workgroup themselves: non-flat, so the
 * backend calls `main()` without a global index, and of a rank no output has, so it
 * generates no `getOutputCoords` for them.
 */
export const SELF_INDEXED_LAYOUT = { x: [], y: [0, 1, 2, 3, 4, 5, 6] };

/** WebGPU's guaranteed `maxComputeWorkgroupsPerDimension`; the programs here stay within it. */
export const MAX_WORKGROUPS_PER_DIMENSION = 65535;
