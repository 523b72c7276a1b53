import type { backend_util } from '@tensorflow/tfjs-core';
import { simdPatchKernels, type SimdKernels } from './wasm/simdKernels.ts';
import type { SimdPatches } from './wasm/simdPatches.ts';

type Conv2DInfo = backend_util.Conv2DInfo;

/**
 * Runs at least this long are copied natively (`set`), shorter ones value by value: a
 * JavaScript copy costs ~2 ns a value, `set` on a fresh view ~70 ns a call whatever its
 * length, so they cross at about 24 values (3×3 taps of 8 channels); at 64 channels `set`
 * builds the patch matrix 5× faster.
 */
const NATIVE_COPY_MIN = 32;

/**
 * Rows `[m0, m0 + rows)` of the patch matrix of an NHWC input `x`: row m is output pixel
 * (b, oy, ox) in row-major order, column `(ky·kw + kx)·inChannels + c` is the input value
 * that filter tap (ky, kx, c) meets there, 0 in the padding. The column order is the
 * HWIO filter's, so `patches · filter` (filter read as `[kh·kw·inChannels, outChannels]`)
 * is the convolution. Dilation 1 only: the taps of one filter row then cover one
 * contiguous run of x, copied at once.
 */
export function im2col(x: Float32Array, info: Conv2DInfo, m0: number, rows: number, out: Float32Array): void {
  const { inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw } = info;
  const { strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const k = kh * kw * ci;
  for (let r = 0; r < rows; r++) {
    const m = m0 + r;
    const ox = m % ow;
    const oy = Math.floor(m / ow) % oh;
    const b = Math.floor(m / (ow * oh));
    const iy0 = oy * sh - top;
    const ix0 = ox * sw - left;
    const kx0 = Math.max(0, -ix0);
    const kx1 = Math.min(kw, w - ix0);
    let o = r * k;
    for (let ky = 0; ky < kh; ky++) {
      const iy = iy0 + ky;
      if (iy < 0 || iy >= h || kx0 >= kx1) {
        out.fill(0, o, o + kw * ci);
        o += kw * ci;
        continue;
      }
      if (kx0 > 0) out.fill(0, o, o + kx0 * ci);
      const runStart = o + kx0 * ci;
      const runLength = (kx1 - kx0) * ci;
      const src = ((b * h + iy) * w + ix0 + kx0) * ci;
      if (runLength >= NATIVE_COPY_MIN) out.set(x.subarray(src, src + runLength), runStart);
      else for (let t = 0; t < runLength; t++) out[runStart + t] = x[src + t];
      if (kx1 < kw) out.fill(0, runStart + runLength, o + kw * ci);
      o += kw * ci;
    }
  }
}

/**
 * The adjoint of `im2col`: adds each patch-matrix entry of rows `[m0, m0 + rows)` back onto
 * the input position it was read from (entries that fell in the padding are dropped).
 */
export function col2im(cols: Float32Array, info: Conv2DInfo, m0: number, rows: number, dx: Float32Array): void {
  const { inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw } = info;
  const { strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const k = kh * kw * ci;
  for (let r = 0; r < rows; r++) {
    const m = m0 + r;
    const ox = m % ow;
    const oy = Math.floor(m / ow) % oh;
    const b = Math.floor(m / (ow * oh));
    const iy0 = oy * sh - top;
    const ix0 = ox * sw - left;
    const kx0 = Math.max(0, -ix0);
    const kx1 = Math.min(kw, w - ix0);
    if (kx0 >= kx1) continue;
    const runLength = (kx1 - kx0) * ci;
    for (let ky = 0; ky < kh; ky++) {
      const iy = iy0 + ky;
      if (iy < 0 || iy >= h) continue;
      const runStart = r * k + (ky * kw + kx0) * ci;
      const dst = ((b * h + iy) * w + ix0 + kx0) * ci;
      for (let t = 0; t < runLength; t++) dx[dst + t] += cols[runStart + t];
    }
  }
}

/** About 512 KiB of patch rows per block: the block is packed while still in L2, and a big batch never needs its whole patch matrix at once. */
const BLOCK_FLOATS = 1 << 17;
/** At least one of the GEMM's packed row blocks (64 rows), even for very deep patches. */
const MIN_BLOCK_ROWS = 64;

/** How many patch-matrix rows of `k` columns to build at a time. */
export function patchBlockRows(k: number): number {
  return Math.max(MIN_BLOCK_ROWS, Math.floor(BLOCK_FLOATS / k));
}

/** A 1×1, stride-1, unpadded convolution: the patch matrix is x itself, so im2col is skipped. */
export function patchesAreInput(info: Conv2DInfo): boolean {
  const { filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info;
  const unpadded = padInfo.top === 0 && padInfo.left === 0 && info.outHeight === info.inHeight && info.outWidth === info.inWidth;
  return filterHeight === 1 && filterWidth === 1 && strideHeight === 1 && strideWidth === 1 && unpadded;
}

let scratch = new Float32Array(0);

/**
 * A reused buffer for one block of patch rows. Kernels run one at a time on the JS thread
 * and none holds the buffer across a call, so one buffer serves them all.
 */
export function patchScratch(size: number): Float32Array {
  if (scratch.length < size) scratch = new Float32Array(size);
  return scratch;
}

/**
 * One of the patch kernels over rows [m0, m0 + rows) of the convolution `info`: from `from`
 * to `to` (byte offsets in their memory), starting at the output pixel (b, oy, ox) of row m0.
 */
function patchLoop(loop: SimdPatches, info: Conv2DInfo, from: number, m0: number, rows: number, to: number): void {
  const { outHeight: oh, outWidth: ow } = info;
  loop(from, info.inHeight, info.inWidth, 4 * info.inChannels, oh, ow, info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left, Math.floor(m0 / (ow * oh)), Math.floor(m0 / ow) % oh, m0 % ow, rows, to);
}

/**
 * One convolution's patch rows, block after block: in WebAssembly where the runtime has it
 * (the image copied once into the patch kernels' own memory, each run of taps a native copy,
 * 3–10× the JavaScript loops at the zoo's channel counts), else by `im2col`. The same values.
 */
export class PatchRows {
  private readonly simd: SimdKernels | null;
  private readonly outAt: number;
  private readonly floats: number;

  constructor(
    private readonly x: Float32Array,
    private readonly info: Conv2DInfo,
    maxRows: number,
  ) {
    const k = info.filterHeight * info.filterWidth * info.inChannels;
    this.outAt = x.length;
    this.floats = x.length + maxRows * k;
    const simd = simdPatchKernels();
    const heap = simd?.heap(this.floats);
    heap?.set(x, 0);
    this.simd = heap ? simd : null;
  }

  /** Rows [m0, m0 + rows) into `out`. */
  write(m0: number, rows: number, out: Float32Array): void {
    const heap = this.simd?.heap(this.floats);
    if (!this.simd || !heap) return im2col(this.x, this.info, m0, rows, out);
    const k = this.info.filterHeight * this.info.filterWidth * this.info.inChannels;
    patchLoop(this.simd.im2colRows, this.info, 0, m0, rows, 4 * this.outAt);
    out.set(heap.subarray(this.outAt, this.outAt + rows * k));
  }
}

/**
 * One convolution's input gradient, summed from blocks of patch-row gradients: in
 * WebAssembly where the runtime has it (the gradient kept in the patch kernels' own memory
 * until the end, four floats an addition), else by `col2im`. Each entry is added in the same
 * order either way, so the same bits.
 */
export class PatchScatter {
  private readonly simd: SimdKernels | null;
  private readonly dx: Float32Array | null;
  private readonly floats: number;

  constructor(
    private readonly info: Conv2DInfo,
    private readonly dxLength: number,
    maxRows: number,
  ) {
    const k = info.filterHeight * info.filterWidth * info.inChannels;
    this.floats = dxLength + maxRows * k;
    const simd = simdPatchKernels();
    const heap = simd?.heap(this.floats);
    heap?.fill(0, 0, dxLength);
    this.simd = heap ? simd : null;
    this.dx = heap ? null : new Float32Array(dxLength);
  }

  /** Adds rows [m0, m0 + rows) of the patch-matrix gradient, `cols`. */
  add(cols: Float32Array, m0: number, rows: number): void {
    if (this.dx) return col2im(cols, this.info, m0, rows, this.dx);
    const heap = this.simd!.heap(this.floats)!;
    const k = this.info.filterHeight * this.info.filterWidth * this.info.inChannels;
    heap.set(cols.subarray(0, rows * k), this.dxLength);
    patchLoop(this.simd!.col2imRows, this.info, 4 * this.dxLength, m0, rows, 0);
  }

  /** The input gradient. */
  result(): Float32Array {
    return this.dx ?? this.simd!.heap(this.floats)!.slice(0, this.dxLength);
  }
}
