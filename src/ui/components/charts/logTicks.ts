/** Trims float noise from 10^p and its multiples (0.30000000000000004 → 0.3). */
const clean = (v: number) => Number(v.toPrecision(12));

/**
 * Tick values for a log axis over [min, max] (both positive): powers of ten, every second or
 * third one when there are more than `maxCount`; with fewer than three decades inside, the
 * 2× and 5× values between them too. A log scale's own ticks are every 1–9 × 10^p, which no
 * chart of a few hundred pixels can label.
 */
export function logTicks(min: number, max: number, maxCount = 6): number[] {
  if (!(min > 0 && max >= min)) return [];
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const inside = (v: number) => v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9);
  const decades: number[] = [];
  for (let p = lo; p <= hi; p++) decades.push(clean(10 ** p));
  const shown = decades.filter(inside);
  if (shown.length >= 3) {
    const every = Math.ceil(shown.length / maxCount);
    return shown.filter((_, i) => i % every === 0);
  }
  const steps = decades.flatMap((d) => [d, clean(2 * d), clean(5 * d)]).filter(inside);
  return steps.length > 0 ? steps : [min, max];
}
