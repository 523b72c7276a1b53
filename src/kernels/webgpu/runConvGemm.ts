import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { ConvGemmProgram, convUniforms, planConvGemm, type ConvGemmOperands } from './convGemmProgram.ts';
import { sumSplits } from './sumSplitsProgram.ts';
import type { WebgpuBackendLike } from './webgpuProgram.ts';

/**
 * Runs one gathered matrix product for a convolution and returns it in `outShape` (whose
 * row-major layout is C's): one dispatch, or two when the k range is sliced (partial sums,
 * then their sum; the partials are released at once).
 */
export function runConvGemm(
  backend: WebgpuBackendLike,
  operands: ConvGemmOperands,
  inputs: [TensorInfo, TensorInfo],
  info: backend_util.Conv2DInfo,
  dims: { m: number; n: number; k: number },
  outShape: number[],
): TensorInfo {
  const plan = planConvGemm(dims.m, dims.n, dims.k);
  const program = new ConvGemmProgram(operands, plan, outShape, info);
  const out = backend.runWebGPUProgram(program, inputs, 'float32', [...program.programUniforms(), ...convUniforms(info)]);
  return sumSplits(backend, out, plan.splits, outShape);
}
