import { rocCurve } from './rocCurve.ts';

export interface YoudenThreshold {
  threshold: number;
  tpr: number;
  fpr: number;
  /** Youden's J = TPR - FPR at that threshold. */
  j: number;
}

/**
 * The ROC point maximizing Youden's J = TPR - FPR ("accept if score >= threshold").
 * The accept-nothing start (threshold Infinity) is left out so the answer is always a
 * usable score; on a tie the first (highest) threshold wins, as numpy's argmax would.
 */
export function youdenThreshold(scores: ArrayLike<number>, labels: ArrayLike<number>): YoudenThreshold {
  const { fpr, tpr, thresholds } = rocCurve(scores, labels);
  let best = 1;
  for (let i = 2; i < thresholds.length; i++) {
    if (tpr[i] - fpr[i] > tpr[best] - fpr[best]) best = i;
  }
  return { threshold: thresholds[best], tpr: tpr[best], fpr: fpr[best], j: tpr[best] - fpr[best] };
}
