import { describe, expect, it } from 'vitest';
import { nearestTickIndex } from './nearestTickIndex.ts';

const ticks = (...values: number[]) => values.map((value) => ({ value }));

describe('nearestTickIndex', () => {
  it('finds the tick nearest the hovered x, given as a number or as a label string', () => {
    expect(nearestTickIndex(ticks(1, 4, 9, 16), 10)).toBe(2);
    expect(nearestTickIndex(ticks(1, 4, 9, 16), '15')).toBe(3);
    expect(nearestTickIndex(ticks(1, 4, 9, 16), 0)).toBe(0);
  });

  it('answers -1 when there is nothing to match', () => {
    expect(nearestTickIndex(ticks(1, 2), undefined)).toBe(-1);
    expect(nearestTickIndex(ticks(1, 2), '')).toBe(-1);
    expect(nearestTickIndex([], 3)).toBe(-1);
  });
});
