/**
 * How a curve is looked at: ROC on linear axes, DET on log axes. Thinning measures
 * shape in the space the curve is drawn in, or it would keep detail nobody sees and drop
 * the low-rate steps a log axis spreads out.
 */
export type CurveScale = 'linear' | 'log';

/** Rates of 0 have no logarithm; for measuring shape they sit a decade below what 1e5 pairs resolve. */
const LOG_FLOOR = 1e-6;

interface HeapEntry {
  area: number;
  index: number;
  stamp: number;
}

/** A min-heap by area (ties: lower index first, so the result does not depend on push order). */
class AreaHeap {
  private items: HeapEntry[] = [];

  get size(): number {
    return this.items.length;
  }

  private less(a: HeapEntry, b: HeapEntry): boolean {
    return a.area < b.area || (a.area === b.area && a.index < b.index);
  }

  push(entry: HeapEntry): void {
    const h = this.items;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  pop(): HeapEntry {
    const h = this.items;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Positions of the points to keep so that at most `max` remain, by Visvalingam–Whyatt:
 * the point whose triangle with its two neighbours has the smallest area (measured in
 * the drawn space) goes first, again and again. Points on a straight run (the flat and
 * upright stretches of a ROC staircase) have area 0 and go before anything that changes
 * the picture; corners, and the first false accepts on a DET's log axis, stay. The two
 * ends are always kept. Returns ascending positions.
 */
export function thinCurveIndices(xs: readonly number[], ys: readonly number[], max: number, scale: CurveScale = 'linear'): number[] {
  const n = xs.length;
  if (ys.length !== n) throw new Error(`a curve needs as many y as x values; got ${n} x and ${ys.length} y`);
  if (!Number.isInteger(max) || max < 2) throw new Error(`a thinned curve keeps at least its 2 ends; max is ${max}`);
  if (n <= max) return xs.map((_, i) => i);
  const project = scale === 'log' ? (v: number) => Math.log10(Math.max(LOG_FLOOR, v)) : (v: number) => v;
  const px = xs.map(project);
  const py = ys.map(project);
  const prev = xs.map((_, i) => i - 1);
  const next = xs.map((_, i) => i + 1);
  const stamp = new Array<number>(n).fill(0);
  const removed = new Array<boolean>(n).fill(false);
  const triangle = (i: number) => {
    const a = prev[i];
    const c = next[i];
    return Math.abs((px[a] - px[i]) * (py[c] - py[i]) - (px[c] - px[i]) * (py[a] - py[i])) / 2;
  };
  const heap = new AreaHeap();
  for (let i = 1; i < n - 1; i++) heap.push({ area: triangle(i), index: i, stamp: 0 });
  let remaining = n;
  while (remaining > max && heap.size > 0) {
    const { area, index, stamp: s } = heap.pop();
    if (removed[index] || s !== stamp[index]) continue;
    removed[index] = true;
    remaining--;
    const a = prev[index];
    const c = next[index];
    next[a] = c;
    prev[c] = a;
    // A neighbour never becomes cheaper to drop than the point just dropped, so detail
    // is removed from the least significant upward (the algorithm's usual safeguard).
    for (const j of [a, c]) {
      if (j === 0 || j === n - 1) continue;
      stamp[j]++;
      heap.push({ area: Math.max(area, triangle(j)), index: j, stamp: stamp[j] });
    }
  }
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (!removed[i]) kept.push(i);
  return kept;
}

/**
 * A curve stored as parallel arrays (x, y and thresholds), thinned to at most `max`
 * points by `thinCurveIndices` on its x/y keys; every array keeps the same points, so a
 * threshold still belongs to its rates. A curve within the limit is returned as is.
 */
export function thinCurve<T extends Record<string, number[]>>(curve: T, x: keyof T, y: keyof T, max: number, scale: CurveScale = 'linear'): T {
  const keep = thinCurveIndices(curve[x], curve[y], max, scale);
  if (keep.length === curve[x].length) return curve;
  return Object.fromEntries(Object.entries(curve).map(([k, values]) => [k, keep.map((i) => values[i])])) as T;
}
