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

// Packing buffers are reused across calls: kernels run one at a time on the JS thread,
// and fresh buffers per call would put megabytes a step through the garbage collector.
let packedA = new Float32Array(MC * KC);
let packedB = new Float32Array(KC * NR);

/**
 * `C += A · B` for an `m×k` A and a `k×n` B, in float32 storage with float64 sums inside
 * each KC-deep block. Cache-blocked (Goto's loop order: K blocks, then row blocks of A,
 * then 4-column panels of B) with a 4×4 register-tiled inner kernel; partial edge tiles
 * are zero-padded in the packed copies and only their valid part is written back.
 */
export function gemmAccumulate(m: number, n: number, k: number, a: StridedMatrix, b: StridedMatrix, c: StridedMatrix): void {
  if (m === 0 || n === 0 || k === 0) return;
  const nPanels = Math.ceil(n / NR);
  if (packedB.length < KC * nPanels * NR) packedB = new Float32Array(KC * nPanels * NR);
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    packB(b, p0, kc, n, nPanels);
    for (let i0 = 0; i0 < m; i0 += MC) {
      const mc = Math.min(MC, m - i0);
      packA(a, i0, mc, p0, kc);
      const mPanels = Math.ceil(mc / MR);
      for (let jp = 0; jp < nPanels; jp++) {
        for (let ip = 0; ip < mPanels; ip++) {
          microKernel(kc, ip * kc * MR, jp * kc * NR, c, i0 + ip * MR, jp * NR, m, n);
        }
      }
    }
  }
}

/** B[p0 .. p0+kc) × all columns, as 4-column panels, each depth-major: `[panel][p][0..3]`. */
function packB(b: StridedMatrix, p0: number, kc: number, n: number, nPanels: number): void {
  const { data, offset, rowStride, colStride } = b;
  const out = packedB;
  for (let jp = 0; jp < nPanels; jp++) {
    const j0 = jp * NR;
    const cols = Math.min(NR, n - j0);
    let o = jp * kc * NR;
    for (let p = 0; p < kc; p++) {
      const src = offset + (p0 + p) * rowStride + j0 * colStride;
      for (let jj = 0; jj < NR; jj++) out[o + jj] = jj < cols ? data[src + jj * colStride] : 0;
      o += NR;
    }
  }
}

/** A[i0 .. i0+mc) × [p0 .. p0+kc), as 4-row panels, each depth-major: `[panel][p][0..3]`. */
function packA(a: StridedMatrix, i0: number, mc: number, p0: number, kc: number): void {
  const { data, offset, rowStride, colStride } = a;
  const need = Math.ceil(mc / MR) * kc * MR;
  if (packedA.length < need) packedA = new Float32Array(need);
  const out = packedA;
  for (let ip = 0; ip * MR < mc; ip++) {
    const rows = Math.min(MR, mc - ip * MR);
    let src = offset + (i0 + ip * MR) * rowStride + p0 * colStride;
    let o = ip * kc * MR;
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
