import type { Box } from '../data/sampleSource.ts';
import { boxIou } from './boxIou.ts';
import { checkNonEmpty, checkSameLength } from './inputChecks.ts';

/** Per-image IoU of the predicted box against the true box, in image order. */
export function imageIous(pred: Box[], truth: Box[]): number[] {
  checkSameLength(pred, truth, 'pred', 'truth');
  checkNonEmpty(pred, 'pred');
  return pred.map((p, i) => boxIou(p, truth[i]));
}

/** Mean IoU over images, one predicted and one true box per image (seed 001's setup). */
export function meanIou(pred: Box[], truth: Box[]): number {
  const ious = imageIous(pred, truth);
  return ious.reduce((a, b) => a + b, 0) / ious.length;
}
