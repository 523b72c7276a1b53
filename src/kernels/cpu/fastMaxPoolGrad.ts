import { backend_util, MaxPoolGrad } from '@tensorflow/tfjs-core';
import type { MaxPoolGradAttrs } from '@tensorflow/tfjs-core';
import type { FastKernel } from './fastKernel.ts';
import { float32Values } from './fastKernel.ts';

/**
 * Routes each window's gradient to its arg-max: the first strictly greatest input of the
 * window in row-major order, ignoring padding, and no input at all for a window of NaN or
 * -Infinity only. Those are the stock kernel's tie rules, which matter here: after a ReLU
 * many windows are all zeros, and the gradient must land on the same zero.
 */
function maxPoolBackprop(x: Float32Array, dy: Float32Array, info: backend_util.Conv2DInfo): Float32Array {
  const { batchSize, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const { top, left } = info.padInfo;
  // Sums in float64 (as the stock kernel's per-input dot product does), rounded once at the end.
  const dx = new Float64Array(batchSize * h * w * c);
  const best = new Float64Array(c);
  const at = new Int32Array(c);
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = Math.max(0, oy * sh - top);
      const y1 = Math.min(h, oy * sh - top + fh);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = Math.max(0, ox * sw - left);
        const x1 = Math.min(w, ox * sw - left + fw);
        best.fill(Number.NEGATIVE_INFINITY);
        at.fill(-1);
        // Window positions outer and channels inner reads x contiguously; scanning positions
        // in row-major order keeps the first-maximum rule per channel.
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) {
            const base = ((b * h + iy) * w + ix) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = x[base + ch];
              if (v > best[ch]) {
                best[ch] = v;
                at[ch] = base + ch;
              }
            }
          }
        }
        const dyOffset = ((b * oh + oy) * ow + ox) * c;
        for (let ch = 0; ch < c; ch++) if (at[ch] >= 0) dx[at[ch]] += dy[dyOffset + ch];
      }
    }
  }
  return Float32Array.from(dx);
}

export const fastMaxPoolGrad: FastKernel = {
  kernelName: MaxPoolGrad,
  run({ inputs, backend, attrs }) {
    const { dy, input } = inputs;
    const a = attrs as unknown as MaxPoolGradAttrs;
    const xValues = float32Values(backend, input);
    const dyValues = float32Values(backend, dy);
    if (!xValues || !dyValues || input.shape.length !== 4) return undefined;
    const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
    return backend.makeTensorInfo(input.shape, 'float32', maxPoolBackprop(xValues, dyValues, info));
  },
};
