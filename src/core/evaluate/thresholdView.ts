import { confidenceBands, rates, wilsonInterval, type BandThresholds, type ConfidenceBands, type Interval, type Rates } from '../metrics/index.ts';
import type { ClassificationEvaluation, DetectionEvaluation, VerificationEvaluation } from './evaluationReport.ts';

/**
 * The numbers that follow a slider, computed from a report alone (no model call): the
 * page moves a threshold and these answer at once.
 */
export function verificationAt(result: VerificationEvaluation, threshold: number): Rates {
  return rates(
    result.pairs.map((p) => p.score),
    result.pairs.map((p) => p.same),
    threshold,
  );
}

export interface DetectionAt {
  /** Images whose class confidence is above the cut. */
  kept: number;
  /** Of those, images whose box has IoU >= 0.5. */
  hits: number;
  /**
   * hits / all images (seed 001: an undrawn box is a miss) with its 95 % Wilson interval;
   * undefined when no image passes the cut: nothing was measured, and "0 %" would read as
   * a measured failure.
   */
  precisionAtIou50?: number;
  precisionInterval?: Interval;
  /** Mean IoU over the kept images; undefined when none is kept. */
  meanIou?: number;
}

/** Images whose class confidence passes `minConfidence`, and precision at IoU ≥ 0.5 / mean IoU with the cut applied. */
export function detectionAt(result: DetectionEvaluation, minConfidence: number): DetectionAt {
  if (!Number.isFinite(minConfidence)) throw new Error(`the confidence cut is ${minConfidence}`);
  const kept = result.items.filter((i) => i.confidence > minConfidence);
  if (kept.length === 0) return { kept: 0, hits: 0 };
  const hits = kept.filter((i) => i.iou >= 0.5).length;
  const n = result.items.length;
  return {
    kept: kept.length,
    hits,
    precisionAtIou50: hits / n,
    precisionInterval: wilsonInterval(hits, n),
    meanIou: kept.reduce((s, i) => s + i.iou, 0) / kept.length,
  };
}

/** Seed 004's bands from each sample's confidence (the max probability, which the report keeps). */
export function bandsAt(result: ClassificationEvaluation, thresholds: BandThresholds): ConfidenceBands {
  return confidenceBands(
    result.confidence.map((c) => [c]),
    thresholds,
  );
}
