import type * as tf from '@tensorflow/tfjs-core';

/**
 * Whether a variable is exempt from weight decay when noDecayOnBiasAndNorm is set: every
 * variable of rank ≤ 1 — biases and normalization gammas/betas (the timm convention, which
 * needs no layer names and so works for any model).
 */
export function isNoDecayParam(v: tf.Variable): boolean {
  return v.rank <= 1;
}
