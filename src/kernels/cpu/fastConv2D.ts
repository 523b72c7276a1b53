import { Conv2D, FusedConv2D, util } from '@tensorflow/tfjs-core';
import type { backend_util, Conv2DAttrs, FusedConv2DAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import type { FastKernel, FastKernelArgs } from './fastKernel.ts';
import { float32Values } from './fastKernel.ts';
import { gemmAccumulate } from './gemm.ts';
import { im2col, patchBlockRows, patchesAreInput, patchScratch } from './im2col.ts';
import { supportedConvInfo } from '../supportedConvInfo.ts';

/** `y = patches(x) · filter`, the patch matrix built a block of output pixels at a time. */
function conv2dForward(x: Float32Array, filter: Float32Array, info: backend_util.Conv2DInfo): Float32Array {
  const m = info.batchSize * info.outHeight * info.outWidth;
  const n = info.outChannels;
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const y = new Float32Array(m * n);
  const w = { data: filter, offset: 0, rowStride: n, colStride: 1 };
  if (patchesAreInput(info)) {
    gemmAccumulate(m, n, k, { data: x, offset: 0, rowStride: k, colStride: 1 }, w, { data: y, offset: 0, rowStride: n, colStride: 1 });
    return y;
  }
  const blockRows = patchBlockRows(k);
  const patches = patchScratch(blockRows * k);
  for (let m0 = 0; m0 < m; m0 += blockRows) {
    const rows = Math.min(blockRows, m - m0);
    im2col(x, info, m0, rows, patches);
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

/**
 * Same element-wise formulas as tfjs-backend-cpu's Relu, Relu6 and LeakyRelu kernels, so a
 * fused activation gives the stock kernel's values bit for bit. Prelu, elu and sigmoid
 * are left to the stock kernel.
 */
const ACTIVATIONS: Partial<Record<FusedConv2DAttrs['activation'], (v: number, alpha: number) => number>> = {
  linear: (v) => v,
  relu: (v) => Math.max(0, v),
  relu6: (v) => Math.min(Math.max(0, v), 6),
  leakyrelu: (v, alpha) => (v < 0 ? alpha * v : v),
};

function biasValues(args: FastKernelArgs, channels: number): Float32Array | null | undefined {
  const bias: TensorInfo | undefined = args.inputs.bias;
  if (!bias) return null;
  const size = util.sizeFromShape(bias.shape);
  if (bias.shape.length > 1 || (size !== channels && size !== 1)) return undefined;
  return float32Values(args.backend, bias);
}

/** Conv2D + bias + activation in one pass over the output, as the stock FusedConv2D composes them. */
export const fastFusedConv2D: FastKernel = {
  kernelName: FusedConv2D,
  run(args) {
    const attrs = args.attrs as unknown as FusedConv2DAttrs;
    const activation = ACTIVATIONS[attrs.activation ?? 'linear'];
    const bias = biasValues(args, args.inputs.filter.shape[3]);
    if (!activation || bias === undefined || args.inputs.preluActivationWeights) return undefined;
    const result = convolve(args, attrs);
    if (!result) return undefined;
    const { y, info } = result;
    const channels = info.outChannels;
    const alpha = attrs.leakyreluAlpha ?? 0;
    if (bias || attrs.activation !== 'linear') {
      for (let i = 0; i < y.length; i++) {
        // Rounded to float32 first, as the stock kernel stores the biased sum before activating it.
        const withBias = bias ? Math.fround(y[i] + bias[bias.length === 1 ? 0 : i % channels]) : y[i];
        y[i] = activation(withBias, alpha);
      }
    }
    return args.backend.makeTensorInfo(info.outShape, 'float32', y);
  },
};
