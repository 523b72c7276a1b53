import { confusionMatrix } from './confusionMatrix.ts';

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
}

export interface ClassReport extends ClassScores {
  /** How many samples truly belong to the class. */
  support: number;
}

export interface ClassificationReport {
  accuracy: number;
  perClass: ClassReport[];
  /** Unweighted mean over all numClasses classes, absent ones included (as 0). */
  macro: ClassScores;
  /** Mean weighted by support. */
  weighted: ClassScores;
}

const ratio = (num: number, den: number): number => (den === 0 ? 0 : num / den);

/**
 * Per-class precision / recall / F1 with macro and weighted averages, matching
 * scikit-learn's precision_recall_fscore_support(labels=0..n-1, zero_division=0): a
 * class never predicted has precision 0 and a class never present has recall 0, instead
 * of NaN poisoning the averages on small validation sets.
 */
export function classificationReport(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  numClasses: number,
): ClassificationReport {
  const matrix = confusionMatrix(yTrue, yPred, numClasses);
  const total = yTrue.length;
  let correct = 0;
  const perClass: ClassReport[] = [];
  for (let c = 0; c < numClasses; c++) {
    const tp = matrix[c][c];
    correct += tp;
    let predicted = 0;
    for (let r = 0; r < numClasses; r++) predicted += matrix[r][c];
    const support = matrix[c].reduce((a, b) => a + b, 0);
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, support);
    const f1 = ratio(2 * precision * recall, precision + recall);
    perClass.push({ precision, recall, f1, support });
  }
  const average = (weight: (r: ClassReport) => number): ClassScores => {
    let w = 0;
    const sum = { precision: 0, recall: 0, f1: 0 };
    for (const r of perClass) {
      const wr = weight(r);
      w += wr;
      sum.precision += wr * r.precision;
      sum.recall += wr * r.recall;
      sum.f1 += wr * r.f1;
    }
    return { precision: ratio(sum.precision, w), recall: ratio(sum.recall, w), f1: ratio(sum.f1, w) };
  };
  return {
    accuracy: correct / total,
    perClass,
    macro: average(() => 1),
    weighted: average((r) => r.support),
  };
}
