import { checkProbRows } from './inputChecks.ts';

export interface BandCount {
  count: number;
  /** count / number of samples. */
  share: number;
}

export interface ConfidenceBands {
  use: BandCount;
  caution: BandCount;
  review: BandCount;
}

export interface BandThresholds {
  use: number;
  caution: number;
}

/**
 * Sorts predictions into seed 004's confidence bands by their max probability p:
 * "use" when p > use (exclusive: exactly 90% is not "high confidence"), "caution" when
 * caution <= p <= use (inclusive at both ends: the seed's "70-90%"), "review" when
 * p < caution.
 */
export function confidenceBands(
  probs: ArrayLike<number>[],
  thresholds: BandThresholds = { use: 0.9, caution: 0.7 },
): ConfidenceBands {
  const { use, caution } = thresholds;
  if (!(Number.isFinite(use) && Number.isFinite(caution) && caution <= use)) {
    throw new Error(`band thresholds need caution <= use; got caution ${caution}, use ${use}`);
  }
  checkProbRows(probs);
  const counts = { use: 0, caution: 0, review: 0 };
  for (const row of probs) {
    let p = row[0];
    for (let j = 1; j < row.length; j++) if (row[j] > p) p = row[j];
    if (p > use) counts.use++;
    else if (p >= caution) counts.caution++;
    else counts.review++;
  }
  const n = probs.length;
  const band = (count: number): BandCount => ({ count, share: count / n });
  return { use: band(counts.use), caution: band(counts.caution), review: band(counts.review) };
}
