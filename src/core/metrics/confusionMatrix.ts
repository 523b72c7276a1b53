import { checkClassIndices, checkNonEmpty, checkNumClasses, checkSameLength } from './inputChecks.ts';

/**
 * Counts of (true class, predicted class): rows are the true class, columns the
 * prediction, the same layout as scikit-learn's confusion_matrix with labels = 0..n-1.
 */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number): number[][] {
  checkNumClasses(numClasses);
  checkSameLength(yTrue, yPred, 'yTrue', 'yPred');
  checkNonEmpty(yTrue, 'yTrue');
  checkClassIndices(yTrue, numClasses, 'yTrue');
  checkClassIndices(yPred, numClasses, 'yPred');
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) matrix[yTrue[i]][yPred[i]]++;
  return matrix;
}
