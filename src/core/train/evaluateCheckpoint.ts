import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { evaluatePredictions } from '../evaluate/evaluatePredictions.ts';
import type { EvaluationMeta, EvaluationReport } from '../evaluate/evaluationReport.ts';
import { restoredEpoch } from '../evaluate/restoredEpoch.ts';
import { modelCost } from '../models/modelCost.ts';
import type { RunSpec } from '../spec/runSpec.ts';
import type { Checkpoint } from './checkpoint.ts';
import { predictSplit } from './evaluateSplit.ts';
import { modelFromCheckpoint } from './modelFromCheckpoint.ts';
import type { PreparedData } from './prepareData.ts';
import type { Pair } from './verificationPairs.ts';

/** Inference calls timed for the latency figure, after warm-up calls that compile kernels. */
const LATENCY_RUNS = 10;
const LATENCY_WARMUP = 2;

export interface EvaluateCheckpointOptions {
  spec: RunSpec;
  checkpoint: Checkpoint;
  data: PreparedData;
  split: 'train' | 'val' | 'test';
  /** What the host knows about the run and device, copied into the report's meta. */
  meta: Omit<EvaluationMeta, 'task' | 'architecture' | 'checkpoint' | 'split' | 'classNames' | 'sampleIds' | 'cost' | 'createdAt'> & {
    slot: string;
  };
  /** Verification pairs imported from a pairs file, as positions into the split's samples. */
  pairs?: Pair[];
  /** A clock in ms (performance.now in hosts); without one no latency is measured. */
  now?: () => number;
}

/**
 * Evaluates a checkpoint on one split of its run's data: rebuilds the model, predicts
 * every sample of the split in inference mode, and turns the predictions into the
 * report every view and file reads. The split is the one training used (prepareData
 * with the run's seed), so "test" never holds an image the model trained on.
 */
export async function evaluateCheckpoint(o: EvaluateCheckpointOptions): Promise<EvaluationReport> {
  const { spec, checkpoint, data, split } = o;
  const names = data.cache.classNames;
  if (checkpoint.classNames.join('\u0000') !== names.join('\u0000')) {
    throw new Error(`the checkpoint was trained on classes [${checkpoint.classNames.join(', ')}], the data now has [${names.join(', ')}]`);
  }
  const indices = data.split[split];
  if (indices.length === 0) throw new Error(`the ${split} split of ${data.cache.refs.length} samples is empty: there is nothing to evaluate`);
  const model = modelFromCheckpoint(spec, checkpoint);
  try {
    const predictions = await predictSplit({ spec, model, cache: data.cache, indices });
    const task = spec.task.kind;
    const result = evaluatePredictions({
      task,
      predictions,
      classNames: names,
      seed: spec.training.seed,
      ...(o.pairs ? { pairs: o.pairs } : {}),
      ...(spec.task.kind === 'detection' ? { confidenceThreshold: spec.task.confidenceThreshold } : {}),
    });
    const { slot, ...hostMeta } = o.meta;
    const restored = restoredEpoch(spec, checkpoint, slot);
    const latencyMs = o.now ? await latency(model, spec, o.now) : undefined;
    const report: EvaluationReport = {
      meta: {
        ...hostMeta,
        task,
        architecture: spec.model.architecture,
        checkpoint: { slot, epoch: checkpoint.epoch, step: checkpoint.step, ...(restored !== undefined ? { restoredEpoch: restored } : {}) },
        split,
        classNames: names,
        sampleIds: indices.map((i) => data.cache.refs[i].id),
        cost: { ...modelCost(model), ...(latencyMs !== undefined ? { latencyMs } : {}) },
        createdAt: Date.now(),
      },
      result,
    };
    return report;
  } finally {
    model.dispose();
  }
}

/** Median time of one single-image forward pass including the read-back, as an app would call it. */
async function latency(model: tfl.LayersModel, spec: RunSpec, now: () => number): Promise<number> {
  const { imageSize, channels } = spec.data;
  const x = tf.zeros([1, imageSize, imageSize, channels]);
  const times: number[] = [];
  try {
    for (let i = 0; i < LATENCY_WARMUP + LATENCY_RUNS; i++) {
      const start = now();
      const out = model.predict(x) as tf.Tensor | tf.Tensor[];
      const outs = Array.isArray(out) ? out : [out];
      await Promise.all(outs.map((t) => t.data()));
      tf.dispose(outs);
      if (i >= LATENCY_WARMUP) times.push(now() - start);
    }
  } finally {
    x.dispose();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
