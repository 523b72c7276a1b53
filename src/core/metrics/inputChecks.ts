/**
 * Shared argument checks for the metric functions. Metrics feed charts and reports a
 * person reads, so a malformed input must fail loudly with the offending index rather
 * than quietly turn into NaN somewhere down a curve.
 */

export function checkSameLength(a: ArrayLike<unknown>, b: ArrayLike<unknown>, nameA: string, nameB: string): void {
  if (a.length !== b.length) {
    throw new Error(`${nameA} and ${nameB} must have the same length; got ${a.length} and ${b.length}`);
  }
}

export function checkNonEmpty(a: ArrayLike<unknown>, name: string): void {
  if (a.length === 0) throw new Error(`${name} is empty`);
}

export function checkFinite(values: ArrayLike<number>, name: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`${name}[${i}] is ${values[i]}; expected a finite number`);
  }
}

/** Checks that every label is 0 or 1 and returns how many of each there are. */
export function countBinaryLabels(labels: ArrayLike<number>): { positives: number; negatives: number } {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (v === 1) positives++;
    else if (v !== 0) throw new Error(`labels[${i}] is ${v}; expected 1 (genuine) or 0 (impostor)`);
  }
  return { positives, negatives: labels.length - positives };
}

/** The checks every score/label metric starts with; returns the class counts. */
export function checkBinaryInputs(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  needBothClasses: boolean,
): { positives: number; negatives: number } {
  checkSameLength(scores, labels, 'scores', 'labels');
  checkNonEmpty(scores, 'scores');
  checkFinite(scores, 'scores');
  const counts = countBinaryLabels(labels);
  if (needBothClasses && (counts.positives === 0 || counts.negatives === 0)) {
    throw new Error(
      `needs both genuine (1) and impostor (0) labels; got ${counts.positives} genuine and ${counts.negatives} impostor`,
    );
  }
  return counts;
}

export function checkNumClasses(numClasses: number): void {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new Error(`numClasses must be a positive integer; got ${numClasses}`);
  }
}

export function checkClassIndices(values: ArrayLike<number>, numClasses: number, name: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
      throw new Error(`${name}[${i}] is ${v}; expected an integer class index in [0, ${numClasses})`);
    }
  }
}

/** Checks a batch of per-class score rows and returns the number of classes. */
export function checkProbRows(probs: ArrayLike<number>[], name = 'probs'): number {
  checkNonEmpty(probs, name);
  const numClasses = probs[0].length;
  if (numClasses === 0) throw new Error(`${name}[0] has no classes`);
  for (let i = 0; i < probs.length; i++) {
    if (probs[i].length !== numClasses) {
      throw new Error(`${name}[${i}] has ${probs[i].length} classes; ${name}[0] has ${numClasses}`);
    }
    checkFinite(probs[i], `${name}[${i}]`);
  }
  return numClasses;
}

/** Index of the largest value; the first one wins a tie, as numpy's argmax does. */
export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let j = 1; j < row.length; j++) if (row[j] > row[best]) best = j;
  return best;
}
