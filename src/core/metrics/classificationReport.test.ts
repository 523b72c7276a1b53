import { describe, expect, it } from 'vitest';
import { classificationReport } from './classificationReport.ts';
import { classPred, classTrue } from './fixtures/classificationData.ts';

// reference: test/reference/metrics_classification.py, sklearn.metrics.precision_recall_fscore_support
// 1.2.1 with labels=range(6), zero_division=0, and accuracy_score. Class 4 is predicted once and
// never right; class 5 never occurs at all.
const precision = [0.42857142857142855, 0.3333333333333333, 0.3333333333333333, 0.14285714285714285, 0.0, 0.0];
const recall = [0.6, 0.25, 0.25, 0.5, 0.0, 0.0];
const f1 = [0.5, 0.28571428571428575, 0.28571428571428575, 0.22222222222222224, 0.0, 0.0];
const support = [5, 8, 4, 2, 5, 0];

describe('classificationReport', () => {
  const report = classificationReport(classTrue, classPred, 6);

  it('matches scikit-learn per class', () => {
    expect(report.perClass).toHaveLength(6);
    report.perClass.forEach((c, i) => {
      expect(c.precision).toBeCloseTo(precision[i], 14);
      expect(c.recall).toBeCloseTo(recall[i], 14);
      expect(c.f1).toBeCloseTo(f1[i], 14);
      expect(c.support).toBe(support[i]);
    });
  });

  it('matches scikit-learn accuracy and averages', () => {
    expect(report.accuracy).toBeCloseTo(0.2916666666666667, 14);
    expect(report.macro.precision).toBeCloseTo(0.2063492063492063, 14);
    expect(report.macro.recall).toBeCloseTo(0.26666666666666666, 14);
    expect(report.macro.f1).toBeCloseTo(0.21560846560846567, 14);
    expect(report.weighted.precision).toBeCloseTo(0.26785714285714285, 14);
    expect(report.weighted.recall).toBeCloseTo(0.2916666666666667, 14);
    expect(report.weighted.f1).toBeCloseTo(0.2655423280423281, 14);
  });

  it('gives 1 everywhere for perfect predictions', () => {
    const r = classificationReport([0, 1, 2, 1], [0, 1, 2, 1], 3);
    expect(r.accuracy).toBe(1);
    expect(r.macro).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(r.weighted).toEqual({ precision: 1, recall: 1, f1: 1 });
  });

  it('rejects invalid input', () => {
    expect(() => classificationReport([0, 1], [0], 2)).toThrow(/same length/);
    expect(() => classificationReport([0, 3], [0, 1], 2)).toThrow(/yTrue\[1\]/);
  });
});
