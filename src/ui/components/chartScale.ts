/** Axis scales for MetricChart: value → pixel, with tick values people can read. */

export interface ChartScale {
  (value: number): number;
  /** Inverse: pixel → value (hover). */
  invert(pixel: number): number;
  readonly domain: readonly [number, number];
  readonly ticks: readonly number[];
}

const E10 = Math.sqrt(50);
const E5 = Math.sqrt(10);
const E2 = Math.sqrt(2);

/** Trims float noise from k·step (0.30000000000000004 → 0.3). */
const clean = (v: number) => Number(v.toPrecision(12));

/** The tick spacing d3-array's tickStep picks: 1, 2 or 5 times a power of ten, about `count` ticks over [min, max]. */
export function tickStep(min: number, max: number, count: number): number {
  const raw = (max - min) / Math.max(1, count);
  const power = Math.floor(Math.log10(raw));
  const error = raw / 10 ** power;
  const factor = error >= E10 ? 10 : error >= E5 ? 5 : error >= E2 ? 2 : 1;
  return factor * 10 ** power;
}

/** Evenly spaced round values within [min, max], as d3-array's ticks(min, max, count). */
export function linearTicks(min: number, max: number, count: number): number[] {
  if (!(max > min)) return [min];
  const step = tickStep(min, max, count);
  const out: number[] = [];
  for (let k = Math.ceil(min / step); k * step <= max + step * 1e-9; k++) out.push(clean(k * step));
  return out;
}

/** Powers of ten within [min, max]; with fewer than three, the 2× and 5× values between them too. */
export function logTicks(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const inside = (v: number) => v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9);
  const decades: number[] = [];
  for (let p = lo; p <= hi; p++) decades.push(clean(10 ** p));
  if (decades.filter(inside).length >= 3) return decades.filter(inside);
  return decades.flatMap((d) => [d, clean(2 * d), clean(5 * d)]).filter(inside);
}

/**
 * A scale over the data's [min, max] onto [from, to] pixels. `nice` widens a linear
 * domain to whole ticks (y axes); x axes keep the data's own range. A single value gets
 * a range around it so it still draws. `integer` keeps only whole ticks (steps, epochs).
 */
export function chartScale(
  min: number,
  max: number,
  from: number,
  to: number,
  options: { log: boolean; nice: boolean; ticks: number; integer?: boolean },
): ChartScale {
  let lo = min;
  let hi = max;
  if (options.log) {
    if (!(hi > lo)) [lo, hi] = [lo / 2, hi * 2];
  } else {
    if (!(hi > lo)) [lo, hi] = [lo - (Math.abs(lo) || 1) * 0.1, hi + (Math.abs(hi) || 1) * 0.1];
    if (options.nice) {
      const step = tickStep(lo, hi, options.ticks);
      [lo, hi] = [clean(Math.floor(lo / step) * step), clean(Math.ceil(hi / step) * step)];
    }
  }
  const t = options.log ? Math.log10 : (v: number) => v;
  const tInv = options.log ? (v: number) => 10 ** v : (v: number) => v;
  const [t0, t1] = [t(lo), t(hi)];
  const scale = (value: number) => from + ((t(value) - t0) / (t1 - t0)) * (to - from);
  return Object.assign(scale, {
    invert: (pixel: number) => tInv(t0 + ((pixel - from) / (to - from)) * (t1 - t0)),
    domain: [lo, hi] as const,
    ticks: options.log ? logTicks(lo, hi) : options.integer ? linearTicks(lo, hi, options.ticks).filter(Number.isInteger) : linearTicks(lo, hi, options.ticks),
  });
}
