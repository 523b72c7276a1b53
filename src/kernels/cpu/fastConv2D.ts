import { Conv2D, FusedConv2D } from '@tensorflow/tfjs-core';
import type { backend_util, Conv2DAttrs, FusedConv2DAttrs } from '@tensorflow/tfjs-core';
import type { FastKernel, FastKernelArgs } from './fastKernel.ts';
import { float32Values } from './fastKernel.ts';
import { fusedEpilogue } from './fusedEpilogue.ts';
import { gemmAccumulate } from './gemm.ts';
import { PatchRows, patchBlockRows, patchesAreInput, patchScratch } from './im2col.ts';
import { supportedConvInfo } from '../supportedConvInfo.ts';
import { float32Pool } from './float32Pool.ts';

/** `y = patches(x) · filter`, the patch matrix built a block of output pixels at a time. */
function conv2dForward(x: Float32Array, filter: Float32Array, info: backend_util.Conv2DInfo): Float32Array {
  const m = info.batchSize * info.outHeight * info.outWidth;
  const n = info.outChannels;
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const y = float32Pool.zeros(m * n);
  const w = { data: filter, offset: 0, rowStride: n, colStride: 1 };
  if (patchesAreInput(info)) {
    gemmAccumulate(m, n, k, { data: x, offset: 0, rowStride: k, colStride: 1 }, w, { data: y, offset: 0, rowStride: n, colStride: 1 });
    return y;
  }
  const blockRows = patchBlockRows(k);
  const patches = patchScratch(blockRows * k);
  const patchRows = new PatchRows(x, info, blockRows);
  for (let m0 = 0; m0 < m; m0 += blockRows) {
    const rows = Math.min(blockRows, m - m0);
    patchRows.write(m0, rows, patches);
    gemmAccumulate(rows, n, k, { data: patches, offset: 0, rowStride: k, colStride: 1 }, w, { data: y, offset: m0 * n, rowStride: n, colStride: 1 });
  }
  return y;
}

function convolve(args: FastKernelArgs, attrs: Conv2DAttrs): { info: backend_util.Conv2DInfo; y: Float32Array } | undefined {
  const { x, filter } = args.inputs;
  const info = supportedConvInfo(x.shape, filter.shape, attrs, false);
  const xValues = float32Values(args.backend, x);
  const filterValues = float32Values(args.backend, filter);
  if (!info || !xValues || !filterValues) return undefined;
  return { info, y: conv2dForward(xValues, filterValues, info) };
}

export const fastConv2D: FastKernel = {
  kernelName: Conv2D,
  run(args) {
    const result = convolve(args, args.attrs as unknown as Conv2DAttrs);
    return result && args.backend.makeTensorInfo(result.info.outShape, 'float32', result.y);
  },
};

/** Conv2D + bias + activation in one pass over the output, as the stock FusedConv2D composes them. */
export const fastFusedConv2D: FastKernel = {
  kernelName: FusedConv2D,
  run(args) {
    const attrs = args.attrs as unknown as FusedConv2DAttrs;
    const epilogue = fusedEpilogue(args, attrs, args.inputs.filter.shape[3]);
    if (!epilogue) return undefined;
    const result = convolve(args, attrs);
    if (!result) return undefined;
    epilogue(result.y);
    return args.backend.makeTensorInfo(result.info.outShape, 'float32', result.y);
  },
};
