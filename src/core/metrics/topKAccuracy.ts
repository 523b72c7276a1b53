import { checkClassIndices, checkProbRows, checkSameLength } from './inputChecks.ts';

/**
 * Share of samples whose true class is among the k highest-scoring classes.
 *
 * Ties count against the hit: the true class must beat every class outside the top k,
 * i.e. fewer than k other classes may score >= it. scikit-learn's top_k_accuracy_score
 * instead breaks ties by class index (a side effect of its reversed stable argsort), so a
 * tie's outcome depends on how the classes happen to be numbered; counting ties as misses
 * means a collapsed model that outputs a constant row never looks accurate. Without ties
 * both agree exactly. k >= number of classes gives 1, as in scikit-learn.
 */
export function topKAccuracy(probs: ArrayLike<number>[], labels: ArrayLike<number>, k: number): number {
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be an integer >= 1; got ${k}`);
  checkSameLength(probs, labels, 'probs', 'labels');
  const numClasses = checkProbRows(probs);
  checkClassIndices(labels, numClasses, 'labels');
  let hits = 0;
  for (let i = 0; i < probs.length; i++) {
    const row = probs[i];
    const truth = labels[i];
    let atLeastAsHigh = 0;
    for (let j = 0; j < numClasses; j++) {
      if (j !== truth && row[j] >= row[truth]) atLeastAsHigh++;
    }
    if (atLeastAsHigh < k) hits++;
  }
  return hits / probs.length;
}
