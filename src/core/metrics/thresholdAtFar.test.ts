import { describe, expect, it } from 'vitest';
import { verificationLabels as labels, verificationScores as scores } from './fixtures/verificationData.ts';
import { thresholdAtFar } from './thresholdAtFar.ts';

// reference: test/reference/metrics_verification.py, the last point with fpr <= target on
// sklearn.metrics.roc_curve 1.2.1 (drop_intermediate=False); frr = 1 - tpr.
const expected: [number, { threshold: number; far: number; frr: number }][] = [
  [0.0, { threshold: 0.7, far: 0.0, frr: 0.7941176470588236 }],
  [0.05, { threshold: 0.53, far: 0.038461538461538464, frr: 0.32352941176470584 }],
  [0.1, { threshold: 0.51, far: 0.07692307692307693, frr: 0.2941176470588235 }],
  [0.25, { threshold: 0.42, far: 0.23076923076923078, frr: 0.05882352941176472 }],
  [1.0, { threshold: 0.04, far: 1.0, frr: 0.0 }],
];

describe('thresholdAtFar', () => {
  it.each(expected)('target FAR %s matches the reference', (target, want) => {
    const got = thresholdAtFar(scores, labels, target);
    expect(got.threshold).toBe(want.threshold);
    expect(got.far).toBeCloseTo(want.far, 14);
    expect(got.frr).toBeCloseTo(want.frr, 14);
    expect(got.far).toBeLessThanOrEqual(target);
  });

  it('answers Infinity when the top score already belongs to an impostor', () => {
    expect(thresholdAtFar([0.9, 0.5, 0.1], [0, 1, 0], 0)).toEqual({ threshold: Infinity, far: 0, frr: 1 });
  });

  it('rejects a target outside [0, 1]', () => {
    expect(() => thresholdAtFar(scores, labels, 1.5)).toThrow(/targetFar/);
    expect(() => thresholdAtFar(scores, labels, NaN)).toThrow(/targetFar/);
  });
});
