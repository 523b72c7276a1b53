import { MAX_CALLS_PER_THREAD, type PooledCall } from './wasm/cpuThreadPool.ts';
import { SIMD_NR } from './wasm/simdGemmBlock.ts';
import { POOLED, simdKernels, zeroHeap, type SimdKernels } from './wasm/simdKernels.ts';

/**
 * A matrix read through strides, so a transposed operand or a block of a larger buffer
 * costs nothing: element (i, j) is `data[offset + i·rowStride + j·colStride]`.
 */
export interface StridedMatrix {
  data: Float32Array;
  offset: number;
  rowStride: number;
  colStride: number;
}

/** Micro-tile: 4×4 accumulators are the most a JIT keeps in registers without spilling (measured here: 4×8 is ~25% slower). */
const MR = 4;
const NR = 4;
/** Depth of one packed block: a 4-row A panel and a 4-column B panel of this depth (4 KiB each) stay in L1. */
const KC = 256;
/** Rows of A packed at a time (64 KiB at KC deep): the block stays in L2 while every B panel streams past it. */
const MC = 64;
/** K blocks of B the SIMD path packs at once (4,096 rows deep): its sums are added into C once per chunk, and its memory stays bounded. */
const SIMD_CHUNK_BLOCKS = 16;
/** Floats of an operand the SIMD path copies at once (4 MiB): a chunk is shallower when A's or B's rows are long. */
const SIMD_REGION_FLOATS = 1 << 20;
/** Multiply-adds below which a product stays on one thread: waking the workers costs tens of microseconds. */
const MIN_THREADED_WORK = 1 << 19;
/** Multiply-adds a thread's share of a job should reach: waking a sleeping worker and the copies between jobs cost tens of microseconds. */
const MIN_SHARE_WORK = 1 << 22;

// Packing buffers are reused across calls: kernels run one at a time on the JS thread,
// and fresh buffers per call would put megabytes a step through the garbage collector.
let packedA = new Float32Array(MC * KC);
let packedB = new Float32Array(KC * NR);

/**
 * `C += A · B` for an `m×k` A and a `k×n` B, in float32 storage. Cache-blocked (Goto's loop
 * order: K blocks, then row blocks of A, then column panels of B) with a register-tiled
 * inner kernel; partial edge tiles are zero-padded in the packed copies and only their
 * valid part is written back. The inner kernel is WebAssembly SIMD where the runtime has it
 * (a 4×8 tile, float32 sums), else JavaScript (4×4, float64 sums inside each KC-deep block).
 */
export function gemmAccumulate(m: number, n: number, k: number, a: StridedMatrix, b: StridedMatrix, c: StridedMatrix): void {
  if (m === 0 || n === 0 || k === 0) return;
  const simd = simdKernels();
  if (simd && simdGemm(simd, m, n, k, a, b, c)) return;
  const nPanels = Math.ceil(n / NR);
  if (packedB.length < KC * nPanels * NR) packedB = new Float32Array(KC * nPanels * NR);
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    packB(b, p0, kc, n, NR, packedB, 0);
    for (let i0 = 0; i0 < m; i0 += MC) {
      const mc = Math.min(MC, m - i0);
      const mPanels = Math.ceil(mc / MR);
      if (packedA.length < mPanels * kc * MR) packedA = new Float32Array(mPanels * kc * MR);
      packA(a, i0, mc, p0, kc, packedA, 0);
      for (let jp = 0; jp < nPanels; jp++) {
        for (let ip = 0; ip < mPanels; ip++) {
          microKernel(kc, ip * kc * MR, jp * kc * NR, c, i0 + ip * MR, jp * NR, m, n);
        }
      }
    }
  }
}

/** How the SIMD path gives the kernel an operand: rows copied as they lie, or packed into panels. */
type Layout = 'rows' | 'columns' | 'packed';

/**
 * The same blocking with the WebAssembly kernel. With SIMD the arithmetic of a narrow layer
 * (each of A's values used only a few dozen times) costs no more than a JavaScript loop over
 * its operands, so the operands are copied into the kernel's memory as they lie (one native
 * copy per block) and read there through strides, rather than packed: A by rows when its
 * rows are contiguous (a convolution's patches, an output gradient) or by columns when it is
 * a transposed row-major matrix (the patches of a filter gradient), B by rows when they are
 * contiguous; only other layouts are packed. C's row block stays in the kernel's memory
 * across a chunk of K blocks (sums start from C's values, copied in, when C's rows are
 * contiguous and whole tiles wide; else from zero, added into C here). With worker threads
 * (`startCpuThreads`) and a product worth splitting, a block is several row blocks per
 * thread, on the shared memory: each row block is a unit the threads claim, posted once the
 * first units' operands are in place so the workers sum while this thread copies the rest.
 * Every element's sum is the same in the same order, so the result does not depend on the
 * threads. False, having done nothing, when the kernels' memory cannot hold the operands.
 */
function simdGemm(simd: SimdKernels, m: number, n: number, k: number, a: StridedMatrix, b: StridedMatrix, c: StridedMatrix): boolean {
  const nPanels = Math.ceil(n / SIMD_NR);
  const width = nPanels * SIMD_NR;
  // By columns only when A's stored rows do not overlap: their copy must stay inside A's region.
  const aLayout: Layout = a.colStride === 1 ? 'rows' : a.rowStride === 1 && a.colStride >= m ? 'columns' : 'packed';
  const bLayout: Layout = b.colStride === 1 ? 'rows' : 'packed';
  // Split only a product worth it, with more than one panel of rows; a packed A is packed
  // here, per block, in JavaScript: one thread.
  const shared = aLayout !== 'packed' && m > MR && m * n * k >= MIN_THREADED_WORK ? simd.threaded : null;
  const kernels = shared ?? simd;
  const pool = kernels.pool;
  const threads = pool ? Math.min(pool.threads, Math.ceil(m / MR)) : 1;
  let chunk = Math.min(k, SIMD_CHUNK_BLOCKS * KC);
  if (aLayout === 'columns') chunk = Math.max(1, Math.min(chunk, Math.floor(SIMD_REGION_FLOATS / a.colStride)));
  if (bLayout === 'rows') chunk = Math.max(1, Math.min(chunk, Math.floor(SIMD_REGION_FLOATS / b.rowStride)));
  const blockRows = threads * shareRows(threads, n, chunk);
  // Regions: A, B, then C's row block; tiles past an edge read into the padding after A and B.
  const aAt = 0;
  const bAt = aAt + (aLayout === 'rows' ? blockRows * chunk : aLayout === 'columns' ? chunk * a.colStride + MC : MC * KC);
  const cAt = bAt + (bLayout === 'rows' ? chunk * b.rowStride + width : chunk * width);
  const heap = kernels.heap(cAt + blockRows * width);
  if (!heap) return false;
  const job: GemmJob = {
    simd: kernels, heap, a, b, c, n, nPanels, width, aLayout, bLayout, aAt, bAt, cAt,
    cInPlace: c.colStride === 1 && n === width,
    q0: 0, q1: 0, i0: 0, mc: 0, mPanels: 0,
  };
  for (let q0 = 0; q0 < k; q0 += chunk) {
    const q1 = Math.min(k, q0 + chunk);
    const depth = q1 - q0;
    job.q0 = q0;
    job.q1 = q1;
    if (aLayout === 'columns') copySpan(a.data, a.offset + q0 * a.colStride, (depth - 1) * a.colStride + m, heap, aAt);
    if (bLayout === 'rows') copySpan(b.data, b.offset + q0 * b.rowStride, (depth - 1) * b.rowStride + n, heap, bAt);
    else for (let p0 = q0; p0 < q1; p0 += KC) packB(b, p0, Math.min(KC, q1 - p0), n, SIMD_NR, heap, bAt + (p0 - q0) * width);
    for (let i0 = 0; i0 < m; i0 += blockRows) {
      job.i0 = i0;
      job.mc = Math.min(blockRows, m - i0);
      job.mPanels = Math.ceil(job.mc / MR);
      const units = Math.ceil(job.mPanels / UNIT_PANELS);
      if (pool) {
        // The first units' operands in place, then posted: the workers sum them while this thread copies the rest's.
        const early = Math.max(1, Math.floor((units * (threads - 1)) / threads));
        copyUnitsIn(job, 0, early);
        const calls: PooledCall[][] = [];
        for (let u = 0; u < units; u++) {
          const list: PooledCall[] = [];
          unit(job, u, list);
          calls.push(list);
        }
        pool.post(calls, early);
        try {
          copyUnitsIn(job, early, units);
        } finally {
          pool.finish();
        }
      } else {
        copyUnitsIn(job, 0, units);
        for (let u = 0; u < units; u++) unit(job, u, null);
      }
      copyUnitsOut(job, 0, units);
    }
  }
  return true;
}

/**
 * One SIMD product and where it stands: the chunk of K [q0, q1) and the row block at i0
 * (mc rows, mPanels panels) being summed. Module-level helpers take it rather than being
 * closures over it: a closure made per block costs more than a small block's arithmetic.
 */
interface GemmJob {
  simd: SimdKernels;
  heap: Float32Array;
  a: StridedMatrix;
  b: StridedMatrix;
  c: StridedMatrix;
  n: number;
  nPanels: number;
  width: number;
  aLayout: Layout;
  bLayout: Layout;
  aAt: number;
  bAt: number;
  cAt: number;
  cInPlace: boolean;
  q0: number;
  q1: number;
  i0: number;
  mc: number;
  mPanels: number;
}

/** A unit of work is MC rows of the block (16 panels) through the chunk's K blocks, in order: one thread's. */
const UNIT_PANELS = MC / MR;

/**
 * Unit u of the block: each K block's kernel call, made now (`into` null: this thread, no
 * workers) or listed into `into` to be posted.
 */
function unit(job: GemmJob, u: number, into: PooledCall[] | null): void {
  const { simd, heap, a, b, nPanels, width, aLayout, bLayout, aAt, bAt, cAt, q0, q1, i0 } = job;
  const depth = q1 - q0;
  const f0 = u * UNIT_PANELS;
  const panels = Math.min(UNIT_PANELS, job.mPanels - f0);
  const cFirst = 4 * (cAt + f0 * MR * width);
  for (let p0 = q0; p0 < q1; p0 += KC) {
    const kc = Math.min(KC, q1 - p0);
    const [bBlock, bPanel, bDepth] = bLayout === 'rows' ? [bAt + (p0 - q0) * b.rowStride, SIMD_NR, b.rowStride] : [bAt + (p0 - q0) * width, kc * SIMD_NR, SIMD_NR];
    let aBlock: [number, number, number, number];
    if (aLayout === 'rows') aBlock = [aAt + p0 - q0, MR * depth, depth, 1];
    else if (aLayout === 'columns') aBlock = [aAt + (p0 - q0) * a.colStride + i0, MR, 1, a.colStride];
    else {
      packA(a, i0, job.mc, p0, kc, heap, aAt);
      aBlock = [aAt, kc * MR, 1, MR];
    }
    const aFirst = 4 * (aBlock[0] + f0 * aBlock[1]);
    // Called directly, not spread from an array: V8 calls WebAssembly fastest with its arguments listed.
    if (!into) simd.gemmBlock(kc, panels, nPanels, aFirst, 4 * aBlock[1], 4 * aBlock[2], 4 * aBlock[3], 4 * bBlock, 4 * bPanel, 4 * bDepth, cFirst, 4 * width);
    else into.push({ fn: POOLED.gemmBlock, args: [kc, panels, nPanels, aFirst, 4 * aBlock[1], 4 * aBlock[2], 4 * aBlock[3], 4 * bBlock, 4 * bPanel, 4 * bDepth, cFirst, 4 * width] });
  }
}

/** Units [u0, u1)'s rows of A (when read by rows) and of C (or zeros) into the kernels' memory. */
function copyUnitsIn(job: GemmJob, u0: number, u1: number): void {
  const { heap, a, c, n, width, aAt, cAt, q0, q1, i0 } = job;
  const r0 = Math.min(job.mc, u0 * MC);
  const r1 = Math.min(job.mc, u1 * MC);
  if (r1 <= r0) return;
  if (job.cInPlace) copyRows(c.data, c.offset + (i0 + r0) * c.rowStride, c.rowStride, r1 - r0, n, heap, cAt + r0 * width);
  else zeroHeap(heap, cAt + r0 * width, cAt + Math.min(job.mPanels, u1 * UNIT_PANELS) * MR * width);
  if (job.aLayout === 'rows') copyRows(a.data, a.offset + (i0 + r0) * a.rowStride + q0, a.rowStride, r1 - r0, q1 - q0, heap, aAt + r0 * (q1 - q0));
}

/** Units [u0, u1)'s sums back into C. */
function copyUnitsOut(job: GemmJob, u0: number, u1: number): void {
  const { heap, c, n, width, cAt, i0 } = job;
  const r0 = Math.min(job.mc, u0 * MC);
  const r1 = Math.min(job.mc, u1 * MC);
  if (job.cInPlace) copyRowsBack(heap, cAt + r0 * width, r1 - r0, n, c.data, c.offset + (i0 + r0) * c.rowStride, c.rowStride);
  else addRows(heap, cAt + r0 * width, width, r1 - r0, n, c, i0 + r0);
}

/**
 * Rows of A per thread in a block: one row block (MC) alone; with workers, enough row blocks
 * that a job is worth waking them for, within the calls a job can carry and the floats a
 * block of A's rows may take in the kernels' memory.
 */
function shareRows(threads: number, n: number, depth: number): number {
  if (threads === 1) return MC;
  const worthIt = Math.ceil(MIN_SHARE_WORK / (n * depth) / MC);
  const callable = Math.floor(MAX_CALLS_PER_THREAD / Math.ceil(depth / KC));
  const fits = Math.floor(SIMD_REGION_FLOATS / (threads * MC * depth));
  return MC * Math.max(1, Math.min(worthIt, callable, fits));
}

/** `count` values of `data` from `start` into `out` at `at`, as far as `data` reaches (a tile past the edge reads the rest as it finds it). */
function copySpan(data: Float32Array, start: number, count: number, out: Float32Array, at: number): void {
  out.set(data.subarray(start, Math.min(data.length, start + count)), at);
}

/** `rows` rows of `length` values, `stride` apart in `data` from `start`, into `out` from `at`, packed together. */
function copyRows(data: Float32Array, start: number, stride: number, rows: number, length: number, out: Float32Array, at: number): void {
  if (stride === length) {
    out.set(data.subarray(start, start + rows * length), at);
    return;
  }
  for (let i = 0; i < rows; i++) out.set(data.subarray(start + i * stride, start + i * stride + length), at + i * length);
}

/** The inverse of `copyRows`. */
function copyRowsBack(heap: Float32Array, at: number, rows: number, length: number, data: Float32Array, start: number, stride: number): void {
  if (stride === length) {
    data.set(heap.subarray(at, at + rows * length), start);
    return;
  }
  for (let i = 0; i < rows; i++) data.set(heap.subarray(at + i * length, at + (i + 1) * length), start + i * stride);
}

/** Rows [i0, i0+rows) of C += the `rows`×`n` block at `at` (rows `width` apart). */
function addRows(heap: Float32Array, at: number, width: number, rows: number, n: number, c: StridedMatrix, i0: number): void {
  const { data, offset, rowStride, colStride } = c;
  for (let i = 0; i < rows; i++) {
    let src = at + i * width;
    let dst = offset + (i0 + i) * rowStride;
    for (let j = 0; j < n; j++) {
      data[dst] += heap[src++];
      dst += colStride;
    }
  }
}

/** B[p0 .. p0+kc) × all columns into `out` from `at`, as `nr`-column panels, each depth-major: `[panel][p][0..nr)`. */
function packB(b: StridedMatrix, p0: number, kc: number, n: number, nr: number, out: Float32Array, at: number): void {
  const { data, offset, rowStride, colStride } = b;
  const nPanels = Math.ceil(n / nr);
  for (let jp = 0; jp < nPanels; jp++) {
    const j0 = jp * nr;
    const cols = Math.min(nr, n - j0);
    let o = at + jp * kc * nr;
    for (let p = 0; p < kc; p++) {
      const src = offset + (p0 + p) * rowStride + j0 * colStride;
      for (let jj = 0; jj < nr; jj++) out[o + jj] = jj < cols ? data[src + jj * colStride] : 0;
      o += nr;
    }
  }
}

/** A[i0 .. i0+mc) × [p0 .. p0+kc) into `out` from `at`, as 4-row panels, each depth-major: `[panel][p][0..3]`. */
function packA(a: StridedMatrix, i0: number, mc: number, p0: number, kc: number, out: Float32Array, at: number): void {
  const { data, offset, rowStride, colStride } = a;
  for (let ip = 0; ip * MR < mc; ip++) {
    const rows = Math.min(MR, mc - ip * MR);
    let src = offset + (i0 + ip * MR) * rowStride + p0 * colStride;
    let o = at + ip * kc * MR;
    // Depth outer, the panel's 4 rows inner: 4 short sequential streams for a row-major A,
    // one contiguous read of 4 for a transposed one.
    if (rows === MR) {
      const r1 = rowStride, r2 = 2 * rowStride, r3 = 3 * rowStride;
      for (let p = 0; p < kc; p++) {
        out[o] = data[src];
        out[o + 1] = data[src + r1];
        out[o + 2] = data[src + r2];
        out[o + 3] = data[src + r3];
        src += colStride;
        o += MR;
      }
      continue;
    }
    for (let p = 0; p < kc; p++) {
      for (let ii = 0; ii < MR; ii++) out[o + ii] = ii < rows ? data[src + ii * rowStride] : 0;
      src += colStride;
      o += MR;
    }
  }
}

function microKernel(kc: number, aStart: number, bStart: number, c: StridedMatrix, i0: number, j0: number, m: number, n: number): void {
  const ap = packedA;
  const bp = packedB;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  let pa = aStart;
  let pb = bStart;
  for (let p = 0; p < kc; p++) {
    const a0 = ap[pa], a1 = ap[pa + 1], a2 = ap[pa + 2], a3 = ap[pa + 3];
    const b0 = bp[pb], b1 = bp[pb + 1], b2 = bp[pb + 2], b3 = bp[pb + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    pa += MR;
    pb += NR;
  }
  const { data, offset, rowStride: rs, colStride: cs } = c;
  const o = offset + i0 * rs + j0 * cs;
  if (i0 + MR <= m && j0 + NR <= n) {
    data[o] += c00; data[o + cs] += c01; data[o + 2 * cs] += c02; data[o + 3 * cs] += c03;
    const o1 = o + rs;
    data[o1] += c10; data[o1 + cs] += c11; data[o1 + 2 * cs] += c12; data[o1 + 3 * cs] += c13;
    const o2 = o1 + rs;
    data[o2] += c20; data[o2 + cs] += c21; data[o2 + 2 * cs] += c22; data[o2 + 3 * cs] += c23;
    const o3 = o2 + rs;
    data[o3] += c30; data[o3 + cs] += c31; data[o3 + 2 * cs] += c32; data[o3 + 3 * cs] += c33;
    return;
  }
  const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  const rows = Math.min(MR, m - i0);
  const cols = Math.min(NR, n - j0);
  for (let ii = 0; ii < rows; ii++) {
    for (let jj = 0; jj < cols; jj++) data[o + ii * rs + jj * cs] += tile[ii * NR + jj];
  }
}
