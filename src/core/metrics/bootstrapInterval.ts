import { Rng } from '../util/rng.ts';
import { crossingRate } from './equalErrorRate.ts';
import { checkBinaryInputs, checkFinite, checkNonEmpty } from './inputChecks.ts';
import type { Interval } from './wilsonInterval.ts';

export interface BootstrapOptions {
  /** Resamples drawn; default 1000. */
  resamples?: number;
  /** Seeds the draws, so the same data always gives the same interval. */
  seed?: number;
  /** Two-sided coverage; default 0.95. */
  confidence?: number;
}

const DEFAULT_RESAMPLES = 1000;
const DEFAULT_SEED = 0x5eed;

/** numpy.percentile's default ("linear") rule on sorted values, q in [0, 1]. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (position - lo) * (sorted[hi] - sorted[lo]);
}

function options(o: BootstrapOptions): { resamples: number; rng: Rng; tail: number } {
  const resamples = o.resamples ?? DEFAULT_RESAMPLES;
  const confidence = o.confidence ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 2) throw new Error(`resamples must be an integer of at least 2; got ${resamples}`);
  if (!(confidence > 0 && confidence < 1)) throw new Error(`confidence must be in (0, 1); got ${confidence}`);
  return { resamples, rng: new Rng(o.seed ?? DEFAULT_SEED), tail: (1 - confidence) / 2 };
}

function percentileInterval(values: Float64Array, tail: number): Interval {
  values.sort();
  return { low: percentile(values, tail), high: percentile(values, 1 - tail) };
}

/**
 * Percentile bootstrap interval of any statistic of n samples: each resample is n sample
 * positions drawn with replacement, handed to `statistic`. Resamples whose statistic is
 * not finite are left out.
 */
export function bootstrapInterval(n: number, statistic: (positions: Int32Array) => number, o: BootstrapOptions = {}): Interval {
  if (!Number.isInteger(n) || n < 1) throw new Error(`a bootstrap needs at least one sample; got ${n}`);
  const { resamples, rng, tail } = options(o);
  const values: number[] = [];
  const positions = new Int32Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let k = 0; k < n; k++) positions[k] = rng.int(n);
    const v = statistic(positions);
    if (Number.isFinite(v)) values.push(v);
  }
  if (values.length === 0) throw new Error('the statistic was not finite on any resample');
  return percentileInterval(Float64Array.from(values), tail);
}

/**
 * Percentile bootstrap interval of a sample's mean (e.g. a detection's mean IoU): the
 * sample resampled whole with replacement. A mean of IoUs is bounded and skewed on small
 * splits, where a normal interval would reach below 0 or above 1; percentiles cannot.
 */
export function meanInterval(values: ArrayLike<number>, o: BootstrapOptions = {}): Interval {
  checkNonEmpty(values, 'values');
  checkFinite(values, 'values');
  return bootstrapInterval(
    values.length,
    (positions) => {
      let sum = 0;
      for (const p of positions) sum += values[p];
      return sum / positions.length;
    },
    o,
  );
}

/**
 * Percentile bootstrap intervals of ROC AUC and the (interpolated) EER of verification
 * pairs. Genuine and impostor pairs are resampled separately (a stratified bootstrap), so
 * every resample keeps both kinds in their measured numbers, as the ROC needs.
 *
 * Each resample is a multiplicity per pair over one presorted order, so a resample costs
 * O(pairs) instead of a sort: the AUC is the same trapezoid on tie-collapsed counts as
 * rocAuc, and the EER the same crossing as equalErrorRate.
 *
 * Pairs that share images or people are not independent; with few identities this
 * interval is too narrow, which is why the Evaluate page also warns on few identities.
 */
export function verificationIntervals(scores: ArrayLike<number>, labels: ArrayLike<number>, o: BootstrapOptions = {}): { auc: Interval; eer: Interval } {
  const { positives, negatives } = checkBinaryInputs(scores, labels, true);
  const { resamples, rng, tail } = options(o);
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const genuine: number[] = [];
  const impostor: number[] = [];
  for (let i = 0; i < n; i++) (labels[i] === 1 ? genuine : impostor).push(i);
  const weight = new Uint32Array(n);
  const aucs = new Float64Array(resamples);
  const eers = new Float64Array(resamples);
  const fpr: number[] = [];
  const tpr: number[] = [];
  for (let r = 0; r < resamples; r++) {
    weight.fill(0);
    for (let k = 0; k < positives; k++) weight[genuine[rng.int(positives)]]++;
    for (let k = 0; k < negatives; k++) weight[impostor[rng.int(negatives)]]++;
    fpr.length = 0;
    tpr.length = 0;
    fpr.push(0);
    tpr.push(0);
    let tp = 0;
    let fp = 0;
    let prevTp = 0;
    let prevFp = 0;
    let area = 0;
    for (let k = 0; k < n; k++) {
      const i = order[k];
      if (labels[i] === 1) tp += weight[i];
      else fp += weight[i];
      const groupEnds = k === n - 1 || scores[order[k + 1]] !== scores[i];
      if (groupEnds && (tp !== prevTp || fp !== prevFp)) {
        area += (fp - prevFp) * (tp + prevTp);
        prevTp = tp;
        prevFp = fp;
        fpr.push(fp / negatives);
        tpr.push(tp / positives);
      }
    }
    aucs[r] = area / (2 * positives * negatives);
    eers[r] = crossingRate(fpr, tpr).eer;
  }
  return { auc: percentileInterval(aucs, tail), eer: percentileInterval(eers, tail) };
}
