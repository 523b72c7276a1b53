import { describe, expect, it } from 'vitest';
import { gridWindow, type GridWindowInput } from './gridWindow.ts';

// Expected values are worked by hand from the layout rule: columns = floor((W + gap) / (cell + gap)),
// rows are (cell + gap) apart, the last row has no gap below it.
const base: GridWindowInput = {
  itemCount: 10_000,
  viewportWidth: 1000,
  viewportHeight: 600,
  scrollTop: 0,
  cellWidth: 120,
  cellHeight: 120,
  gap: 8,
  overscanRows: 2,
};

describe('gridWindow', () => {
  it('renders only the rows in view plus the overscan, for 10,000 items', () => {
    // columns = floor(1008 / 128) = 7; rows = ceil(10000 / 7) = 1429; height = 1429·128 − 8.
    // scrollTop 12800 → first visible row 100; bottom 13400 / 128 = 104.7 → rows up to 105; ±2 overscan.
    const w = gridWindow({ ...base, scrollTop: 12_800 });
    expect(w).toEqual({
      columns: 7,
      rowCount: 1429,
      totalHeight: 182_904,
      firstRow: 98,
      endRow: 107,
      startIndex: 686,
      endIndex: 749,
      offsetY: 12_544,
    });
    expect(w.endIndex - w.startIndex).toBeLessThan(100);
  });

  it('starts at row 0 with no overscan above the top', () => {
    // bottom 600 / 128 = 4.7 → rows [0, 5) visible, + 2 overscan → [0, 7).
    const w = gridWindow(base);
    expect([w.firstRow, w.endRow, w.startIndex, w.endIndex, w.offsetY]).toEqual([0, 7, 0, 49, 0]);
  });

  it('clamps a scroll past the end (a list that just shrank) to the last rows', () => {
    // 20 items in 7 columns: 3 rows, height 3·128 − 8 = 376 < viewport, so everything shows.
    const w = gridWindow({ ...base, itemCount: 20, scrollTop: 50_000 });
    expect([w.rowCount, w.totalHeight, w.firstRow, w.endRow, w.startIndex, w.endIndex]).toEqual([3, 376, 0, 3, 0, 20]);
  });

  it('keeps one column when the container is narrower than a cell', () => {
    const w = gridWindow({ ...base, itemCount: 3, viewportWidth: 50 });
    expect([w.columns, w.rowCount, w.endIndex]).toEqual([1, 3, 3]);
  });

  it('handles an empty grid', () => {
    expect(gridWindow({ ...base, itemCount: 0 })).toMatchObject({ rowCount: 0, totalHeight: 0, startIndex: 0, endIndex: 0 });
  });

  it('rejects a cell without size', () => {
    expect(() => gridWindow({ ...base, cellWidth: 0 })).toThrow(/positive size, got 0 × 120/);
  });
});
