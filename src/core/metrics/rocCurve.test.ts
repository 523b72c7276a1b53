import { describe, expect, it } from 'vitest';
import { verificationLabels as labels, verificationScores as scores } from './fixtures/verificationData.ts';
import { rocCurve } from './rocCurve.ts';

// reference: test/reference/metrics_verification.py, sklearn.metrics.roc_curve 1.2.1 with
// drop_intermediate=False; its first threshold (max + 1 before sklearn 1.3) replaced by inf as in >= 1.3.
const fpr = [
  0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.038461538461538464, 0.038461538461538464, 0.038461538461538464,
  0.038461538461538464, 0.038461538461538464, 0.038461538461538464, 0.038461538461538464, 0.038461538461538464,
  0.038461538461538464, 0.038461538461538464, 0.07692307692307693, 0.11538461538461539, 0.15384615384615385,
  0.15384615384615385, 0.19230769230769232, 0.19230769230769232, 0.23076923076923078, 0.23076923076923078,
  0.2692307692307692, 0.3076923076923077, 0.3076923076923077, 0.38461538461538464, 0.4230769230769231, 0.5,
  0.5384615384615384, 0.5769230769230769, 0.6538461538461539, 0.7307692307692307, 0.7692307692307693,
  0.8461538461538461, 0.8846153846153846, 0.9230769230769231, 0.9615384615384616, 1.0,
];
const tpr = [
  0.0, 0.029411764705882353, 0.058823529411764705, 0.08823529411764706, 0.11764705882352941, 0.14705882352941177,
  0.20588235294117646, 0.20588235294117646, 0.23529411764705882, 0.2647058823529412, 0.3235294117647059,
  0.35294117647058826, 0.4117647058823529, 0.4411764705882353, 0.5294117647058824, 0.5588235294117647,
  0.6764705882352942, 0.7058823529411765, 0.7352941176470589, 0.7352941176470589, 0.8235294117647058,
  0.8235294117647058, 0.8529411764705882, 0.8823529411764706, 0.9411764705882353, 0.9411764705882353,
  0.9411764705882353, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0,
];
const thresholds = [
  Infinity, 0.79, 0.77, 0.76, 0.73, 0.71, 0.7, 0.69, 0.65, 0.63, 0.62, 0.61, 0.6, 0.59, 0.57, 0.55, 0.53, 0.51, 0.5,
  0.49, 0.48, 0.47, 0.45, 0.43, 0.42, 0.4, 0.38, 0.37, 0.34, 0.33, 0.32, 0.31, 0.3, 0.23, 0.22, 0.2, 0.19, 0.12, 0.1,
  0.09, 0.04,
];

describe('rocCurve', () => {
  it('matches scikit-learn roc_curve point for point, ties collapsed', () => {
    const roc = rocCurve(scores, labels);
    expect(roc.thresholds).toEqual(thresholds);
    expect(roc.fpr).toHaveLength(fpr.length);
    roc.fpr.forEach((v, i) => expect(v).toBeCloseTo(fpr[i], 14));
    roc.tpr.forEach((v, i) => expect(v).toBeCloseTo(tpr[i], 14));
  });

  it('reads Float32Array scores', () => {
    const f32 = Float32Array.from(scores);
    const roc = rocCurve(f32, labels);
    expect(roc.thresholds.slice(1)).toEqual([...new Set(Array.from(f32))].sort((a, b) => b - a));
    expect(roc.tpr).toEqual(rocCurve(scores, labels).tpr);
  });

  it('rejects invalid input', () => {
    expect(() => rocCurve([0.1, 0.2], [1, 1])).toThrow(/both genuine \(1\) and impostor \(0\)/);
    expect(() => rocCurve([0.1, 0.2], [0, 0])).toThrow(/0 genuine/);
    expect(() => rocCurve([0.1, 0.2], [0, 2])).toThrow(/labels\[1\] is 2/);
    expect(() => rocCurve([0.1, NaN], [0, 1])).toThrow(/scores\[1\] is NaN/);
    expect(() => rocCurve([0.1], [0, 1])).toThrow(/same length/);
    expect(() => rocCurve([], [])).toThrow(/empty/);
  });
});
