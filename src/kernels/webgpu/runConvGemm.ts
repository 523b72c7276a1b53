import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { runStudioProgram } from './runStudioProgram.ts';
import { NO_EPILOGUE, type FusedEpilogue } from './fusedEpilogue.ts';
import { ConvGemmProgram, convUniforms, planConvGemm, type ConvGemmOperands } from './convGemmProgram.ts';
import { sumSplits } from './sumSplitsProgram.ts';
import type { WebgpuBackendLike } from './webgpuProgram.ts';

/**
 * Runs one gathered matrix product for a convolution and returns it in `outShape` (whose
 * row-major layout is C's), `epilogue` applied: one dispatch, or two when the k range is
 * sliced (partial sums, then their sum and the epilogue; the partials are released at once).
 * `bias` is the epilogue's bias when it has one.
 */
export function runConvGemm(
  backend: WebgpuBackendLike,
  operands: ConvGemmOperands,
  inputs: [TensorInfo, TensorInfo],
  info: backend_util.Conv2DInfo,
  dims: { m: number; n: number; k: number },
  outShape: number[],
  epilogue: FusedEpilogue = NO_EPILOGUE,
  bias?: TensorInfo,
): TensorInfo {
  if (epilogue.bias !== (bias !== undefined)) throw new Error('runConvGemm: the epilogue has a bias exactly when a bias tensor is given');
  const plan = planConvGemm(dims.m, dims.n, dims.k);
  const program = new ConvGemmProgram(operands, plan, outShape, info, epilogue);
  const gemmInputs = plan.splits === 1 && bias ? [...inputs, bias] : inputs;
  const out = runStudioProgram(backend, program, gemmInputs, [...program.programUniforms(), ...convUniforms(info)]);
  return sumSplits(backend, out, plan.splits, outShape, epilogue, bias);
}
