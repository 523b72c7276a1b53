import type { BandThresholds } from '../../../core/metrics/index.ts';

export type Band = 'use' | 'caution' | 'review';

/** The `k` most probable classes, most probable first (ties: lower index first, as argmax). */
export function topClasses(probs: readonly number[], classNames: readonly string[], k: number): { name: string; p: number; index: number }[] {
  return probs
    .map((p, index) => ({ name: classNames[index] ?? `class ${index}`, p, index }))
    .sort((a, b) => b.p - a.p || a.index - b.index)
    .slice(0, k);
}

/** Seed 004's band of one confidence, with the same edges as metrics/confidenceBands: use when p > use, caution when caution ≤ p ≤ use. */
export function bandOf(p: number, thresholds: BandThresholds): Band {
  if (p > thresholds.use) return 'use';
  return p >= thresholds.caution ? 'caution' : 'review';
}

export const bandWords: Record<Band, string> = { use: 'use', caution: 'use with caution', review: 'send to review' };

/** The centre square of a w×h frame (what the model sees), as source coordinates for drawImage. */
export function centreSquare(width: number, height: number): { sx: number; sy: number; side: number } {
  const side = Math.min(width, height);
  return { sx: Math.floor((width - side) / 2), sy: Math.floor((height - side) / 2), side };
}

/**
 * A predicted box as an SVG rect in a square view of `side` units. The regression head is
 * not bounded, so corners are clamped to the view and swapped corners give an empty rect
 * rather than a negative size (which SVG refuses to draw).
 */
export function boxRect(box: readonly [number, number, number, number], side: number): { x: number; y: number; width: number; height: number } {
  const clamp = (v: number) => Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0));
  const [x1, y1, x2, y2] = box.map(clamp);
  return { x: x1 * side, y: y1 * side, width: Math.max(0, x2 - x1) * side, height: Math.max(0, y2 - y1) * side };
}

/** Weight of the newest frame in the shown rate: steady enough to read, quick to follow a change. */
const RATE_SMOOTHING = 0.2;

/** Predictions per second after a frame that took `elapsedMs`, smoothed with the rate shown so far. */
export function nextRate(previous: number | undefined, elapsedMs: number): number {
  const current = 1000 / Math.max(1, elapsedMs);
  return previous === undefined ? current : previous + RATE_SMOOTHING * (current - previous);
}
