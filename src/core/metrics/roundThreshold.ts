/**
 * The shortest decimal t (at most `maxDecimals` places) with lo < t <= hi: a threshold a
 * person can read, type or set a slider to that accepts exactly the scores >= hi, because
 * no score lies between lo (the next lower score) and hi. Without a decimal that short in
 * the gap, hi itself.
 */
export function roundThreshold(hi: number, lo: number, maxDecimals = 4): number {
  if (!Number.isFinite(hi)) return hi;
  for (let d = 0; d <= maxDecimals; d++) {
    const scale = 10 ** d;
    let t = Math.floor(hi * scale) / scale;
    // hi * scale can round up to the next integer in floating point, leaving t just above hi.
    if (t > hi) t = (Math.floor(hi * scale) - 1) / scale;
    if (t > lo && t <= hi) return t;
  }
  return hi;
}
