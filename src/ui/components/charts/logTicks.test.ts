import { describe, expect, it } from 'vitest';
import { logTicks } from './logTicks.ts';

describe('logTicks', () => {
  it('gives decades over a wide range and 1-2-5 steps over a narrow one', () => {
    expect(logTicks(1e-4, 10)).toEqual([1e-4, 1e-3, 0.01, 0.1, 1, 10]);
    expect(logTicks(0.15, 3)).toEqual([0.2, 0.5, 1, 2]);
  });

  it('keeps every second or third decade when there are more than fit', () => {
    expect(logTicks(1e-7, 10, 6)).toEqual([1e-7, 1e-5, 1e-3, 0.1, 10]);
  });

  it('falls back to the range’s ends when no round value lies inside, and gives nothing for a range a log axis cannot show', () => {
    expect(logTicks(0.31, 0.42)).toEqual([0.31, 0.42]);
    expect(logTicks(0, 1)).toEqual([]);
  });
});
