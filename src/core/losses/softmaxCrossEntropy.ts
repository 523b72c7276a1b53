import * as tf from '@tensorflow/tfjs-core';

/**
 * Mean softmax cross-entropy over the batch, matching `torch.nn.CrossEntropyLoss(label_smoothing=ε)`
 * for both of its label forms:
 * - int32 class indices `[B]`;
 * - float soft targets `[B, C]` (what mixup produces), each row a distribution.
 *
 * Both forms are turned into target rows and smoothed as torch does, t' = (1 − ε)·t + ε/C,
 * so the loss is −mean_b Σ_c t'_bc · log softmax(logits)_bc. The log-softmax keeps large
 * logits (s = 64 in the margin heads) from overflowing `exp`.
 */
export function softmaxCrossEntropy(labels: tf.Tensor, logits: tf.Tensor2D, labelSmoothing = 0): tf.Scalar {
  if (logits.rank !== 2) throw new Error(`softmaxCrossEntropy: logits must be [batch, classes], got shape [${logits.shape}]`);
  if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
    throw new Error(`softmaxCrossEntropy: labelSmoothing must be in [0, 1), got ${labelSmoothing}`);
  }
  const [batch, classes] = logits.shape;
  if (labels.rank === 1) {
    if (labels.shape[0] !== batch) {
      throw new Error(`softmaxCrossEntropy: ${labels.shape[0]} class indices for a batch of ${batch} logits`);
    }
  } else if (labels.rank !== 2 || labels.shape[0] !== batch || labels.shape[1] !== classes) {
    throw new Error(
      `softmaxCrossEntropy: labels must be class indices [${batch}] or soft targets [${batch}, ${classes}], got shape [${labels.shape}]`,
    );
  }
  return tf.tidy(() => {
    const targets =
      labels.rank === 1
        ? tf.oneHot(labels.dtype === 'int32' ? (labels as tf.Tensor1D) : tf.cast(labels as tf.Tensor1D, 'int32'), classes, 1, 0, 'float32')
        : tf.cast(labels, 'float32');
    const smoothed = labelSmoothing > 0 ? tf.add(tf.mul(targets, 1 - labelSmoothing), labelSmoothing / classes) : targets;
    const logProbs = tf.logSoftmax(tf.cast(logits, 'float32'));
    const perSample = tf.neg(tf.sum(tf.mul(smoothed, logProbs), 1));
    return tf.mean(perSample) as tf.Scalar;
  });
}
