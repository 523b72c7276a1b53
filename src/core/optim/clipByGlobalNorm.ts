import * as tf from '@tensorflow/tfjs-core';

/**
 * torch.nn.utils.clip_grad_norm_: scales every gradient by min(1, maxNorm / (norm + 1e-6)),
 * where norm is the L2 norm of all gradients together. Returns new tensors (the caller
 * disposes them and still owns the inputs) and the norm before clipping, kept on the device
 * so that reading it is the caller's choice.
 */
export function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): { grads: tf.Tensor[]; norm: tf.Scalar } {
  if (!(maxNorm > 0)) throw new Error(`clipByGlobalNorm: maxNorm must be > 0, got ${maxNorm}`);
  return tf.tidy(() => {
    const squares = grads.map((g) => tf.sum(tf.square(g)));
    // A chain of adds, not tf.addN: WebGPU's AddN binds every input at once and fails past
    // the device's storage-buffer limit (8 on SwiftShader), which any real model exceeds.
    const total = squares.reduce<tf.Tensor>((sum, sq) => tf.add(sum, sq), tf.scalar(0));
    const norm = tf.sqrt(total) as tf.Scalar;
    const coef = tf.minimum(tf.div(maxNorm, tf.add(norm, 1e-6)), 1);
    return { grads: grads.map((g) => tf.mul(g, coef)), norm };
  });
}
