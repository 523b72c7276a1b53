/**
 * At most `max` points picked evenly from `points`, always keeping the first and the last
 * (the newest value is the one people watch). Charts draw this so a long run costs the
 * same to render as a short one.
 */
export function downsampleSeries<T>(points: readonly T[], max: number): T[] {
  if (!Number.isInteger(max) || max < 2) throw new Error(`downsampleSeries: max must be an integer >= 2, got ${max}`);
  const n = points.length;
  if (n <= max) return points.slice();
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(points[Math.round((i * (n - 1)) / (max - 1))]);
  return out;
}
