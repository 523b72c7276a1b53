import { describe, expect, it } from 'vitest';
import { wilsonReference } from './fixtures/intervalData.ts';
import { wilsonInterval } from './wilsonInterval.ts';

// reference: test/reference/metrics_intervals.py, scipy 1.10.1 binomtest(k, n).proportion_ci(method='wilson').
describe('wilsonInterval', () => {
  it.each(wilsonReference)('matches scipy for $k of $n', ({ k, n, low, high }) => {
    const ci = wilsonInterval(k, n);
    expect(ci.low).toBeCloseTo(low, 12);
    expect(ci.high).toBeCloseTo(high, 12);
  });

  it('holds the measured proportion and narrows as the sample grows', () => {
    const small = wilsonInterval(2, 6);
    const large = wilsonInterval(200, 600);
    for (const ci of [small, large]) {
      expect(ci.low).toBeLessThanOrEqual(1 / 3);
      expect(ci.high).toBeGreaterThanOrEqual(1 / 3);
    }
    expect(large.high - large.low).toBeLessThan((small.high - small.low) / 5);
  });

  it('refuses what is not a proportion', () => {
    expect(() => wilsonInterval(0, 0)).toThrow(/at least one trial/);
    expect(() => wilsonInterval(4, 3)).toThrow(/in \[0, 3\]/);
    expect(() => wilsonInterval(1.5, 3)).toThrow(/integer/);
    expect(() => wilsonInterval(-1, 3)).toThrow(/integer/);
  });
});
