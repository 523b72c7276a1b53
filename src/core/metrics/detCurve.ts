import { cumulativeCounts } from './cumulativeCounts.ts';

export interface DetCurve {
  /** False accept rate, non-increasing along the curve. */
  fpr: number[];
  /** False reject rate (genuine rejected / genuine), non-decreasing. */
  fnr: number[];
  /** Increasing distinct scores. */
  thresholds: number[];
}

/**
 * Detection error tradeoff points, like scikit-learn's det_curve: thresholds ascending,
 * trimmed to the stretch where the curve moves: it ends at the first threshold with no
 * false accepts and starts at the last one with no false rejects, since the points beyond
 * would sit on an axis that a DET plot's probit scale cannot draw.
 */
export function detCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): DetCurve {
  const { thresholds, tps, fps, positives, negatives } = cumulativeCounts(scores, labels);
  let first = 0;
  while (first + 1 < fps.length && fps[first + 1] === fps[0]) first++;
  let last = 0;
  while (tps[last] !== positives) last++;
  const out: DetCurve = { fpr: [], fnr: [], thresholds: [] };
  for (let i = last; i >= first; i--) {
    out.fpr.push(fps[i] / negatives);
    out.fnr.push((positives - tps[i]) / positives);
    out.thresholds.push(thresholds[i]);
  }
  return out;
}
