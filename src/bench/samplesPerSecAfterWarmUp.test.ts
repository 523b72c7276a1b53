import { describe, expect, it } from 'vitest';
import { samplesPerSecAfterWarmUp } from './samplesPerSecAfterWarmUp.ts';

describe('samplesPerSecAfterWarmUp', () => {
  it('leaves the first epoch out and divides the rest’s samples by their seconds', () => {
    // A 9 s warm-up, then 2 s and 3 s for 100 samples each: 200 samples in 5 s.
    expect(samplesPerSecAfterWarmUp([9, 2, 3], 100)).toBeCloseTo(40, 12);
  });

  it('refuses a run with nothing timed after the warm-up', () => {
    expect(() => samplesPerSecAfterWarmUp([4], 100)).toThrow('no epoch was timed after the warm-up');
  });
});
