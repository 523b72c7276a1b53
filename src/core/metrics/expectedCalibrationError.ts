import { argmax, checkClassIndices, checkProbRows, checkSameLength } from './inputChecks.ts';

export interface CalibrationBin {
  lower: number;
  upper: number;
  /** Mean max-probability of the samples in the bin; 0 for an empty bin. */
  confidence: number;
  /** Share of the bin's samples whose argmax is the true class; 0 for an empty bin. */
  accuracy: number;
  count: number;
}

export interface ExpectedCalibrationError {
  ece: number;
  /** All bins, empty ones included, so a reliability diagram has a fixed x axis. */
  bins: CalibrationBin[];
}

/**
 * Expected calibration error (Guo et al. 2017): the max probability of each sample is
 * its confidence and the argmax its prediction; confidences fall into `bins` equal-width
 * bins over [0, 1], bin m holding lower < confidence <= upper with edges m / bins (a
 * confidence of exactly 0 goes to the first bin); ECE = sum over bins of
 * count / n * |accuracy - confidence|. The argmax takes the first class on a tie.
 */
export function expectedCalibrationError(
  probs: ArrayLike<number>[],
  labels: ArrayLike<number>,
  bins = 15,
): ExpectedCalibrationError {
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`bins must be an integer >= 1; got ${bins}`);
  checkSameLength(probs, labels, 'probs', 'labels');
  const numClasses = checkProbRows(probs);
  checkClassIndices(labels, numClasses, 'labels');
  const edges = Array.from({ length: bins + 1 }, (_, m) => m / bins);
  const confSum = new Array<number>(bins).fill(0);
  const correct = new Array<number>(bins).fill(0);
  const count = new Array<number>(bins).fill(0);
  for (let i = 0; i < probs.length; i++) {
    const pred = argmax(probs[i]);
    const conf = probs[i][pred];
    if (conf < 0 || conf > 1) throw new Error(`probs[${i}] has max ${conf}; expected probabilities in [0, 1]`);
    // The edge comparison decides, not the division alone, so edge values land as the docs say.
    let m = Math.min(bins - 1, Math.max(0, Math.ceil(conf * bins) - 1));
    while (m > 0 && conf <= edges[m]) m--;
    while (m < bins - 1 && conf > edges[m + 1]) m++;
    confSum[m] += conf;
    count[m]++;
    if (pred === labels[i]) correct[m]++;
  }
  let ece = 0;
  const out: CalibrationBin[] = [];
  for (let m = 0; m < bins; m++) {
    const confidence = count[m] ? confSum[m] / count[m] : 0;
    const accuracy = count[m] ? correct[m] / count[m] : 0;
    ece += (count[m] / probs.length) * Math.abs(accuracy - confidence);
    out.push({ lower: edges[m], upper: edges[m + 1], confidence, accuracy, count: count[m] });
  }
  return { ece, bins: out };
}
