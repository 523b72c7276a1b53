import type { TensorInfo } from '@tensorflow/tfjs-core';
import { supportedConvInfo, type ConvAttrs } from '../supportedConvInfo.ts';
import { NO_EPILOGUE, fusedEpilogue, type FusedEpilogue } from './fusedEpilogue.ts';
import { filterTapWgsl, patchCornerWgsl, patchLoadWgsl, type ConvGemmOperands } from './convGemmProgram.ts';
import { isPointwise, runPointwiseProduct } from './pointwiseProductProgram.ts';
import { runConvGemm } from './runConvGemm.ts';
import { allFloat32, type WebgpuKernel, type WebgpuKernelArgs } from './webgpuProgram.ts';

/**
 * y[b, oy, ox, co] = Σ over (wr, wc, ci) of x[b, oy·s − pad + wr, ox·s − pad + wc, ci] · W[wr, wc, ci, co]:
 * rows are the output pixels, columns the output channels, k the filter taps in W's order.
 * Row info: (b, oy·s − pad, ox·s − pad); k info: (ci, wr, wc).
 */
const FORWARD: ConvGemmOperands = {
  name: 'forward',
  variableNames: ['x', 'W'],
  rowInfo: patchCornerWgsl('row'),
  kInfo: filterTapWgsl('k'),
  loadA: patchLoadWgsl('r', 'q', 'q.x'),
  loadB: 'return W[k * uniforms.outC + col];',
  aAlongK: true,
  bAlongK: false,
};

/**
 * A forward convolution as the gathered product (a 1×1 stride-1 one as the direct pointwise
 * product), `epilogue` applied; undefined (stock runs it) where the studio does not
 * cover the case.
 */
function forward(args: WebgpuKernelArgs, epilogueFor: (outChannels: number) => FusedEpilogue | undefined): TensorInfo | undefined {
  const { inputs, backend, attrs } = args;
  const { x, filter, bias } = inputs;
  if (!allFloat32(x, filter)) return undefined;
  const info = supportedConvInfo(x.shape, filter.shape, attrs as unknown as ConvAttrs, false);
  if (!info) return undefined;
  const e = epilogueFor(info.outChannels);
  if (!e) return undefined;
  const dims = {
    m: info.batchSize * info.outHeight * info.outWidth,
    n: info.outChannels,
    k: info.filterHeight * info.filterWidth * info.inChannels,
  };
  const biasIfAny = e.bias ? bias : undefined;
  if (isPointwise(info)) {
    const y = runPointwiseProduct(backend, [x, filter], dims, { a: 'mk', b: 'kn' }, [...info.outShape], { epilogue: e, bias: biasIfAny });
    if (y) return y;
  }
  return runConvGemm(backend, FORWARD, [x, filter], info, dims, [...info.outShape], e, biasIfAny);
}

export const fastConv2D: WebgpuKernel = {
  kernelName: 'Conv2D',
  run: (args) => forward(args, () => NO_EPILOGUE),
};

/** What tfjs-layers' Conv2D calls (bias and relu / elu fused when the layer has them); prelu goes to stock. */
export const fastFusedConv2D: WebgpuKernel = {
  kernelName: 'FusedConv2D',
  run: (args) => (args.inputs.preluActivationWeights ? undefined : forward(args, (outChannels) => fusedEpilogue(args.attrs, args.inputs.bias, outChannels))),
};
