import { Conv2DBackpropFilter } from '@tensorflow/tfjs-core';
import type { backend_util, Conv2DBackpropFilterAttrs } from '@tensorflow/tfjs-core';
import { convKernel } from './convKernel.ts';
import { gemmAccumulate } from './gemm.ts';
import { PatchRows, patchBlockRows, patchesAreInput, patchScratch } from './im2col.ts';
import { float32Pool } from './float32Pool.ts';

/** `dW = patches(x)ᵀ · dy`, summed over blocks of output pixels so the patch matrix is never whole. */
function conv2dBackpropFilter(x: Float32Array, dy: Float32Array, info: backend_util.Conv2DInfo): Float32Array {
  const m = info.batchSize * info.outHeight * info.outWidth;
  const n = info.outChannels;
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const dw = float32Pool.zeros(k * n);
  const out = { data: dw, offset: 0, rowStride: n, colStride: 1 };
  if (patchesAreInput(info)) {
    gemmAccumulate(k, n, m, { data: x, offset: 0, rowStride: 1, colStride: k }, { data: dy, offset: 0, rowStride: n, colStride: 1 }, out);
    return dw;
  }
  const blockRows = patchBlockRows(k);
  const patches = patchScratch(blockRows * k);
  const patchRows = new PatchRows(x, info, blockRows);
  for (let m0 = 0; m0 < m; m0 += blockRows) {
    const rows = Math.min(blockRows, m - m0);
    patchRows.write(m0, rows, patches);
    gemmAccumulate(k, n, rows, { data: patches, offset: 0, rowStride: 1, colStride: k }, { data: dy, offset: m0 * n, rowStride: n, colStride: 1 }, out);
  }
  return dw;
}

export const fastConv2DBackpropFilter = convKernel({
  kernelName: Conv2DBackpropFilter,
  depthwise: false,
  operands: ({ x, dy }) => [x, dy],
  shapes: ({ inputs, attrs }) => ({ inShape: inputs.x.shape, filterShape: (attrs as unknown as Conv2DBackpropFilterAttrs).filterShape }),
  outShape: (info) => info.filterShape,
  compute: conv2dBackpropFilter,
});
