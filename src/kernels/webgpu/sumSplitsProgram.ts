import type { TensorInfo } from '@tensorflow/tfjs-core';
import { runStudioProgram } from './runStudioProgram.ts';
import { NO_EPILOGUE, epilogueKey, epilogueWgsl, type FusedEpilogue } from './fusedEpilogue.ts';
import { MAX_WORKGROUPS_PER_DIMENSION, type WebgpuBackendLike, type WebgpuProgram } from './webgpuProgram.ts';

const WORKGROUP = 64;
/** Below this many outputs of one invocation each, the summed range is sliced across workgroups so that a GPU has enough invocations to run. */
const MIN_PARALLEL_OUTPUTS = 8192;
/** A slice shorter than this costs more in partial sums than it gains. */
const MIN_PER_SLICE = 64;

export interface SumSlices {
  splits: number;
  perSplit: number;
}

/** How `outputs` sums of `terms` terms each, one invocation per output, are cut into slices of their terms (summed by `sumSplits`). */
export function planSumSlices(outputs: number, terms: number): SumSlices {
  let splits = outputs >= MIN_PARALLEL_OUTPUTS ? 1 : Math.min(Math.ceil(MIN_PARALLEL_OUTPUTS / outputs), Math.floor(terms / MIN_PER_SLICE), MAX_WORKGROUPS_PER_DIMENSION);
  splits = Math.max(1, splits);
  const perSplit = Math.ceil(terms / splits);
  return { splits: Math.ceil(terms / perSplit), perSplit };
}

/**
 * Sums partial results [splits, size] over the splits, in split order, into `outputShape`,
 * then applies `epilogue` (its column: the index within `outputShape`'s last dimension).
 */
export class SumSplitsProgram implements WebgpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms = 'splits : i32, cols : i32,';
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  size = true;

  constructor(
    outputShape: number[],
    private readonly epilogue: FusedEpilogue = NO_EPILOGUE,
  ) {
    this.shaderKey = `studioSumSplits_${epilogueKey(epilogue)}`;
    this.variableNames = ['partials', ...(epilogue.bias ? ['bias'] : [])];
    this.outputShape = outputShape;
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    this.dispatch = [Math.ceil(outputShape.reduce((a, b) => a * b, 1) / WORKGROUP), 1, 1];
  }

  getUserCode(): string {
    return `
      ${epilogueWgsl(this.epilogue)}
      fn main(index : i32) {
        if (index < uniforms.size) {
          var sum = 0.0;
          for (var s = 0; s < uniforms.splits; s++) {
            sum = sum + partials[s * uniforms.size + index];
          }
          result[index] = epilogue(sum, index % uniforms.cols);
        }
      }
    `;
  }
}

/**
 * The result of a program that wrote `splits` partial sums: as is when there is one (the
 * program applied the epilogue itself), else summed and the epilogue applied (the partials released).
 */
export function sumSplits(
  backend: WebgpuBackendLike,
  out: TensorInfo,
  splits: number,
  outShape: number[],
  epilogue: FusedEpilogue = NO_EPILOGUE,
  bias?: TensorInfo,
): TensorInfo {
  if (splits === 1) return out;
  const uniforms = [splits, outShape[outShape.length - 1]].map((v) => ({ type: 'int32' as const, data: [v] }));
  const summed = runStudioProgram(backend, new SumSplitsProgram(outShape, epilogue), bias ? [out, bias] : [out], uniforms);
  backend.disposeData(out.dataId);
  return summed;
}
