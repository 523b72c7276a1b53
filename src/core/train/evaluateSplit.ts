import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { batches, normalizationParams, normalize, type ImageCache } from '../data/index.ts';
import type { Box } from '../data/sampleSource.ts';
import { equalErrorRate, meanIou, precisionAtIou, rocAuc, topKAccuracy, verificationAccuracy, verificationFolds } from '../metrics/index.ts';
import type { RunSpec } from '../spec/runSpec.ts';
import { Rng } from '../util/rng.ts';
import type { Objective } from './createObjective.ts';
import { cosineAt, verificationPairs } from './verificationPairs.ts';

export interface Predictions {
  /** Class probabilities, one row per sample (classification, detection). */
  probs?: Float32Array[];
  /** L2-normalized embeddings, row-major [N, dim] (embedding). */
  embeddings?: { data: Float32Array; dim: number };
  /** Predicted boxes (detection). */
  boxes?: Box[];
  labels: Int32Array;
  trueBoxes?: Box[];
  /** Sum of the objective's loss over samples, where the task has a held-out loss. */
  lossSum?: number;
  partSums: Record<string, number>;
}

interface PredictOptions {
  spec: RunSpec;
  model: tfl.LayersModel;
  objective?: Objective;
  cache: ImageCache;
  indices: number[];
  /**
   * The model's outputs for a batch in inference, in place of `model.apply` on its images
   * (the Trainer's cached frozen features); the images are still what the loss sees.
   */
  forward?: (indices: number[], x: tf.Tensor4D) => tf.Tensor | tf.Tensor[];
}

/** Runs the model in inference mode over some samples; one read-back per batch. */
export async function predictSplit({ spec, model, objective, cache, indices, forward }: PredictOptions): Promise<Predictions> {
  const norm = normalizationParams(spec.data.normalization, spec.data.channels);
  const out: Predictions = { labels: new Int32Array(indices.length), partSums: {} };
  const probs: Float32Array[] = [];
  const boxes: Box[] = [];
  const trueBoxes: Box[] = [];
  const embedChunks: Float32Array[] = [];
  let dim = 0;
  let offset = 0;
  let lossSum = 0;
  const withLoss = objective !== undefined && spec.task.kind !== 'embedding';
  const batchSize = Math.max(spec.training.batchSize, 32);
  for await (const batch of batches(cache, indices, { batchSize, shuffle: false, rng: new Rng(0) })) {
    const n = batch.labels.length;
    out.labels.set(batch.labels, offset);
    offset += n;
    const { outputs, loss, parts } = tf.tidy(() => {
      const x = normalize(batch.x, norm);
      const raw = forward ? forward(batch.indices, x) : (model.apply(x, { training: false }) as tf.Tensor | tf.Tensor[]);
      const heads = Array.isArray(raw) ? raw : [raw];
      const shown = spec.task.kind === 'embedding' ? [heads[0]] : [tf.softmax(heads[0]), ...heads.slice(1)];
      let loss: tf.Scalar | undefined;
      let parts: Record<string, tf.Scalar> = {};
      if (withLoss) {
        const labels = tf.tensor1d(batch.labels, 'int32');
        const trueB = batch.boxes ? tf.tensor2d(batch.boxes, [n, 4]) : undefined;
        const r = objective.compute(raw, { x, labels, ...(trueB ? { boxes: trueB } : {}) });
        loss = tf.mul(r.total, n) as tf.Scalar;
        parts = Object.fromEntries(Object.entries(r.parts).map(([k, v]) => [k, tf.mul(v, n) as tf.Scalar]));
      }
      return { outputs: shown, loss, parts };
    });
    batch.x.dispose();
    // One read-back per batch for outputs, loss and loss parts together.
    const partNames = Object.keys(parts);
    const sums = [...(loss ? [loss] : []), ...partNames.map((k) => parts[k])];
    const values = await Promise.all([...outputs, ...sums].map((t) => t.data() as Promise<Float32Array>));
    const [first, ...rest] = values.slice(0, outputs.length);
    const sumValues = values.slice(outputs.length);
    if (loss) lossSum += sumValues.shift()![0];
    partNames.forEach((k, i) => (out.partSums[k] = (out.partSums[k] ?? 0) + sumValues[i][0]));
    tf.dispose([...outputs, ...(loss ? [loss] : []), ...Object.values(parts)]);
    const width = first.length / n;
    if (spec.task.kind === 'embedding') {
      dim = width;
      embedChunks.push(first);
    } else {
      for (let i = 0; i < n; i++) probs.push(first.slice(i * width, (i + 1) * width));
    }
    if (spec.task.kind === 'detection' && rest[0] && batch.boxes) {
      for (let i = 0; i < n; i++) {
        boxes.push(Array.from(rest[0].slice(i * 4, i * 4 + 4)) as Box);
        trueBoxes.push(Array.from(batch.boxes.slice(i * 4, i * 4 + 4)) as Box);
      }
    }
  }
  if (spec.task.kind === 'embedding') {
    const data = new Float32Array(indices.length * dim);
    let at = 0;
    for (const c of embedChunks) {
      data.set(c, at);
      at += c.length;
    }
    out.embeddings = { data, dim };
  } else {
    out.probs = probs;
  }
  if (spec.task.kind === 'detection') {
    out.boxes = boxes;
    out.trueBoxes = trueBoxes;
  }
  if (withLoss) out.lossSum = lossSum;
  return out;
}

/**
 * Metrics for one split, named with `prefix` (val_loss, val_acc, ...). Embedding runs are
 * judged by verification on pairs of the split's own identities, which for an
 * identity-disjoint split are identities the model never trained on (seed 000).
 */
export function metricsFromPredictions(spec: RunSpec, p: Predictions, prefix: string): Record<string, number> {
  const m: Record<string, number> = {};
  const n = p.labels.length;
  if (n === 0) return m;
  if (p.lossSum !== undefined) m[`${prefix}loss`] = p.lossSum / n;
  for (const [k, v] of Object.entries(p.partSums)) m[`${prefix}${k}`] = v / n;
  if (p.probs) {
    m[`${prefix}acc`] = topKAccuracy(p.probs, p.labels, 1);
    const classes = p.probs[0]?.length ?? 0;
    if (classes > 5) m[`${prefix}top5`] = topKAccuracy(p.probs, p.labels, 5);
  }
  if (p.embeddings) {
    const pairs = verificationPairs(p.labels);
    const scores = pairs.map((q) => cosineAt(p.embeddings!.data, p.embeddings!.dim, q.a, q.b));
    const same = pairs.map((q) => q.same);
    m[`${prefix}auc`] = rocAuc(scores, same);
    m[`${prefix}eer`] = equalErrorRate(scores, same).eer;
    if (pairs.length >= 2) m[`${prefix}verification_acc`] = verificationAccuracy(scores, same, verificationFolds(pairs.length)).mean;
  }
  if (p.boxes && p.trueBoxes && p.probs) {
    m[`${prefix}iou`] = meanIou(p.boxes, p.trueBoxes);
    const confidences = p.probs.map((row) => Math.max(...row));
    const cut = spec.task.kind === 'detection' ? spec.task.confidenceThreshold : 0;
    m[`${prefix}precision_iou50`] = precisionAtIou(p.boxes, p.trueBoxes, 0.5, { confidences, minConfidence: cut });
  }
  return m;
}

export async function evaluateSplit(opts: PredictOptions & { prefix: string; seed: number }): Promise<Record<string, number>> {
  if (opts.indices.length === 0) return {};
  return metricsFromPredictions(opts.spec, await predictSplit(opts), opts.prefix);
}
