import { describe, expect, it } from 'vitest';
import { verificationLabels as labels, verificationScores as scores } from './fixtures/verificationData.ts';
import { rocAuc } from './rocAuc.ts';

describe('rocAuc', () => {
  it('matches scikit-learn roc_auc_score on tied scores', () => {
    // reference: test/reference/metrics_verification.py, sklearn.metrics.roc_auc_score 1.2.1
    expect(rocAuc(scores, labels)).toBeCloseTo(0.9202488687782806, 14);
  });

  it('counts a genuine/impostor tie as one half', () => {
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0])).toBe(0.5);
    // 1 pair ranked right, 1 tied (1/2), 0 wrong, out of 2 genuine x 1 impostor.
    expect(rocAuc([0.9, 0.4, 0.4], [1, 1, 0])).toBe(0.75);
  });

  it('is 1 for a perfect and 0 for an inverted ranking', () => {
    expect(rocAuc([0.9, 0.8, 0.1], [1, 1, 0])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.1], [0, 0, 1])).toBe(0);
  });

  it('rejects a single class', () => {
    expect(() => rocAuc([0.1, 0.2], [1, 1])).toThrow(/impostor/);
  });
});
