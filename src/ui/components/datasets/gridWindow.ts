export interface GridWindowInput {
  itemCount: number;
  /** Inner width available for cells (the scroll container's clientWidth). */
  viewportWidth: number;
  viewportHeight: number;
  scrollTop: number;
  cellWidth: number;
  cellHeight: number;
  /** Space between cells, horizontally and vertically. */
  gap: number;
  /** Rows rendered beyond each edge of the viewport, so a fast scroll does not show blanks. */
  overscanRows: number;
}

export interface GridWindow {
  columns: number;
  rowCount: number;
  /** Height of the whole grid, so the scrollbar spans every row though few are rendered. */
  totalHeight: number;
  /** Rows [firstRow, endRow) are rendered. */
  firstRow: number;
  endRow: number;
  /** Items [startIndex, endIndex) are rendered. */
  startIndex: number;
  endIndex: number;
  /** Distance from the top of the grid to the first rendered row. */
  offsetY: number;
}

/**
 * Which rows of a fixed-cell grid to render for a scroll position. Rows are
 * (cellHeight + gap) apart; the last row has no gap below it. At least one column, so
 * a container narrower than one cell still shows its items.
 */
export function gridWindow(input: GridWindowInput): GridWindow {
  const { itemCount, viewportWidth, viewportHeight, cellWidth, cellHeight, gap, overscanRows } = input;
  if (!(cellWidth > 0) || !(cellHeight > 0)) throw new Error(`grid cells need a positive size, got ${cellWidth} × ${cellHeight}`);
  const columns = Math.max(1, Math.floor((Math.max(0, viewportWidth) + gap) / (cellWidth + gap)));
  const rowCount = Math.ceil(Math.max(0, itemCount) / columns);
  const pitch = cellHeight + gap;
  const totalHeight = rowCount === 0 ? 0 : rowCount * pitch - gap;
  const maxScroll = Math.max(0, totalHeight - viewportHeight);
  const scrollTop = Math.min(Math.max(0, input.scrollTop), maxScroll);
  const firstVisible = Math.floor(scrollTop / pitch);
  const lastVisible = Math.ceil((scrollTop + Math.max(0, viewportHeight)) / pitch);
  const firstRow = Math.min(rowCount, Math.max(0, firstVisible - overscanRows));
  const endRow = Math.min(rowCount, lastVisible + overscanRows);
  return {
    columns,
    rowCount,
    totalHeight,
    firstRow,
    endRow: Math.max(firstRow, endRow),
    startIndex: firstRow * columns,
    endIndex: Math.min(itemCount, Math.max(firstRow, endRow) * columns),
    offsetY: firstRow * pitch,
  };
}
