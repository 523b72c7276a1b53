import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { FUSED_EPILOGUE_CASES, relativeError, seeded, stockAndFast } from '../kernelParity.testkit.ts';

const TOLERANCE = 1e-4;
const inputs: tf.Tensor[] = [];
const keep = <T extends tf.Tensor>(t: T): T => (inputs.push(t), t);
afterAll(() => tf.dispose(inputs));

interface MatMulCase {
  batchA: number;
  batchB: number;
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
}

// Every transpose pair, batches equal and broadcast from 1 on either side, sizes off the
// GEMM's 4×8 tile and past its 256-deep block.
const GRID: MatMulCase[] = [];
let i = 0;
for (const transposeA of [false, true]) {
  for (const transposeB of [false, true]) {
    for (const [batchA, batchB] of [[1, 1], [3, 3], [1, 3], [2, 1]]) {
      GRID.push({ batchA, batchB, m: 1 + ((i * 5) % 9), n: 1 + ((i * 7) % 11), k: 1 + ((i * 13) % 40), transposeA, transposeB });
      i++;
    }
  }
}
GRID.push({ batchA: 2, batchB: 2, m: 70, n: 19, k: 300, transposeA: false, transposeB: false });
GRID.push({ batchA: 1, batchB: 1, m: 33, n: 16, k: 513, transposeA: true, transposeB: true });

function operands(c: MatMulCase, seed: number): { a: tf.Tensor; b: tf.Tensor } {
  const a = keep(seeded(c.transposeA ? [c.batchA, c.k, c.m] : [c.batchA, c.m, c.k], seed));
  const b = keep(seeded(c.transposeB ? [c.batchB, c.n, c.k] : [c.batchB, c.k, c.n], seed + 1));
  return { a, b };
}

const label = (c: MatMulCase) => `[${c.batchA}|${c.batchB}] ${c.m}×${c.k} · ${c.k}×${c.n}${c.transposeA ? ' Aᵀ' : ''}${c.transposeB ? ' Bᵀ' : ''}`;

describe('BatchMatMul on the studio’s GEMM', () => {
  it.each(GRID.map((c, j) => [label(c), c, j] as const))('%s matches stock', (_, c, j) => {
    const { a, b } = operands(c, 10 * j);
    const { stock, fast, shape } = stockAndFast(() => tf.engine().runKernel('BatchMatMul', { a, b }, { transposeA: c.transposeA, transposeB: c.transposeB }) as tf.Tensor);
    expect(shape).toEqual([Math.max(c.batchA, c.batchB), c.m, c.n]);
    expect(relativeError(fast, stock)).toBeLessThan(TOLERANCE);
  });

  it('is the studio’s product, not stock’s run again: float32 sums differ from stock’s float64 ones in the last bits', () => {
    const { a, b } = operands(GRID[GRID.length - 2], 7);
    const { stock, fast } = stockAndFast(() => tf.engine().runKernel('BatchMatMul', { a, b }, { transposeA: false, transposeB: false }) as tf.Tensor);
    expect(fast.some((v, t) => v !== stock[t])).toBe(true);
  });

  it('leaves int32 products to stock', () => {
    const a = keep(tf.tensor3d([1, 2, 3, 4], [1, 2, 2], 'int32'));
    const b = keep(tf.tensor3d([5, 6, 7, 8], [1, 2, 2], 'int32'));
    const { stock, fast } = stockAndFast(() => tf.engine().runKernel('BatchMatMul', { a, b }, { transposeA: false, transposeB: false }) as tf.Tensor);
    expect(Array.from(fast)).toEqual(Array.from(stock));
    expect(Array.from(fast)).toEqual([19, 22, 43, 50]);
  });
});

describe('_FusedMatMul (a dense layer)', () => {
  const a = keep(seeded([1, 6, 21], 1));
  const b = keep(seeded([1, 21, 5], 2));
  const bias = keep(seeded([5], 3));
  const fused = (activation: string, withBias: boolean, extra: Record<string, tf.Tensor> = {}) => () =>
    tf.engine().runKernel('_FusedMatMul', { a, b, ...(withBias ? { bias } : {}), ...extra }, { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0.2 }) as tf.Tensor;

  it.each(FUSED_EPILOGUE_CASES)('%s activation, bias %s, matches stock', (activation, withBias) => {
    const { stock, fast } = stockAndFast(fused(activation, withBias));
    expect(relativeError(fast, stock)).toBeLessThan(TOLERANCE);
  });

  it.each(['elu', 'sigmoid'])('hands %s to the stock kernel and still gives its result', (activation) => {
    const { stock, fast } = stockAndFast(fused(activation, true));
    expect(Array.from(fast)).toEqual(Array.from(stock));
  });

  it('hands prelu to the stock kernel and still gives its result', () => {
    const { stock, fast } = stockAndFast(fused('prelu', true, { preluActivationWeights: keep(tf.fill([5], 0.1)) }));
    expect(Array.from(fast)).toEqual(Array.from(stock));
  });
});
