import * as tf from '@tensorflow/tfjs-core';

const blocked = tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => ({
  value: tf.clone(inputs[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
}));

/**
 * The value of `x`, seen by autodiff as a constant (tfjs-core has no stop_gradient op).
 * Used where a loss derives a hyper-parameter from the batch itself, such as CDML's
 * per-sample margin, and that derivation must not be trained.
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return blocked(x) as T;
}
