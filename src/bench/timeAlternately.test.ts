import { describe, expect, it } from 'vitest';
import { timeAlternately } from './timeAlternately.ts';

describe('timeAlternately', () => {
  it('runs A, B, B, A and pools each side as total samples over total time', async () => {
    const order: string[] = [];
    const rates = { a: [100, 50], b: [30, 60] };
    const run = (side: 'a' | 'b') => async () => {
      order.push(side);
      return rates[side][order.filter((s) => s === side).length - 1];
    };
    const result = await timeAlternately(run('a'), run('b'));
    expect(order).toEqual(['a', 'b', 'b', 'a']);
    // Two equal runs at 100 and 50 samples/s take 1/100 + 1/50 s per sample pair: 66.67 samples/s.
    expect(result.first).toBeCloseTo(200 / 3, 10);
    expect(result.second).toBeCloseTo(40, 10);
  });
});
