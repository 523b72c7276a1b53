/**
 * The brush's row indices for a zoom kept as an x range. The zoom is kept in x, not in rows,
 * because a live chart's rows change with every redraw (new points, a new decimation): the
 * same steps stay in view while the run goes on. No zoom, or one that no row falls in,
 * spans every row.
 */
export function brushIndices(xs: readonly number[], zoom: readonly [number, number] | undefined): { startIndex: number; endIndex: number } {
  const all = { startIndex: 0, endIndex: Math.max(0, xs.length - 1) };
  if (!zoom) return all;
  const startIndex = xs.findIndex((x) => x >= zoom[0]);
  let endIndex = xs.length - 1;
  while (endIndex >= 0 && xs[endIndex] > zoom[1]) endIndex--;
  return startIndex < 0 || endIndex < startIndex ? all : { startIndex, endIndex };
}
