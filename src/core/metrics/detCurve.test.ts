import { describe, expect, it } from 'vitest';
import { detCurve } from './detCurve.ts';
import { verificationLabels as labels, verificationScores as scores } from './fixtures/verificationData.ts';

// reference: test/reference/metrics_verification.py, sklearn.metrics.det_curve 1.2.1
const fpr = [
  0.3076923076923077, 0.3076923076923077, 0.2692307692307692, 0.23076923076923078, 0.23076923076923078,
  0.19230769230769232, 0.19230769230769232, 0.15384615384615385, 0.15384615384615385, 0.11538461538461539,
  0.07692307692307693, 0.038461538461538464, 0.038461538461538464, 0.038461538461538464, 0.038461538461538464,
  0.038461538461538464, 0.038461538461538464, 0.038461538461538464, 0.038461538461538464, 0.038461538461538464,
  0.038461538461538464, 0.0,
];
const fnr = [
  0.0, 0.058823529411764705, 0.058823529411764705, 0.058823529411764705, 0.11764705882352941, 0.14705882352941177,
  0.17647058823529413, 0.17647058823529413, 0.2647058823529412, 0.2647058823529412, 0.29411764705882354,
  0.3235294117647059, 0.4411764705882353, 0.47058823529411764, 0.5588235294117647, 0.5882352941176471,
  0.6470588235294118, 0.6764705882352942, 0.7352941176470589, 0.7647058823529411, 0.7941176470588235,
  0.7941176470588235,
];
const thresholds = [
  0.37, 0.38, 0.4, 0.42, 0.43, 0.45, 0.47, 0.48, 0.49, 0.5, 0.51, 0.53, 0.55, 0.57, 0.59, 0.6, 0.61, 0.62, 0.63, 0.65,
  0.69, 0.7,
];

describe('detCurve', () => {
  it('matches scikit-learn det_curve, trimmed the same way', () => {
    const det = detCurve(scores, labels);
    expect(det.thresholds).toEqual(thresholds);
    expect(det.fpr).toHaveLength(fpr.length);
    det.fpr.forEach((v, i) => expect(v).toBeCloseTo(fpr[i], 14));
    det.fnr.forEach((v, i) => expect(v).toBeCloseTo(fnr[i], 14));
  });

  it('keeps one point for perfectly separated scores', () => {
    // Genuine 0.9, 0.8 above impostors 0.3, 0.2: only threshold 0.8 has neither error.
    expect(detCurve([0.9, 0.8, 0.3, 0.2], [1, 1, 0, 0])).toEqual({ fpr: [0], fnr: [0], thresholds: [0.8] });
  });

  it('rejects a single class', () => {
    expect(() => detCurve([0.1, 0.2], [0, 0])).toThrow(/genuine/);
  });
});
