import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LossConfig } from '../spec/runSpec.ts';
import { softmaxCrossEntropy } from './softmaxCrossEntropy.ts';
import { stopGradient } from './stopGradient.ts';

/**
 * Angular-margin classification heads for embedding models (seeds 000 and 003). The head
 * owns the class-centre matrix W `[embeddingSize, numClasses]`; embeddings and the columns
 * of W are L2-normalized, so `cosine` is cos θ between each embedding and each centre.
 * The target logit is then pushed away by a margin and every logit is scaled by s:
 *
 * - ArcFace (insightface, easy_margin = false): s·cos(θ + m) where cos θ > cos(π − m),
 *   else s·(cos θ − sin(π − m)·m), which keeps the target logit monotone in θ once θ + m
 *   would pass π.
 * - CosFace: s·(cos θ − m).
 * - CDML, seed 003's "ArcFace with a per-sample dynamic margin". The seed gives
 *   m_i = m · (1 + α · difficulty(x_i)) and a diagram in which a sample with a high
 *   similarity to its class centre (easy) gets a larger margin, up to m × 1.2, and a hard
 *   one a smaller margin, down to m × 0.8. It does not define `difficulty`; we read it as
 *   d_i = cos θ_{y_i} − mean over the batch of cos θ_y (positive for samples closer to
 *   their centre than the batch average), and take the diagram's factors as bounds:
 *   m_i = clip(m · (1 + α · d_i), 0.8·m, 1.2·m). The margin is computed from
 *   stop-gradient values, so it acts as a per-sample hyper-parameter rather than a path
 *   through which the model could lower the loss by moving the batch mean. With m_i in
 *   hand the ArcFace formula above is applied per sample.
 *
 * The loss is softmax cross-entropy on the margin logits.
 */
export type MarginLossConfig = Extract<LossConfig, { type: 'arcface' | 'cosface' | 'cdml' }>;

export interface MarginHead {
  /** The class centres W, trained with the model. */
  readonly variables: tf.Variable[];
  /** cos θ `[batch, numClasses]` between normalized embeddings and normalized class centres. */
  cosine(embeddings: tf.Tensor2D): tf.Tensor2D;
  /** Scaled logits with the margin applied to each sample's own class. */
  logits(embeddings: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D;
  /** Mean cross-entropy of `logits`. */
  loss(embeddings: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar;
  dispose(): void;
}

/**
 * Keeps sqrt(1 − cos²) away from 0, where its derivative is infinite: both ArcFace branches
 * are evaluated and blended by a 0/1 mask, and an infinite gradient in the unselected one
 * would become NaN.
 */
const SINE_SQUARED_FLOOR = 1e-12;
/** torch.nn.functional.normalize's eps is 1e-12 on the norm, i.e. 1e-24 on its square. */
const NORM_SQUARED_FLOOR = 1e-24;
const CDML_MIN_FACTOR = 0.8;
const CDML_MAX_FACTOR = 1.2;

/**
 * 1 where x > threshold, else 0, as a float mask. Wrapped in a custom gradient because the
 * comparison lies on the path from the embeddings to the loss and tfjs has no gradient for
 * `Greater`; the mask is piecewise constant, so its true gradient is zero anyway.
 */
const aboveThreshold = tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, threshold] = inputs as tf.Tensor[];
  return {
    value: tf.cast(tf.greater(x, threshold), 'float32'),
    gradFunc: () => [tf.zerosLike(x), tf.zerosLike(threshold)],
  };
});

function l2Normalize(x: tf.Tensor2D, axis: number): tf.Tensor2D {
  return tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), axis, true), NORM_SQUARED_FLOOR)));
}

/** ArcFace's target cosine for a margin that is a number or a per-sample `[batch, 1]` tensor. */
function arcTarget(cosY: tf.Tensor2D, margin: number | tf.Tensor2D): tf.Tensor2D {
  const cosM = typeof margin === 'number' ? Math.cos(margin) : tf.cos(margin);
  const sinM = typeof margin === 'number' ? Math.sin(margin) : tf.sin(margin);
  // cos(π − m) = −cos m and sin(π − m)·m = sin m · m.
  const threshold = typeof margin === 'number' ? tf.scalar(Math.cos(Math.PI - margin)) : tf.neg(cosM as tf.Tensor);
  const fallbackShift = typeof margin === 'number' ? Math.sin(Math.PI - margin) * margin : tf.mul(sinM, margin);
  const sine = tf.sqrt(tf.clipByValue(tf.sub(1, tf.square(cosY)), SINE_SQUARED_FLOOR, 1));
  const shifted = tf.sub(tf.mul(cosY, cosM), tf.mul(sine, sinM));
  const fallback = tf.sub(cosY, fallbackShift);
  const useShifted = aboveThreshold(cosY, threshold);
  return tf.add(tf.mul(useShifted, shifted), tf.mul(tf.sub(1, useShifted), fallback));
}

function cdmlMargin(cosY: tf.Tensor2D, margin: number, alpha: number): tf.Tensor2D {
  const fixed = stopGradient(cosY);
  const difficulty = tf.sub(fixed, tf.mean(fixed));
  const dynamic = tf.mul(margin, tf.add(1, tf.mul(alpha, difficulty)));
  return tf.clipByValue(dynamic, CDML_MIN_FACTOR * margin, CDML_MAX_FACTOR * margin) as tf.Tensor2D;
}

function targetFor(config: MarginLossConfig): (cosY: tf.Tensor2D) => tf.Tensor2D {
  switch (config.type) {
    case 'arcface':
      return (cosY) => arcTarget(cosY, config.margin);
    case 'cosface':
      return (cosY) => tf.sub(cosY, config.margin);
    case 'cdml':
      return (cosY) => arcTarget(cosY, cdmlMargin(cosY, config.margin, config.alpha));
  }
}

class AngularMarginHead implements MarginHead {
  readonly variables: tf.Variable[];
  private readonly weight: tf.Variable;
  private readonly scale: number;
  private readonly target: (cosY: tf.Tensor2D) => tf.Tensor2D;
  private readonly numClasses: number;

  constructor(scale: number, target: (cosY: tf.Tensor2D) => tf.Tensor2D, numClasses: number, initial: tf.Tensor2D) {
    this.scale = scale;
    this.target = target;
    this.numClasses = numClasses;
    this.weight = tf.variable(initial, true);
    this.variables = [this.weight];
  }

  cosine(embeddings: tf.Tensor2D): tf.Tensor2D {
    if (embeddings.rank !== 2 || embeddings.shape[1] !== this.weight.shape[0]) {
      throw new Error(`margin head: embeddings must be [batch, ${this.weight.shape[0]}], got shape [${embeddings.shape}]`);
    }
    return tf.tidy(() => tf.matMul(l2Normalize(embeddings, 1), l2Normalize(this.weight as tf.Tensor2D, 0)));
  }

  logits(embeddings: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D {
    if (labels.rank !== 1 || labels.shape[0] !== embeddings.shape[0]) {
      throw new Error(`margin head: labels must be [${embeddings.shape[0]}] class indices, got shape [${labels.shape}]`);
    }
    return tf.tidy(() => {
      const cos = this.cosine(embeddings);
      const indices = labels.dtype === 'int32' ? labels : tf.cast(labels, 'int32');
      const isTarget = tf.oneHot(indices, this.numClasses, 1, 0, 'float32');
      const cosY = tf.sum(tf.mul(cos, isTarget), 1, true) as tf.Tensor2D;
      const adjusted = tf.add(tf.mul(isTarget, this.target(cosY)), tf.mul(tf.sub(1, isTarget), cos));
      return tf.mul(adjusted, this.scale) as tf.Tensor2D;
    });
  }

  loss(embeddings: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
    return tf.tidy(() => softmaxCrossEntropy(labels, this.logits(embeddings, labels)));
  }

  dispose(): void {
    this.weight.dispose();
  }
}

/**
 * Builds the head for a margin loss config. W starts Glorot-normal from `seed`, so the same
 * seed gives the same class centres on every host.
 */
export function createMarginHead(config: MarginLossConfig, embeddingSize: number, numClasses: number, seed: number): MarginHead {
  if (!Number.isInteger(embeddingSize) || embeddingSize < 1) {
    throw new Error(`margin head: embeddingSize must be a positive integer, got ${embeddingSize}`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new Error(`margin head: needs at least 2 classes, got ${numClasses}`);
  }
  const initial = tf.tidy(() => tfl.initializers.glorotNormal({ seed }).apply([embeddingSize, numClasses], 'float32') as tf.Tensor2D);
  const head = new AngularMarginHead(config.scale, targetFor(config), numClasses, initial);
  initial.dispose();
  return head;
}
