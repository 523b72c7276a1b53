import { checkBinaryInputs } from './inputChecks.ts';

export interface CumulativeCounts {
  /** Distinct scores, highest first. */
  thresholds: number[];
  /** Genuine pairs accepted ("score >= threshold") at each threshold. */
  tps: number[];
  /** Impostor pairs accepted at each threshold. */
  fps: number[];
  positives: number;
  negatives: number;
}

/**
 * Accepted genuine / impostor counts at every distinct score, the shared base of the ROC,
 * DET, EER and FAR-target functions (scikit-learn's _binary_clf_curve). Tied scores
 * collapse to one point: no threshold can separate them, so no curve should pretend to.
 */
export function cumulativeCounts(scores: ArrayLike<number>, labels: ArrayLike<number>): CumulativeCounts {
  const { positives, negatives } = checkBinaryInputs(scores, labels, true);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const thresholds: number[] = [];
  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    if (labels[i] === 1) tp++;
    else fp++;
    const last = k === order.length - 1;
    if (last || scores[order[k + 1]] !== scores[i]) {
      thresholds.push(scores[i]);
      tps.push(tp);
      fps.push(fp);
    }
  }
  return { thresholds, tps, fps, positives, negatives };
}
