import { describe, expect, it } from 'vitest';
import { classProbs, classTrue } from './fixtures/classificationData.ts';
import { topKAccuracy } from './topKAccuracy.ts';

describe('topKAccuracy', () => {
  it('matches scikit-learn on tie-free rows', () => {
    // reference: test/reference/metrics_classification.py, sklearn.metrics.top_k_accuracy_score 1.2.1
    const expected = [0.2916666666666667, 0.3333333333333333, 0.4583333333333333, 0.8333333333333334, 1.0];
    expected.forEach((value, i) => expect(topKAccuracy(classProbs, classTrue, i + 1)).toBeCloseTo(value, 14));
  });

  it('accepts Float32Array rows and labels', () => {
    const rows = classProbs.map((r) => Float32Array.from(r));
    expect(topKAccuracy(rows, Int32Array.from(classTrue), 3)).toBeCloseTo(0.4583333333333333, 14);
  });

  it('counts ties against the hit', () => {
    // True class 0 ties class 1: one other class scores >= it, so it is outside the top 1 but inside the top 2.
    expect(topKAccuracy([[0.4, 0.4, 0.2]], [0], 1)).toBe(0);
    expect(topKAccuracy([[0.4, 0.4, 0.2]], [0], 2)).toBe(1);
    // A collapsed model with a constant row never counts within k < classes.
    expect(topKAccuracy([[0.25, 0.25, 0.25, 0.25]], [3], 3)).toBe(0);
    expect(topKAccuracy([[0.25, 0.25, 0.25, 0.25]], [3], 4)).toBe(1);
  });

  it('gives 1 when k reaches the number of classes, like scikit-learn', () => {
    expect(topKAccuracy(classProbs, classTrue, 7)).toBe(1);
  });

  it('rejects invalid input', () => {
    expect(() => topKAccuracy(classProbs, classTrue, 0)).toThrow(/k must be/);
    expect(() => topKAccuracy(classProbs, classTrue, 1.5)).toThrow(/k must be/);
    expect(() => topKAccuracy(classProbs, classTrue.slice(1), 1)).toThrow(/same length/);
    expect(() => topKAccuracy([[0.5, 0.5]], [2], 1)).toThrow(/labels\[0\]/);
    expect(() => topKAccuracy([[0.5, 0.5], [1]], [0, 0], 1)).toThrow(/probs\[1\] has 1 classes/);
    expect(() => topKAccuracy([[0.5, NaN]], [0], 1)).toThrow(/NaN/);
    expect(() => topKAccuracy([], [], 1)).toThrow(/empty/);
  });
});
