import { beforeEach, describe, expect, it } from 'vitest';
import { gemmAccumulate } from './gemm.ts';
import type { StridedMatrix } from './gemm.ts';
import { setSimdKernels, simdKernels } from './wasm/simdKernels.ts';

/** The definition, in float64: C[i][j] + Σ_p A[i][p]·B[p][j]. */
function reference(m: number, n: number, k: number, a: StridedMatrix, b: StridedMatrix, c0: Float32Array): Float64Array {
  const out = Float64Array.from(c0);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a.data[a.offset + i * a.rowStride + p * a.colStride] * b.data[b.offset + p * b.rowStride + j * b.colStride];
      out[i * n + j] += s;
    }
  }
  return out;
}

function filled(size: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: size }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  });
}

function expectNear(actual: Float32Array, expected: Float64Array): void {
  let worst = 0;
  expected.forEach((e, i) => (worst = Math.max(worst, Math.abs(actual[i] - e))));
  expect(worst).toBeLessThan(1e-4);
}

/** A `rows`×`cols` matrix stored with the given strides in a buffer with room for them, with its values. */
function strided(rows: number, cols: number, rowStride: number, colStride: number, offset: number, seed: number): StridedMatrix {
  const size = offset + (rows - 1) * rowStride + (cols - 1) * colStride + 1;
  return { data: filled(size, seed), offset, rowStride, colStride };
}

// Every case on both inner kernels: WebAssembly SIMD (which Node has) and JavaScript.
describe.each([true, false])('gemmAccumulate (SIMD %s)', (simd) => {
  beforeEach(() => {
    const previous = setSimdKernels(simd);
    expect(simdKernels() !== null).toBe(simd);
    return () => void setSimdKernels(previous);
  });

  // Sizes straddle the 4×4 tile, the 64-row block and the 256-deep depth block.
  it.each([
    [1, 1, 1],
    [3, 5, 2],
    [4, 4, 4],
    [70, 7, 300],
    [65, 13, 257],
    [9, 33, 600],
  ])('adds A·B to C for %i×%i (depth %i)', (m, n, k) => {
    const a = { data: filled(m * k, 1), offset: 0, rowStride: k, colStride: 1 };
    const b = { data: filled(k * n, 2), offset: 0, rowStride: n, colStride: 1 };
    const c = filled(m * n, 3);
    const expected = reference(m, n, k, a, b, c);
    gemmAccumulate(m, n, k, a, b, { data: c, offset: 0, rowStride: n, colStride: 1 });
    expectNear(c, expected);
  });

  it('reads transposed operands and writes a block of a larger C through strides and offsets', () => {
    const [m, n, k] = [6, 5, 11];
    // A stored k×m (so A = storedᵀ), B stored n×k, C a 6×5 block at row 2, column 3 of a 10×9 buffer.
    const a = { data: filled(k * m + 4, 4), offset: 4, rowStride: 1, colStride: m };
    const b = { data: filled(n * k, 5), offset: 0, rowStride: 1, colStride: k };
    const big = filled(10 * 9, 6);
    const before = big.slice();
    const cView = { data: big, offset: 2 * 9 + 3, rowStride: 9, colStride: 1 };
    const block = Float32Array.from({ length: m * n }, (_, t) => before[cView.offset + Math.floor(t / n) * 9 + (t % n)]);
    const expected = reference(m, n, k, a, b, block);
    gemmAccumulate(m, n, k, a, b, cView);
    const got = Float32Array.from({ length: m * n }, (_, t) => big[cView.offset + Math.floor(t / n) * 9 + (t % n)]);
    expectNear(got, expected);
    // Nothing outside the block moved.
    big.forEach((v, t) => {
      const row = Math.floor(t / 9);
      const col = t % 9;
      if (row < 2 || row >= 2 + m || col < 3 || col >= 3 + n) expect(v).toBe(before[t]);
    });
  });

  // The SIMD path reads A by rows (contiguous rows), by columns (a transposed matrix) or
  // packed (anything else), B by rows or packed, and sums into C in place (contiguous rows
  // of whole 8-column tiles) or adds into it; chunks of K are 4,096 deep, or fewer when a
  // copied operand's rows are long. Each case takes one of those ways; the first two span two
  // row blocks of A (64 rows each).
  it.each([
    ['A rows with a row stride past k, C in place with a row stride past n', [70, 16, 37], [70, 37, 41, 1, 3], [37, 16, 16, 1, 0], [70, 16, 20, 1, 2]],
    ['A by columns, B by rows, C added (n not whole tiles)', [70, 10, 19], [70, 19, 1, 73, 1], [19, 10, 10, 1, 0], [70, 10, 10, 1, 0]],
    ['A and B packed (neither stride 1), C added through a column stride', [9, 8, 12], [9, 12, 24, 2, 0], [12, 8, 3, 36, 0], [9, 8, 2, 18, 0]],
    ['K in two chunks, C in place', [6, 8, 4300], [6, 4300, 4300, 1, 0], [4300, 8, 8, 1, 0], [6, 8, 8, 1, 0]],
    ['A by columns with rows too long for a whole chunk', [5, 3, 6], [5, 6, 1, 300_000, 0], [6, 3, 3, 1, 0], [5, 3, 3, 1, 0]],
    ['B by rows too long for a whole chunk', [7, 9, 5], [7, 5, 5, 1, 0], [5, 9, 400_000, 1, 0], [7, 9, 9, 1, 0]],
    ['A transposed with overlapping stored rows (packed: a copy would run into B)', [80, 8, 7], [80, 7, 1, 4, 0], [7, 8, 8, 1, 0], [80, 8, 8, 1, 0]],
  ] as const)('%s', (_, [m, n, k], [ar, ac, ars, acs, ao], [br, bc, brs, bcs, bo], [cr, cc, crs, ccs, co]) => {
    const a = strided(ar, ac, ars, acs, ao, 11);
    const b = strided(br, bc, brs, bcs, bo, 12);
    const c = strided(cr, cc, crs, ccs, co, 13);
    const before = c.data.slice();
    const block = Float32Array.from({ length: m * n }, (_, t) => before[c.offset + Math.floor(t / n) * c.rowStride + (t % n) * c.colStride]);
    const expected = reference(m, n, k, a, b, block);
    gemmAccumulate(m, n, k, a, b, c);
    const inBlock = new Set<number>();
    const got = Float32Array.from({ length: m * n }, (_, t) => {
      const at = c.offset + Math.floor(t / n) * c.rowStride + (t % n) * c.colStride;
      inBlock.add(at);
      return c.data[at];
    });
    expectNear(got, expected);
    c.data.forEach((v, t) => {
      if (!inBlock.has(t)) expect(v).toBe(before[t]);
    });
  });

  it('does nothing for an empty product', () => {
    const c = new Float32Array([1, 2]);
    gemmAccumulate(1, 2, 0, { data: new Float32Array(0), offset: 0, rowStride: 0, colStride: 1 }, { data: new Float32Array(0), offset: 0, rowStride: 2, colStride: 1 }, { data: c, offset: 0, rowStride: 2, colStride: 1 });
    expect(Array.from(c)).toEqual([1, 2]);
  });
});
