import { describe, expect, it } from 'vitest';
import { equalErrorRate } from './equalErrorRate.ts';
import { verificationLabels as labels, verificationScores as scores } from './fixtures/verificationData.ts';
import { rocCurve } from './rocCurve.ts';

// reference: test/reference/metrics_verification.py, the EER interpolation written out in numpy over
// sklearn.metrics.roc_curve 1.2.1 (drop_intermediate=False).
describe('equalErrorRate', () => {
  it('interpolates between the two ROC points that bracket FAR = FRR', () => {
    const { eer, threshold } = equalErrorRate(scores, labels);
    expect(eer).toBeCloseTo(0.17647058823529416, 14);
    expect(threshold).toBeCloseTo(0.4741176470588235, 14);
    // The crossing lies between the ROC points at 0.48 and 0.47.
    const roc = rocCurve(scores, labels);
    const i = roc.thresholds.indexOf(0.47);
    expect(roc.thresholds[i - 1]).toBe(0.48);
    expect(roc.fpr[i - 1] - (1 - roc.tpr[i - 1])).toBeLessThan(0);
    expect(roc.fpr[i] - (1 - roc.tpr[i])).toBeGreaterThan(0);
  });

  it('returns a ROC point as it is when FAR = FRR exactly there', () => {
    // At threshold 0.6, 1 of 4 impostors is accepted and 1 of 4 genuine rejected.
    const r = equalErrorRate([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2], [1, 1, 1, 0, 1, 0, 0, 0]);
    expect(r).toEqual({ eer: 0.25, threshold: 0.6 });
  });

  it('is 0 for perfectly separated scores', () => {
    expect(equalErrorRate([0.9, 0.8, 0.3, 0.2], [1, 1, 0, 0])).toEqual({ eer: 0, threshold: 0.8 });
  });

  it('uses the next point threshold when the crossing starts at the accept-nothing point', () => {
    // Point 1 (threshold 0.9) has FAR 1, FRR 0.5: the gap goes -1 -> 0.5, t = 2/3,
    // EER = 0 + 2/3 * (1 - 0) = 1 + 2/3 * (0.5 - 1) = 2/3; no finite threshold lies before 0.9.
    const r = equalErrorRate([0.9, 0.9, 0.9, 0.1], [0, 0, 1, 1]);
    expect(r.threshold).toBe(0.9);
    expect(r.eer).toBeCloseTo(2 / 3, 14);
  });

  it('rejects a single class', () => {
    expect(() => equalErrorRate([0.1, 0.2], [1, 1])).toThrow(/impostor/);
  });
});
