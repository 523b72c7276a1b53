import { Conv2DBackpropFilter } from '@tensorflow/tfjs-core';
import type { backend_util, Conv2DBackpropFilterAttrs } from '@tensorflow/tfjs-core';
import type { FastKernel } from './fastKernel.ts';
import { float32Values } from './fastKernel.ts';
import { gemmAccumulate } from './gemm.ts';
import { im2col, patchBlockRows, patchesAreInput, patchScratch } from './im2col.ts';
import { supportedConvInfo } from './supportedConvInfo.ts';

/** `dW = patches(x)ᵀ · dy`, summed over blocks of output pixels so the patch matrix is never whole. */
function conv2dBackpropFilter(x: Float32Array, dy: Float32Array, info: backend_util.Conv2DInfo): Float32Array {
  const m = info.batchSize * info.outHeight * info.outWidth;
  const n = info.outChannels;
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const dw = new Float32Array(k * n);
  const out = { data: dw, offset: 0, rowStride: n, colStride: 1 };
  if (patchesAreInput(info)) {
    gemmAccumulate(k, n, m, { data: x, offset: 0, rowStride: 1, colStride: k }, { data: dy, offset: 0, rowStride: n, colStride: 1 }, out);
    return dw;
  }
  const blockRows = patchBlockRows(k);
  const patches = patchScratch(blockRows * k);
  for (let m0 = 0; m0 < m; m0 += blockRows) {
    const rows = Math.min(blockRows, m - m0);
    im2col(x, info, m0, rows, patches);
    gemmAccumulate(k, n, rows, { data: patches, offset: 0, rowStride: 1, colStride: k }, { data: dy, offset: m0 * n, rowStride: n, colStride: 1 }, out);
  }
  return dw;
}

export const fastConv2DBackpropFilter: FastKernel = {
  kernelName: Conv2DBackpropFilter,
  run({ inputs, backend, attrs }) {
    const { x, dy } = inputs;
    const a = attrs as unknown as Conv2DBackpropFilterAttrs;
    const info = supportedConvInfo(x.shape, a.filterShape, a, false);
    const xValues = float32Values(backend, x);
    const dyValues = float32Values(backend, dy);
    if (!info || !xValues || !dyValues) return undefined;
    return backend.makeTensorInfo(info.filterShape, 'float32', conv2dBackpropFilter(xValues, dyValues, info));
  },
};
