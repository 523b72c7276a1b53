import { describe, expect, it } from 'vitest';
import { confusionMatrix } from './confusionMatrix.ts';
import { classPred, classTrue } from './fixtures/classificationData.ts';

describe('confusionMatrix', () => {
  it('matches scikit-learn (rows true, columns predicted)', () => {
    // reference: test/reference/metrics_classification.py, sklearn.metrics.confusion_matrix 1.2.1, labels=range(6)
    expect(confusionMatrix(classTrue, classPred, 6)).toEqual([
      [3, 2, 0, 0, 0, 0],
      [2, 2, 2, 2, 0, 0],
      [1, 1, 1, 1, 0, 0],
      [0, 0, 0, 1, 1, 0],
      [1, 1, 0, 3, 0, 0],
      [0, 0, 0, 0, 0, 0],
    ]);
  });

  it('puts a sample at [true][pred]', () => {
    expect(confusionMatrix([0, 1], [1, 1], 2)).toEqual([
      [0, 1],
      [0, 1],
    ]);
  });

  it('rejects invalid input', () => {
    expect(() => confusionMatrix([0], [0, 1], 2)).toThrow(/same length/);
    expect(() => confusionMatrix([0, 2], [0, 1], 2)).toThrow(/yTrue\[1\] is 2/);
    expect(() => confusionMatrix([0, 1], [0, 0.5], 2)).toThrow(/yPred\[1\]/);
    expect(() => confusionMatrix([0], [0], 0)).toThrow(/numClasses/);
    expect(() => confusionMatrix([], [], 2)).toThrow(/empty/);
  });
});
