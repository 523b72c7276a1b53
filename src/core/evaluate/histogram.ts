/**
 * Counts of `values` in the bins between consecutive `edges` (ascending): bin i holds
 * edges[i] <= v < edges[i + 1], the last bin also holds v == its upper edge, as numpy's
 * histogram. Values outside the edges are clamped into the end bins, so every value is
 * counted (cosine similarities can stray past ±1 by rounding).
 */
export function histogram(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const bins = edges.length - 1;
  if (bins < 1) throw new Error(`a histogram needs at least 2 edges, got ${edges.length}`);
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new Error(`value ${i} is ${v}: a histogram counts finite numbers only`);
    let lo = 0;
    let hi = bins - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (v >= edges[mid]) lo = mid;
      else hi = mid - 1;
    }
    counts[lo]++;
  }
  return counts;
}
