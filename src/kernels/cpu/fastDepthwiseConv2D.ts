import { DepthwiseConv2dNative, DepthwiseConv2dNativeBackpropFilter, DepthwiseConv2dNativeBackpropInput } from '@tensorflow/tfjs-core';
import type {
  backend_util,
  DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropInputAttrs,
} from '@tensorflow/tfjs-core';
import { convKernel } from './convKernel.ts';
import { DEPTHWISE_ROLES, type DepthwiseRole } from './wasm/simdDepthwise.ts';
import { MAX_CALLS_PER_THREAD } from './wasm/cpuThreadPool.ts';
import { POOLED, simdKernels, zeroHeap } from './wasm/simdKernels.ts';
import { float32Pool } from './float32Pool.ts';

// Depthwise convolutions have too little reuse for a GEMM; what the stock kernels lose is
// loop order. These walk channels innermost (contiguous in NHWC and in the
// [kh, kw, inChannels, multiplier] filter): in WebAssembly SIMD, four channels an
// instruction, where the runtime has it and the layer has a multiplier of 1 and channels in
// fours (every depthwise layer of the zoo); else in JavaScript, each output summed in a
// float64 row.

/** Floats the per-image regions of one job may take in the kernels' memory (16 MiB). */
const JOB_FLOATS = 1 << 22;
/**
 * Multiply-adds per image below which the images stay on one thread. A small image's loop
 * costs less than copying its operands in and out, which only this thread can do, and an
 * image a slot puts more memory through the cache than one slot reused: measured here, 32 px
 * MobileNetV2 layers ran 0–60% slower split over two threads.
 */
const MIN_THREADED_IMAGE_WORK = 1 << 19;
/** Multiply-adds a worker's share of a job should reach: waking it costs tens of microseconds. */
const MIN_SHARE_WORK = 1 << 21;

/**
 * One of the three passes in WebAssembly SIMD, an image at a time (the kernels' memory holds
 * the filter and a few images' operands, not the batch's): per-image operands copied in, the
 * filter once, the destinations zeroed, each image's loop run, its result copied out — or,
 * for the filter gradient, added into float64 sums over the batch in image order. With worker
 * threads (`startCpuThreads`) and images worth splitting, a job is several images per
 * thread, each in its own region and a unit the threads claim; every image is computed as it
 * would be alone and results are taken in image order, so they do not depend on the threads.
 * Undefined where the SIMD loop does not apply or the kernels' memory cannot hold an image;
 * the JavaScript loops run instead.
 */
function simdDepthwise(pass: keyof typeof DEPTHWISE_ROLES, info: backend_util.Conv2DInfo, a: Float32Array, b: Float32Array): Float32Array | undefined {
  const unshared = simdKernels();
  const { batchSize, inHeight: h, inWidth: wd, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  // The loop runs each of its counters at least once, so every extent must be positive.
  if (!unshared || co !== ci || ci % 4 !== 0 || [batchSize, h, wd, oh, ow, kh, kw].some((d) => d <= 0)) return undefined;
  const roles = DEPTHWISE_ROLES[pass];
  const size: Record<DepthwiseRole, number> = { input: h * wd * ci, output: oh * ow * ci, tap: kh * kw * ci };
  // The filter (a 'tap' operand) once, then a slot per image in flight: its destination and its own operands.
  const operands = [[a, roles.a], [b, roles.b]] as const;
  const filterFloats = operands.reduce((sum, [, role]) => sum + (role === 'tap' ? size.tap : 0), 0);
  const slotFloats = size[roles.dst] + operands.reduce((sum, [, role]) => sum + (role === 'tap' ? 0 : size[role]), 0);
  const imageWork = oh * ow * kh * kw * ci;
  const simd = (imageWork >= MIN_THREADED_IMAGE_WORK && batchSize > 1 && unshared.threaded) || unshared;
  const pool = simd.pool;
  const threads = pool ? Math.min(pool.threads, batchSize) : 1;
  const perThread = threads > 1 ? Math.max(1, Math.min(Math.ceil(MIN_SHARE_WORK / imageWork), MAX_CALLS_PER_THREAD, Math.floor(JOB_FLOATS / (threads * slotFloats)))) : 1;
  const jobImages = Math.min(batchSize, threads * perThread);
  const heap = simd.heap(filterFloats + jobImages * slotFloats);
  if (!heap) return undefined;
  // Where image slot s keeps its destination and each operand (a filter operand: before the slots).
  const slotAt = (s: number) => filterFloats + s * slotFloats;
  const at: [number, number][] = [];
  let next = size[roles.dst];
  let filterNext = 0;
  for (const [values, role] of operands) {
    if (role === 'tap') {
      heap.set(values, filterNext);
      at.push([filterNext, 0]);
      filterNext += size.tap;
    } else {
      at.push([next, 1]);
      next += size[role];
    }
  }
  const operandAt = (s: number, i: 0 | 1) => (at[i]![1] === 0 ? at[i]![0] : slotAt(s) + at[i]![0]);
  const args = (s: number) => [h, wd, oh, ow, kh, kw, sh, sw, info.padInfo.top, info.padInfo.left, 4 * ci, 4 * slotAt(s), 4 * operandAt(s, 0), 4 * operandAt(s, 1)];
  const copyIn = (image: number, s: number) => {
    operands.forEach(([values, role], i) => {
      if (role !== 'tap') heap.set(values.subarray(image * size[role], (image + 1) * size[role]), operandAt(s, i as 0 | 1));
    });
    zeroHeap(heap, slotAt(s), slotAt(s) + size[roles.dst]);
  };
  const out = roles.dst === 'tap' ? undefined : float32Pool.zeros(batchSize * size[roles.dst]);
  const sums = roles.dst === 'tap' ? new Float64Array(size.tap) : undefined;
  for (let image0 = 0; image0 < batchSize; image0 += jobImages) {
    const images = Math.min(jobImages, batchSize - image0);
    // Slot s holds image image0 + s, a unit of one call; the first images are posted once
    // copied, so the workers compute while this thread copies the rest.
    if (pool) {
      const early = Math.max(1, Math.floor((images * (threads - 1)) / threads));
      for (let s = 0; s < early; s++) copyIn(image0 + s, s);
      pool.post(Array.from({ length: images }, (_, s) => [{ fn: POOLED[pass], args: args(s) }]), early);
      try {
        for (let s = early; s < images; s++) copyIn(image0 + s, s);
      } finally {
        pool.finish();
      }
    } else {
      for (let s = 0; s < images; s++) {
        copyIn(image0 + s, s);
        // Called with its arguments listed, not spread: V8 calls WebAssembly fastest so.
        simd[pass](h, wd, oh, ow, kh, kw, sh, sw, info.padInfo.top, info.padInfo.left, 4 * ci, 4 * slotAt(s), 4 * operandAt(s, 0), 4 * operandAt(s, 1));
      }
    }
    for (let s = 0; s < images; s++) {
      if (out) out.set(heap.subarray(slotAt(s), slotAt(s) + size[roles.dst]), (image0 + s) * size[roles.dst]);
      else for (let i = 0; i < size.tap; i++) sums![i] += heap[slotAt(s) + i];
    }
  }
  return out ?? Float32Array.from(sums!);
}

/** y[b, oy, ox, c·mul + q] = Σ x[b, iy, ix, c] · w[ky, kx, c, q]. */
function depthwiseForward(x: Float32Array, w: Float32Array, info: backend_util.Conv2DInfo): Float32Array {
  const fast = simdDepthwise('depthwiseForward', info, x, w);
  if (fast) return fast;
  const { batchSize, inHeight: h, inWidth: wd, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const mul = co / ci;
  const y = float32Pool.zeros(batchSize * oh * ow * co);
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

/** dx[b, iy, ix, c] = Σ dy[b, oy, ox, c·mul + q] · w[ky, kx, c, q], gathered per input pixel (no scatter; the SIMD loop scatters). */
function depthwiseBackpropInput(dy: Float32Array, w: Float32Array, info: backend_util.Conv2DInfo): Float32Array {
  const fast = simdDepthwise('depthwiseInputGrad', info, dy, w);
  if (fast) return fast;
  const { batchSize, inHeight: h, inWidth: wd, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const mul = co / ci;
  const dx = float32Pool.zeros(batchSize * h * wd * ci);
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
  const fast = simdDepthwise('depthwiseFilterGrad', info, x, dy);
  if (fast) return fast;
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
