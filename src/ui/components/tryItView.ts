import type { BandThresholds } from '../../core/metrics/index.ts';

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
