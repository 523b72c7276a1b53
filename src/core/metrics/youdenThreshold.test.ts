import { describe, expect, it } from 'vitest';
import { verificationLabels as labels, verificationScores as scores } from './fixtures/verificationData.ts';
import { youdenThreshold } from './youdenThreshold.ts';

describe('youdenThreshold', () => {
  it('picks the ROC point with the largest TPR - FPR', () => {
    // reference: test/reference/metrics_verification.py, numpy argmax of tpr - fpr over
    // sklearn.metrics.roc_curve 1.2.1 (drop_intermediate=False), the inf point excluded.
    const y = youdenThreshold(scores, labels);
    expect(y.threshold).toBe(0.42);
    expect(y.tpr).toBeCloseTo(0.9411764705882353, 14);
    expect(y.fpr).toBeCloseTo(0.23076923076923078, 14);
    expect(y.j).toBeCloseTo(0.7104072398190044, 14);
  });

  it('never answers Infinity, even for useless scores', () => {
    const y = youdenThreshold([0.9, 0.1], [0, 1]);
    expect(Number.isFinite(y.threshold)).toBe(true);
    expect(y).toEqual({ threshold: 0.1, tpr: 1, fpr: 1, j: 0 });
  });

  it('rejects a single class', () => {
    expect(() => youdenThreshold([0.1, 0.2], [0, 0])).toThrow(/genuine/);
  });
});
