import type { Box } from '../data/sampleSource.ts';
import { checkFinite, checkSameLength } from './inputChecks.ts';
import { imageIous } from './meanIou.ts';

export interface ConfidenceFilter {
  /** The model's class confidence per image (e.g. its max softmax probability). */
  confidences: ArrayLike<number>;
  /** An image counts only when its confidence is strictly above this; default 0.9. */
  minConfidence?: number;
}

/**
 * Share of images whose predicted box overlaps the true box with IoU >= threshold.
 * With a confidence filter, images at or below the cut count as misses: seed 001 draws a
 * box only when `yhat > 0.9`, so an undrawn box is a detection the user never saw.
 */
export function precisionAtIou(pred: Box[], truth: Box[], threshold = 0.5, filter?: ConfidenceFilter): number {
  if (!(threshold >= 0 && threshold <= 1)) throw new Error(`IoU threshold must be in [0, 1]; got ${threshold}`);
  const ious = imageIous(pred, truth);
  const minConfidence = filter?.minConfidence ?? 0.9;
  if (filter) {
    checkSameLength(filter.confidences, pred, 'confidences', 'pred');
    checkFinite(filter.confidences, 'confidences');
    if (!Number.isFinite(minConfidence)) throw new Error(`minConfidence is ${minConfidence}`);
  }
  let hits = 0;
  for (let i = 0; i < ious.length; i++) {
    const shown = !filter || filter.confidences[i] > minConfidence;
    if (shown && ious[i] >= threshold) hits++;
  }
  return hits / ious.length;
}
