import { describe, expect, it } from 'vitest';
import type { Box } from '../data/sampleSource.ts';
import { imageIous, meanIou } from './meanIou.ts';

// Hand-checked: the per-image IoUs are the worked examples in boxIou.test.ts (1/7, 2/9, 1).
const pred: Box[] = [
  [0, 0, 0.5, 0.5],
  [0.1, 0.2, 0.6, 0.5],
  [0.2, 0.2, 0.4, 0.4],
];
const truth: Box[] = [
  [0.25, 0.25, 0.75, 0.75],
  [0.3, 0.1, 0.9, 0.4],
  [0.2, 0.2, 0.4, 0.4],
];

describe('meanIou', () => {
  it('averages the per-image IoU', () => {
    const ious = imageIous(pred, truth);
    expect(ious[0]).toBeCloseTo(1 / 7, 14);
    expect(ious[1]).toBeCloseTo(2 / 9, 14);
    expect(ious[2]).toBe(1);
    // (1/7 + 2/9 + 1) / 3 = (9 + 14 + 63) / 63 / 3 = 86 / 189.
    expect(meanIou(pred, truth)).toBeCloseTo(86 / 189, 14);
  });

  it('rejects mismatched or empty lists', () => {
    expect(() => meanIou(pred, truth.slice(1))).toThrow(/same length/);
    expect(() => meanIou([], [])).toThrow(/empty/);
  });
});
