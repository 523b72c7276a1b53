import * as tf from '@tensorflow/tfjs-core';

export interface LossTerm {
  name: string;
  weight: number;
  value: tf.Scalar;
}

export interface MultiTaskLoss {
  total: tf.Scalar;
  /** Each term's unweighted value, by name, for logging. */
  parts: Record<string, tf.Scalar>;
}

/**
 * Weighted sum of loss terms, e.g. seed 001's `loc + 0.5 · class`. `parts` holds the very
 * tensors passed in (not copies), so disposing the result's total leaves them to the caller.
 */
export function multiTaskLoss(terms: LossTerm[]): MultiTaskLoss {
  if (terms.length === 0) throw new Error('multiTaskLoss: needs at least one term');
  const parts: Record<string, tf.Scalar> = {};
  for (const term of terms) {
    if (term.name in parts) throw new Error(`multiTaskLoss: duplicate term name "${term.name}"`);
    if (!Number.isFinite(term.weight)) throw new Error(`multiTaskLoss: weight of "${term.name}" must be finite, got ${term.weight}`);
    if (term.value.rank !== 0) throw new Error(`multiTaskLoss: "${term.name}" must be a scalar, got shape [${term.value.shape}]`);
    parts[term.name] = term.value;
  }
  const total = tf.tidy(() => tf.addN(terms.map((term) => tf.mul(term.value, term.weight))) as tf.Scalar);
  return { total, parts };
}
