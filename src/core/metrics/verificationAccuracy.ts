import { checkBinaryInputs } from './inputChecks.ts';

export interface VerificationAccuracy {
  /** Mean of the per-fold accuracies. */
  mean: number;
  /** Population standard deviation (ddof 0) of the per-fold accuracies, as LFW reports quote. */
  std: number;
  perFold: number[];
  /** The threshold chosen on the other folds and applied to each fold. */
  thresholds: number[];
}

/**
 * The threshold ("accept if score >= threshold") with the highest accuracy on the given
 * pairs. Accuracy only changes at a score, so the candidates are: the lowest score
 * (accept all), the midpoint between each pair of consecutive distinct scores, and
 * Infinity (reject all). Midpoints leave the same margin on both sides for the unseen
 * fold. The lowest candidate wins a tie.
 */
function bestThreshold(scores: number[], labels: number[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  for (const y of labels) positives += y;
  // Sweep upward: `correct` is the accuracy count with everything below the candidate rejected.
  let correct = positives;
  let bestCorrect = correct;
  let best = scores[order[0]];
  let k = 0;
  while (k < order.length) {
    const value = scores[order[k]];
    while (k < order.length && scores[order[k]] === value) {
      correct += labels[order[k]] === 1 ? -1 : 1;
      k++;
    }
    if (correct > bestCorrect) {
      bestCorrect = correct;
      best = k < order.length ? (value + scores[order[k]]) / 2 : Infinity;
    }
  }
  return best;
}

/**
 * Folds for `verificationAccuracy` over `pairs` pairs: LFW's 10, or one pair per fold when
 * there are fewer. Training's metrics and the evaluation report both use this, so a run's
 * val_verification_acc and its report's 10-fold accuracy agree on the same pairs.
 */
export function verificationFolds(pairs: number): number {
  return Math.min(10, pairs);
}

/**
 * Face-verification accuracy by the LFW protocol: the pairs are cut into `folds`
 * contiguous folds (the first n mod folds folds one pair longer, as scikit-learn's
 * KFold(shuffle=False)); each fold is scored with the threshold that maximizes accuracy
 * on the other folds, so no fold is judged by a threshold fitted to itself.
 */
export function verificationAccuracy(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  folds = 10,
): VerificationAccuracy {
  if (!Number.isInteger(folds) || folds < 2) throw new Error(`folds must be an integer >= 2; got ${folds}`);
  checkBinaryInputs(scores, labels, false);
  const n = scores.length;
  if (n < folds) throw new Error(`${folds} folds need at least ${folds} pairs; got ${n}`);
  const s = Array.from(scores);
  const y = Array.from(labels);
  const base = Math.floor(n / folds);
  const perFold: number[] = [];
  const thresholds: number[] = [];
  let start = 0;
  for (let f = 0; f < folds; f++) {
    const end = start + base + (f < n % folds ? 1 : 0);
    const trainScores = [...s.slice(0, start), ...s.slice(end)];
    const trainLabels = [...y.slice(0, start), ...y.slice(end)];
    const threshold = bestThreshold(trainScores, trainLabels);
    let correct = 0;
    for (let i = start; i < end; i++) if ((s[i] >= threshold) === (y[i] === 1)) correct++;
    perFold.push(correct / (end - start));
    thresholds.push(threshold);
    start = end;
  }
  const mean = perFold.reduce((a, b) => a + b, 0) / folds;
  const variance = perFold.reduce((a, v) => a + (v - mean) ** 2, 0) / folds;
  return { mean, std: Math.sqrt(variance), perFold, thresholds };
}
