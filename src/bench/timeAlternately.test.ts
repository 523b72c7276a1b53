import { describe, expect, it } from 'vitest';
import { timeAlternately } from './timeAlternately.ts';

describe('timeAlternately', () => {
  /** Contenders that record when they ran and return their next scripted rate. */
  function contenders(rates: Record<string, number[]>) {
    const order: string[] = [];
    const run = (side: string) => async () => {
      order.push(side);
      return rates[side]![order.filter((s) => s === side).length - 1]!;
    };
    return { order, runs: Object.keys(rates).map(run) };
  }

  it('runs A, B, B, A and pools each side as total samples over total time', async () => {
    const { order, runs } = contenders({ a: [100, 50], b: [30, 60] });
    const result = await timeAlternately(...runs);
    expect(order).toEqual(['a', 'b', 'b', 'a']);
    // Two equal runs at 100 and 50 samples/s take 1/100 + 1/50 s per sample pair: 66.67 samples/s.
    expect(result).toHaveLength(2);
    expect(result[0]).toBeCloseTo(200 / 3, 10);
    expect(result[1]).toBeCloseTo(40, 10);
  });

  it('mirrors any number of contenders, each pooled with its own second run', async () => {
    const { order, runs } = contenders({ a: [10, 10], b: [20, 5], c: [8, 8] });
    const result = await timeAlternately(...runs);
    expect(order).toEqual(['a', 'b', 'c', 'c', 'b', 'a']);
    expect(result[0]).toBeCloseTo(10, 10);
    expect(result[1]).toBeCloseTo(8, 10);
    expect(result[2]).toBeCloseTo(8, 10);
  });
});
