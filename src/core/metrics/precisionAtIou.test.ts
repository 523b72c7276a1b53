import { describe, expect, it } from 'vitest';
import type { Box } from '../data/sampleSource.ts';
import { precisionAtIou } from './precisionAtIou.ts';

// Hand-checked per-image IoUs (worked out in boxIou.test.ts): 1/7 ~ 0.143, 2/9 ~ 0.222, 1, 0.5.
const pred: Box[] = [
  [0, 0, 0.5, 0.5],
  [0.1, 0.2, 0.6, 0.5],
  [0.2, 0.2, 0.4, 0.4],
  // [0, 0, 1, 0.5] vs [0, 0, 1, 1]: inter 0.5, union 1, IoU exactly 0.5.
  [0, 0, 1, 0.5],
];
const truth: Box[] = [
  [0.25, 0.25, 0.75, 0.75],
  [0.3, 0.1, 0.9, 0.4],
  [0.2, 0.2, 0.4, 0.4],
  [0, 0, 1, 1],
];

describe('precisionAtIou', () => {
  it('counts images with IoU >= threshold', () => {
    expect(precisionAtIou(pred, truth)).toBe(2 / 4);
    expect(precisionAtIou(pred, truth, 0.2)).toBe(3 / 4);
    expect(precisionAtIou(pred, truth, 0.75)).toBe(1 / 4);
    expect(precisionAtIou(pred, truth, 0)).toBe(1);
  });

  it('counts images at or below the confidence cut as misses (seed 001: yhat > 0.9)', () => {
    const confidences = [0.99, 0.95, 0.9, 0.97];
    // Image 2 (IoU 1) sits exactly at 0.9 and is not drawn; image 3 (IoU 0.5) is.
    expect(precisionAtIou(pred, truth, 0.5, { confidences })).toBe(1 / 4);
    expect(precisionAtIou(pred, truth, 0.5, { confidences, minConfidence: 0.5 })).toBe(2 / 4);
    expect(precisionAtIou(pred, truth, 0.5, { confidences: Float32Array.from(confidences), minConfidence: 0.96 })).toBe(1 / 4);
  });

  it('rejects invalid input', () => {
    expect(() => precisionAtIou(pred, truth, 1.5)).toThrow(/threshold/);
    expect(() => precisionAtIou(pred, truth, 0.5, { confidences: [1, 1] })).toThrow(/same length/);
    expect(() => precisionAtIou(pred, truth, 0.5, { confidences: [1, 1, 1, NaN] })).toThrow(/confidences\[3\]/);
  });
});
