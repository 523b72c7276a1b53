import * as tf from '@tensorflow/tfjs-core';
import { boxLoss, createMarginHead, multiTaskLoss, softmaxCrossEntropy, type MarginHead } from '../losses/index.ts';
import type { RunSpec } from '../spec/runSpec.ts';

/** A batch as the objective sees it: inputs already normalized and augmented. */
export interface ObjectiveBatch {
  x: tf.Tensor4D;
  /** int32 class (or identity) indices [B]. */
  labels: tf.Tensor1D;
  /** Soft targets [B, C] when mixup mixed the batch; they replace `labels` in the loss. */
  soft?: tf.Tensor2D;
  /** [B, 4] normalized boxes for detection. */
  boxes?: tf.Tensor2D;
}

export interface ObjectiveResult {
  total: tf.Scalar;
  /** Unweighted loss parts worth logging (class_loss, box_loss). */
  parts: Record<string, tf.Scalar>;
  /** Number of samples whose predicted class matched the label (as a scalar tensor, so no read-back). */
  correct: tf.Scalar;
}

/**
 * What a task trains against: the loss over the model's outputs, plus any trainable
 * variables that live outside the model (a margin head's class centres). The Trainer
 * differentiates `compute` with respect to the model's and these variables.
 */
export interface Objective {
  readonly variables: tf.Variable[];
  /** The loss over the model's outputs (`model.apply(batch.x)`), so evaluation can reuse one forward pass. */
  compute(outputs: tf.Tensor | tf.Tensor[], batch: ObjectiveBatch): ObjectiveResult;
  dispose(): void;
}

function countCorrect(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(labels, 'int32')), 'float32'));
}

function first(outputs: tf.Tensor | tf.Tensor[]): tf.Tensor2D {
  return (Array.isArray(outputs) ? outputs[0] : outputs) as tf.Tensor2D;
}

export function createObjective(spec: RunSpec, numClasses: number, seed: number): Objective {
  const loss = spec.loss;
  if (loss.type === 'arcface' || loss.type === 'cosface' || loss.type === 'cdml') {
    const head: MarginHead = createMarginHead(loss, spec.model.embeddingSize ?? 0, numClasses, seed);
    return {
      variables: head.variables,
      compute(outputs, batch) {
        const embeddings = first(outputs);
        const total = head.loss(embeddings, batch.labels);
        return { total, parts: {}, correct: countCorrect(head.cosine(embeddings), batch.labels) };
      },
      dispose: () => head.dispose(),
    };
  }
  if (loss.type === 'multiTask') {
    return {
      variables: [],
      compute(outputs, batch) {
        if (!Array.isArray(outputs) || outputs.length !== 2) throw new Error('a detection model has two outputs (class, box)');
        const [logits, boxes] = outputs as [tf.Tensor2D, tf.Tensor2D];
        if (!batch.boxes) throw new Error('a detection batch needs boxes');
        const classLoss = softmaxCrossEntropy(batch.soft ?? batch.labels, logits, loss.labelSmoothing);
        const locLoss = boxLoss(loss.box, batch.boxes, boxes);
        const { total } = multiTaskLoss([
          { name: 'box_loss', weight: loss.boxWeight, value: locLoss },
          { name: 'class_loss', weight: loss.classWeight, value: classLoss },
        ]);
        return { total, parts: { class_loss: classLoss, box_loss: locLoss }, correct: countCorrect(logits, batch.labels) };
      },
      dispose() {},
    };
  }
  return {
    variables: [],
    compute(outputs, batch) {
      const logits = first(outputs);
      const total = softmaxCrossEntropy(batch.soft ?? batch.labels, logits, loss.labelSmoothing);
      return { total, parts: {}, correct: countCorrect(logits, batch.labels) };
    },
    dispose() {},
  };
}
