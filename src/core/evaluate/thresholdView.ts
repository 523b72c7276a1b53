import { confidenceBands, precisionAtIou, rates, type BandThresholds, type ConfidenceBands, type Rates } from '../metrics/index.ts';
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

/** Images whose class confidence passes `minConfidence`, and precision at IoU ≥ 0.5 / mean IoU with the cut applied. */
export function detectionAt(result: DetectionEvaluation, minConfidence: number): { kept: number; precisionAtIou50: number; meanIou: number } {
  const kept = result.items.filter((i) => i.confidence > minConfidence);
  return {
    kept: kept.length,
    precisionAtIou50: precisionAtIou(
      result.items.map((i) => i.predictedBox),
      result.items.map((i) => i.trueBox),
      0.5,
      { confidences: result.items.map((i) => i.confidence), minConfidence },
    ),
    meanIou: kept.length === 0 ? 0 : kept.reduce((s, i) => s + i.iou, 0) / kept.length,
  };
}

/** Seed 004's bands from each sample's confidence (the max probability, which the report keeps). */
export function bandsAt(result: ClassificationEvaluation, thresholds: BandThresholds): ConfidenceBands {
  return confidenceBands(
    result.confidence.map((c) => [c]),
    thresholds,
  );
}
