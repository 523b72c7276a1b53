import { describe, expect, it } from 'vitest';
import { gemmAccumulate } from './gemm.ts';
import type { StridedMatrix } from './gemm.ts';

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

describe('gemmAccumulate', () => {
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

  it('does nothing for an empty product', () => {
    const c = new Float32Array([1, 2]);
    gemmAccumulate(1, 2, 0, { data: new Float32Array(0), offset: 0, rowStride: 0, colStride: 1 }, { data: new Float32Array(0), offset: 0, rowStride: 2, colStride: 1 }, { data: c, offset: 0, rowStride: 2, colStride: 1 });
    expect(Array.from(c)).toEqual([1, 2]);
  });
});
