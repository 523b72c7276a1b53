import { cumulativeCounts } from './cumulativeCounts.ts';

/**
 * Area under the ROC curve, by the trapezoid rule over the tie-collapsed ROC points, so a
 * genuine/impostor tie counts one half (the Mann-Whitney U statistic), as scikit-learn's
 * roc_auc_score does. Summed on integer counts and divided once at the end.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { tps, fps, positives, negatives } = cumulativeCounts(scores, labels);
  let area = 0;
  let prevTp = 0;
  let prevFp = 0;
  for (let i = 0; i < tps.length; i++) {
    area += (fps[i] - prevFp) * (tps[i] + prevTp);
    prevTp = tps[i];
    prevFp = fps[i];
  }
  return area / (2 * positives * negatives);
}
