import { cumulativeCounts } from './cumulativeCounts.ts';

export interface ThresholdAtFar {
  threshold: number;
  /** The false accept rate actually reached (<= the target). */
  far: number;
  /** The false reject rate at that threshold. */
  frr: number;
}

/**
 * The lowest threshold ("accept if score >= threshold") whose false accept rate is at
 * most targetFar: the operating point that keeps the most genuine pairs within a FAR
 * budget. Candidates are the distinct scores plus Infinity (accept nothing), so the
 * answer is Infinity only when even the highest score lets too many impostors in.
 */
export function thresholdAtFar(scores: ArrayLike<number>, labels: ArrayLike<number>, targetFar: number): ThresholdAtFar {
  if (!(targetFar >= 0 && targetFar <= 1)) throw new Error(`targetFar must be in [0, 1]; got ${targetFar}`);
  const { thresholds, tps, fps, positives, negatives } = cumulativeCounts(scores, labels);
  let best = -1;
  // FAR only grows as the threshold falls, so the last qualifying point is the lowest threshold.
  for (let i = 0; i < thresholds.length && fps[i] / negatives <= targetFar; i++) best = i;
  if (best < 0) return { threshold: Infinity, far: 0, frr: 1 };
  return {
    threshold: thresholds[best],
    far: fps[best] / negatives,
    frr: (positives - tps[best]) / positives,
  };
}
