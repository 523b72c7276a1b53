import { DepthwiseConv2dNative, DepthwiseConv2dNativeBackpropFilter, DepthwiseConv2dNativeBackpropInput } from '@tensorflow/tfjs-core';
import type {
  backend_util,
  DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropInputAttrs,
} from '@tensorflow/tfjs-core';
import { convKernel } from './convKernel.ts';

// Depthwise convolutions have too little reuse for a GEMM; what the stock kernels lose is
// loop order. These walk channels innermost (contiguous in NHWC and in the
// [kh, kw, inChannels, multiplier] filter) and sum each output in a float64 row.

/** y[b, oy, ox, c·mul + q] = Σ x[b, iy, ix, c] · w[ky, kx, c, q]. */
function depthwiseForward(x: Float32Array, w: Float32Array, info: backend_util.Conv2DInfo): Float32Array {
  const { batchSize, inHeight: h, inWidth: wd, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const mul = co / ci;
  const y = new Float32Array(batchSize * oh * ow * co);
  const acc = new Float64Array(co);
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        acc.fill(0);
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - top + ky;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - left + kx;
            if (ix < 0 || ix >= wd) continue;
            const xo = ((b * h + iy) * wd + ix) * ci;
            const wo = (ky * kw + kx) * co;
            for (let c = 0; c < ci; c++) {
              const xv = x[xo + c];
              for (let q = 0; q < mul; q++) acc[c * mul + q] += xv * w[wo + c * mul + q];
            }
          }
        }
        y.set(acc, ((b * oh + oy) * ow + ox) * co);
      }
    }
  }
  return y;
}

/** dx[b, iy, ix, c] = Σ dy[b, oy, ox, c·mul + q] · w[ky, kx, c, q], gathered per input pixel (no scatter). */
function depthwiseBackpropInput(dy: Float32Array, w: Float32Array, info: backend_util.Conv2DInfo): Float32Array {
  const { batchSize, inHeight: h, inWidth: wd, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const mul = co / ci;
  const dx = new Float32Array(batchSize * h * wd * ci);
  const acc = new Float64Array(ci);
  for (let b = 0; b < batchSize; b++) {
    for (let iy = 0; iy < h; iy++) {
      for (let ix = 0; ix < wd; ix++) {
        acc.fill(0);
        for (let ky = 0; ky < kh; ky++) {
          const ty = iy + top - ky;
          const oy = ty / sh;
          if (ty < 0 || oy >= oh || ty % sh !== 0) continue;
          for (let kx = 0; kx < kw; kx++) {
            const tx = ix + left - kx;
            const ox = tx / sw;
            if (tx < 0 || ox >= ow || tx % sw !== 0) continue;
            const dyo = ((b * oh + oy) * ow + ox) * co;
            const wo = (ky * kw + kx) * co;
            for (let c = 0; c < ci; c++) {
              let s = 0;
              for (let q = 0; q < mul; q++) s += dy[dyo + c * mul + q] * w[wo + c * mul + q];
              acc[c] += s;
            }
          }
        }
        dx.set(acc, ((b * h + iy) * wd + ix) * ci);
      }
    }
  }
  return dx;
}

/** dw[ky, kx, c, q] = Σ x[b, iy, ix, c] · dy[b, oy, ox, c·mul + q] over the batch and every output pixel. */
function depthwiseBackpropFilter(x: Float32Array, dy: Float32Array, info: backend_util.Conv2DInfo): Float32Array {
  const { batchSize, inHeight: h, inWidth: wd, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const mul = co / ci;
  const acc = new Float64Array(kh * kw * co);
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const dyo = ((b * oh + oy) * ow + ox) * co;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - top + ky;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - left + kx;
            if (ix < 0 || ix >= wd) continue;
            const xo = ((b * h + iy) * wd + ix) * ci;
            const ao = (ky * kw + kx) * co;
            for (let c = 0; c < ci; c++) {
              const xv = x[xo + c];
              for (let q = 0; q < mul; q++) acc[ao + c * mul + q] += xv * dy[dyo + c * mul + q];
            }
          }
        }
      }
    }
  }
  return Float32Array.from(acc);
}

export const fastDepthwiseConv2D = convKernel({
  kernelName: DepthwiseConv2dNative,
  depthwise: true,
  operands: ({ x, filter }) => [x, filter],
  shapes: ({ inputs }) => ({ inShape: inputs.x.shape, filterShape: inputs.filter.shape }),
  outShape: (info) => info.outShape,
  compute: depthwiseForward,
});

export const fastDepthwiseConv2DBackpropInput = convKernel({
  kernelName: DepthwiseConv2dNativeBackpropInput,
  depthwise: true,
  operands: ({ dy, filter }) => [dy, filter],
  shapes: ({ inputs, attrs }) => ({ inShape: (attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs).inputShape, filterShape: inputs.filter.shape }),
  outShape: (info) => info.inShape,
  compute: depthwiseBackpropInput,
});

export const fastDepthwiseConv2DBackpropFilter = convKernel({
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  depthwise: true,
  operands: ({ x, dy }) => [x, dy],
  shapes: ({ inputs, attrs }) => ({ inShape: inputs.x.shape, filterShape: (attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs).filterShape }),
  outShape: (info) => info.filterShape,
  compute: depthwiseBackpropFilter,
});
