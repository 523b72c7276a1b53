import type { Interval } from '../../../core/metrics/index.ts';
import { formatPercent } from './formatPercent.ts';

/** A 95 % interval in the value's own format: "95 % CI 30.7–60.2 %" for shares, "95 % CI 0.661–0.887" for scores. */
export function formatInterval(ci: Interval, as: 'percent' | 'score' = 'percent', digits = 1): string {
  if (as === 'score') return `95 % CI ${ci.low.toFixed(3)}–${ci.high.toFixed(3)}`;
  return `95 % CI ${(ci.low * 100).toFixed(digits)}–${formatPercent(ci.high, digits)}`;
}
