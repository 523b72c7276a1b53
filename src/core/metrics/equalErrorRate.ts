import { rocCurve } from './rocCurve.ts';

export interface EqualErrorRate {
  /** The rate at which false accepts and false rejects are equal. */
  eer: number;
  /** The score threshold where that happens ("accept if score >= threshold"). */
  threshold: number;
}

/**
 * Equal error rate: where FAR (= FPR) meets FRR (= 1 - TPR).
 *
 * Method: walk the ROC points (one per distinct score, highest threshold first) to the
 * first point i where FRR <= FAR; the crossing lies between points i-1 and i. Both rates
 * are linear in the same parameter along that segment, so the gap d = FAR - FRR is
 * interpolated to zero: t = d[i-1] / (d[i-1] - d[i]), EER = FAR[i-1] + t (FAR[i] - FAR[i-1]).
 * The threshold is interpolated with the same t; when point i-1 is the accept-nothing
 * start (threshold Infinity) the threshold of point i is returned. When a ROC point has
 * FAR = FRR exactly (t = 1) its rate and threshold are returned as they are.
 * Picking the nearer point instead would make the EER jump between neighbouring ROC
 * points on small validation sets; interpolating keeps it continuous epoch to epoch.
 */
export function equalErrorRate(scores: ArrayLike<number>, labels: ArrayLike<number>): EqualErrorRate {
  const { fpr, tpr, thresholds } = rocCurve(scores, labels);
  const gap = (k: number): number => fpr[k] - (1 - tpr[k]);
  // The start has FAR 0 and FRR 1 and the end FAR 1 and FRR 0, so the crossing exists and i >= 1.
  let i = 1;
  while (gap(i) < 0) i++;
  if (gap(i) === 0) return { eer: fpr[i], threshold: thresholds[i] };
  const before = gap(i - 1);
  const t = before / (before - gap(i));
  const eer = fpr[i - 1] + t * (fpr[i] - fpr[i - 1]);
  const threshold = Number.isFinite(thresholds[i - 1])
    ? thresholds[i - 1] + t * (thresholds[i] - thresholds[i - 1])
    : thresholds[i];
  return { eer, threshold };
}
