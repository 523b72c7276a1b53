import { checkBinaryInputs } from './inputChecks.ts';

export interface Rates {
  /** False accept rate: impostors accepted / impostors. */
  far: number;
  /** False reject rate: genuine rejected / genuine. */
  frr: number;
  accuracy: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/**
 * Error rates at one threshold with "accept if score >= threshold". One O(n) pass with
 * no sorting, because the studio's threshold slider calls it on every move.
 */
export function rates(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): Rates {
  if (Number.isNaN(threshold)) throw new Error('threshold is NaN');
  checkBinaryInputs(scores, labels, true);
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const accept = scores[i] >= threshold;
    if (labels[i] === 1) {
      if (accept) tp++;
      else fn++;
    } else if (accept) fp++;
    else tn++;
  }
  return { far: fp / (fp + tn), frr: fn / (fn + tp), accuracy: (tp + tn) / scores.length, tp, fp, tn, fn };
}
