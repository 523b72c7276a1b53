import { describe, expect, it } from 'vitest';
import { brushIndices } from './brushIndices.ts';

describe('brushIndices', () => {
  it('spans every row without a zoom', () => {
    expect(brushIndices([1, 2, 3, 4], undefined)).toEqual({ startIndex: 0, endIndex: 3 });
  });

  it('keeps the rows inside the zoomed x range, wherever they sit after new points came', () => {
    expect(brushIndices([1, 2, 3, 4, 5], [2, 4])).toEqual({ startIndex: 1, endIndex: 3 });
    expect(brushIndices([1, 1.5, 2, 2.5, 3, 3.5, 4, 9], [2, 4])).toEqual({ startIndex: 2, endIndex: 6 });
  });

  it('spans every row when no row falls in the zoom', () => {
    expect(brushIndices([1, 2, 10], [4, 6])).toEqual({ startIndex: 0, endIndex: 2 });
  });
});
