import { describe, expect, it } from 'vitest';
import { verificationLabels as labels, verificationScores as scores } from './fixtures/verificationData.ts';
import { verificationAccuracy } from './verificationAccuracy.ts';

// reference: test/reference/metrics_verification.py, a numpy re-implementation (brute force over
// every candidate threshold) on sklearn.model_selection.KFold(shuffle=False) 1.2.1 folds.
describe('verificationAccuracy', () => {
  it('matches the reference with 10 folds', () => {
    const r = verificationAccuracy(scores, labels);
    expect(r.mean).toBeCloseTo(0.85, 12);
    expect(r.std).toBeCloseTo(0.08975274678557507, 12);
    const perFold = [0.8333333333333334, 0.8333333333333334, 0.6666666666666666, 0.8333333333333334, 0.8333333333333334, 1.0, 0.8333333333333334, 1.0, 0.8333333333333334, 0.8333333333333334];
    r.perFold.forEach((v, i) => expect(v).toBeCloseTo(perFold[i], 14));
    expect(r.thresholds[0]).toBeCloseTo(0.41000000000000003, 14);
    r.thresholds.slice(1).forEach((t) => expect(t).toBeCloseTo(0.355, 14));
    expect(r.perFold).toHaveLength(10);
  });

  it('matches the reference with 7 uneven folds (9, 9, 9, 9, 8, 8, 8 pairs)', () => {
    const r = verificationAccuracy(scores, labels, 7);
    expect(r.mean).toBeCloseTo(0.8670634920634921, 12);
    expect(r.std).toBeCloseTo(0.03701340894082862, 12);
    const perFold = [0.8888888888888888, 0.7777777777777778, 0.8888888888888888, 0.8888888888888888, 0.875, 0.875, 0.875];
    r.perFold.forEach((v, i) => expect(v).toBeCloseTo(perFold[i], 14));
    r.thresholds.forEach((t) => expect(t).toBeCloseTo(0.355, 14));
  });

  it('rejects everything when training folds say so', () => {
    // Every training fold is all impostors, so "reject all" (Infinity) is the best threshold.
    const r = verificationAccuracy([0.9, 0.8, 0.7, 0.6], [0, 0, 0, 0], 2);
    expect(r.thresholds).toEqual([Infinity, Infinity]);
    expect(r.mean).toBe(1);
  });

  it('rejects invalid input', () => {
    expect(() => verificationAccuracy(scores, labels, 1)).toThrow(/folds/);
    expect(() => verificationAccuracy([0.1, 0.2], [0, 1], 3)).toThrow(/at least 3 pairs/);
    expect(() => verificationAccuracy([0.1, 0.2], [0, 3], 2)).toThrow(/labels\[1\]/);
  });
});
