import { cumulativeCounts } from './cumulativeCounts.ts';
import { roundThreshold } from './roundThreshold.ts';

export interface EqualErrorRate {
  /** The rate at which false accepts and false rejects are equal (interpolated between ROC points). */
  eer: number;
  /**
   * The operating threshold nearest that crossing, "accept if score >= threshold": the
   * shortest decimal that accepts exactly the pairs scoring at least that ROC point's score
   * (roundThreshold), so `rates(scores, labels, threshold)` — the page's slider, set to
   * the number the page shows — gives exactly `far` and `frr` below.
   */
  threshold: number;
  /** False accept and false reject rates at `threshold`; the EER lies between them. */
  far: number;
  frr: number;
}

/** The crossing of FAR and FRR on a ROC, without its threshold: what a bootstrap resample needs. */
export function crossingRate(fpr: ArrayLike<number>, tpr: ArrayLike<number>): { eer: number; before: number; at: number } {
  const gap = (k: number): number => fpr[k] - (1 - tpr[k]);
  // The start has FAR 0 and FRR 1 and the end FAR 1 and FRR 0, so the crossing exists and i >= 1.
  let i = 1;
  while (gap(i) < 0) i++;
  if (gap(i) === 0) return { eer: fpr[i], before: i, at: i };
  const before = gap(i - 1);
  const t = before / (before - gap(i));
  return { eer: fpr[i - 1] + t * (fpr[i] - fpr[i - 1]), before: i - 1, at: i };
}

/**
 * Equal error rate: where FAR (= FPR) meets FRR (= 1 - TPR).
 *
 * The rate: walk the ROC points (one per distinct score, highest threshold first) to the
 * first point i where FRR <= FAR; the crossing lies between points i-1 and i. Both rates
 * are linear in the same parameter along that segment, so the gap d = FAR - FRR is
 * interpolated to zero: t = d[i-1] / (d[i-1] - d[i]), EER = FAR[i-1] + t (FAR[i] - FAR[i-1]).
 * Picking the nearer point's rate instead would make the EER jump between neighbouring ROC
 * points on small validation sets; interpolating keeps it continuous epoch to epoch.
 *
 * The threshold: of points i-1 and i, the one where |FAR - FRR| is smaller (i on a tie;
 * never the accept-nothing start). An interpolated threshold would lie between two scores,
 * where "accept if score >= threshold" gives point i-1's rates, not the EER: a page showing
 * "EER 50 % at 0.600" beside a slider at 0.600 reading FAR 37 % would contradict itself.
 * With few pairs the two rates move in steps of 1/genuine and 1/impostors, so FAR and FRR
 * at the threshold bracket the EER rather than equal it; both are returned to say so.
 */
export function equalErrorRate(scores: ArrayLike<number>, labels: ArrayLike<number>): EqualErrorRate {
  const { thresholds, tps, fps, positives, negatives } = cumulativeCounts(scores, labels);
  // ROC point 0 accepts nothing; point k >= 1 is threshold k - 1 of the counts.
  const fpr = [0, ...fps.map((v) => v / negatives)];
  const tpr = [0, ...tps.map((v) => v / positives)];
  const { eer, before, at } = crossingRate(fpr, tpr);
  const gap = (k: number): number => Math.abs(fpr[k] - (1 - tpr[k]));
  const k = (before === 0 || gap(at) <= gap(before) ? at : before) - 1;
  // The rates as `rates` counts them (fn / genuine), so the slider shows these very numbers.
  // Any threshold above the next lower score accepts the same pairs: name the shortest such decimal.
  const threshold = roundThreshold(thresholds[k], k + 1 < thresholds.length ? thresholds[k + 1] : -Infinity);
  return { eer, threshold, far: fps[k] / negatives, frr: (positives - tps[k]) / positives };
}
