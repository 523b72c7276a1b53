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

/**
 * The margin head's rows for an embedding run: one per identity of the training split, as
 * published recipes size ArcFace's W (held-out identities would get rows that act only as
 * negatives). `rowOf[label]` is a label's row, -1 for identities the training split lacks.
 */
export function trainingIdentityRows(labels: ArrayLike<number>, trainIndices: readonly number[], numClasses: number): { rows: number; rowOf: Int32Array } {
  const rowOf = new Int32Array(numClasses).fill(-1);
  const present = [...new Set(trainIndices.map((i) => labels[i]))].sort((a, b) => a - b);
  present.forEach((label, row) => (rowOf[label] = row));
  return { rows: present.length, rowOf };
}

/**
 * `rowOf` (embedding tasks) maps each class label to its margin-head row; without it the head
 * has a row per class, as runs made before issue 26 had.
 */
export function createObjective(spec: RunSpec, numClasses: number, seed: number, rowOf?: Int32Array): Objective {
  const loss = spec.loss;
  if (loss.type === 'arcface' || loss.type === 'cosface' || loss.type === 'cdml') {
    const rows = rowOf ? Math.max(...rowOf) + 1 : numClasses;
    const head: MarginHead = createMarginHead(loss, spec.model.embeddingSize ?? 0, rows, seed);
    const rowTable = rowOf ? tf.tensor1d(rowOf, 'int32') : undefined;
    return {
      variables: head.variables,
      compute(outputs, batch) {
        const embeddings = first(outputs);
        const targets = rowTable ? (tf.gather(rowTable, tf.cast(batch.labels, 'int32')) as tf.Tensor1D) : batch.labels;
        const total = head.loss(embeddings, targets);
        return { total, parts: {}, correct: countCorrect(head.cosine(embeddings), targets) };
      },
      dispose: () => {
        head.dispose();
        rowTable?.dispose();
      },
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
