import * as tf from '@tensorflow/tfjs-core';
import { buildModel } from '../core/models/index.ts';
import { modelConvention, modelSemantics } from '../core/spec/runSpec.ts';
import { createOptimizer } from '../core/optim/index.ts';
import { createObjective } from '../core/train/createObjective.ts';
import { benchSpec, type BenchCase } from './benchCase.ts';
import { samplesPerSecAfterWarmUp } from './samplesPerSecAfterWarmUp.ts';

const CLASSES = 4;

export interface BareStepTiming {
  samplesPerSec: number;
  /** Each epoch's mean batch loss, warm-up included: the steps really train. */
  epochLosses: number[];
}

/**
 * Samples per second of the least a training step can be on the active backend: the model the
 * Trainer builds, its objective and its own optimizer (the same fused steps), on batches made
 * and uploaded before the clock starts, with no augmentation, normalization, metrics, events or
 * schedule; the loss is summed on the device and read once an epoch, as the Trainer's window
 * is. The Trainer over this is what its loop costs (issue 6: at most 5%). The first epoch is a
 * warm-up.
 */
export async function timeBareStep(c: BenchCase, samples: number, epochs: number): Promise<BareStepTiming> {
  const spec = benchSpec(c, samples, epochs);
  const model = buildModel({ model: spec.model, channels: 3, task: spec.task, numClasses: CLASSES, seed: 1, convention: modelConvention(spec), freezing: modelSemantics(spec) });
  const objective = createObjective(spec, CLASSES, 2);
  const variables = [...model.trainableWeights.map((w) => w.read() as tf.Variable), ...objective.variables];
  const optimizer = createOptimizer(spec.optimizer, variables);
  const steps = Math.floor(samples / c.batchSize);
  const batches = Array.from({ length: steps }, (_, s) => ({
    x: tf.randomUniform([c.batchSize, c.inputSize, c.inputSize, 3], -1, 1) as tf.Tensor4D,
    labels: tf.tensor1d(
      Array.from({ length: c.batchSize }, (_, i) => (s * c.batchSize + i) % CLASSES),
      'int32',
    ),
  }));
  const durations: number[] = [];
  const epochLosses: number[] = [];
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const started = performance.now();
      let total: tf.Tensor = tf.scalar(0);
      for (const batch of batches) {
        const { value, grads } = tf.variableGrads(() => objective.compute(model.apply(batch.x, { training: true }) as tf.Tensor, batch).total, variables);
        optimizer.step(variables.map((v) => grads[v.name]), spec.optimizer.lr);
        const sum = tf.add(total, value);
        tf.dispose([total, value, ...Object.values(grads)]);
        total = sum;
      }
      epochLosses.push((await total.data())[0]! / steps);
      total.dispose();
      durations.push((performance.now() - started) / 1000);
    }
  } finally {
    tf.dispose(batches.flatMap((b) => [b.x, b.labels]));
    optimizer.dispose();
    objective.dispose();
    model.dispose();
  }
  return { samplesPerSec: samplesPerSecAfterWarmUp(durations, steps * c.batchSize), epochLosses };
}
