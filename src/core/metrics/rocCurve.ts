import { cumulativeCounts } from './cumulativeCounts.ts';

export interface RocCurve {
  /** False accept rate (impostors accepted / impostors), non-decreasing. */
  fpr: number[];
  /** True accept rate (genuine accepted / genuine), non-decreasing. */
  tpr: number[];
  /** Decreasing; the first is Infinity (accept nothing), the rest are the distinct scores. */
  thresholds: number[];
}

/**
 * ROC points for "accept if score >= threshold", one per distinct score plus the
 * accept-nothing start: the points of scikit-learn's roc_curve(drop_intermediate=False)
 * (>= 1.3, whose first threshold is inf). Labels: 1 genuine, 0 impostor.
 */
export function rocCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): RocCurve {
  const c = cumulativeCounts(scores, labels);
  return {
    fpr: [0, ...c.fps.map((v) => v / c.negatives)],
    tpr: [0, ...c.tps.map((v) => v / c.positives)],
    thresholds: [Infinity, ...c.thresholds],
  };
}
