import type { Box } from '../data/sampleSource.ts';

function checkBox(box: Box, name: string): void {
  if (box.length !== 4 || !box.every((v) => Number.isFinite(v))) {
    throw new Error(`${name} must be [x1, y1, x2, y2] of finite numbers; got [${box.join(', ')}]`);
  }
}

/** Area with an inverted side (x2 < x1 or y2 < y1) counted as empty. */
function area(box: Box): number {
  return Math.max(0, box[2] - box[0]) * Math.max(0, box[3] - box[1]);
}

/**
 * Intersection over union of two [x1, y1, x2, y2] boxes. An inverted box (a fresh box
 * head easily predicts x2 < x1) is treated as empty rather than rejected, so it scores 0
 * instead of stopping an evaluation; two empty boxes score 0 too (torchvision's box_iou
 * gives NaN there).
 */
export function boxIou(a: Box, b: Box): number {
  checkBox(a, 'a');
  checkBox(b, 'b');
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  // An inverted box always gives w or h <= 0 here, so it never contributes an intersection.
  const inter = Math.max(0, w) * Math.max(0, h);
  const union = area(a) + area(b) - inter;
  return union > 0 ? inter / union : 0;
}
