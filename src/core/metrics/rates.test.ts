import { describe, expect, it } from 'vitest';
import { verificationLabels as labels, verificationScores as scores } from './fixtures/verificationData.ts';
import { rates } from './rates.ts';

// reference: test/reference/metrics_verification.py, sklearn.metrics.confusion_matrix 1.2.1 of
// labels against (scores >= threshold).
const expected: [number, { far: number; frr: number; accuracy: number; tp: number; fp: number; tn: number; fn: number }][] = [
  [0.2, { far: 0.7692307692307693, frr: 0.0, accuracy: 0.6666666666666666, tp: 34, fp: 20, tn: 6, fn: 0 }],
  [0.45, { far: 0.19230769230769232, frr: 0.14705882352941177, accuracy: 0.8333333333333334, tp: 29, fp: 5, tn: 21, fn: 5 }],
  [0.5, { far: 0.11538461538461539, frr: 0.2647058823529412, accuracy: 0.8, tp: 25, fp: 3, tn: 23, fn: 9 }],
  [0.8, { far: 0.0, frr: 1.0, accuracy: 0.43333333333333335, tp: 0, fp: 0, tn: 26, fn: 34 }],
];

describe('rates', () => {
  it.each(expected)('threshold %s matches the reference', (threshold, want) => {
    const got = rates(scores, labels, threshold);
    expect({ tp: got.tp, fp: got.fp, tn: got.tn, fn: got.fn }).toEqual({ tp: want.tp, fp: want.fp, tn: want.tn, fn: want.fn });
    expect(got.far).toBeCloseTo(want.far, 14);
    expect(got.frr).toBeCloseTo(want.frr, 14);
    expect(got.accuracy).toBeCloseTo(want.accuracy, 14);
  });

  it('accepts a score equal to the threshold', () => {
    expect(rates([0.5, 0.5], [1, 0], 0.5)).toMatchObject({ tp: 1, fp: 1, tn: 0, fn: 0 });
  });

  it('rejects invalid input', () => {
    expect(() => rates(scores, labels, NaN)).toThrow(/threshold/);
    expect(() => rates([0.1, 0.2], [1, 1], 0.5)).toThrow(/impostor/);
    expect(() => rates([0.1], [1, 0], 0.5)).toThrow(/same length/);
  });
});
