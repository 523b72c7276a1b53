import * as tf from '@tensorflow/tfjs-core';
import { buildModel } from '../core/models/index.ts';
import { modelConvention, modelSemantics } from '../core/spec/runSpec.ts';
import { benchSpec, type BenchCase } from './benchCase.ts';
import { samplesPerSecAfterWarmUp } from './samplesPerSecAfterWarmUp.ts';

/**
 * Samples per second of stock tfjs's own loop, `model.fit` with `tf.train.adam`, on the same
 * architecture, batch and number of samples as `timeTrainer`; the first epoch is a warm-up.
 */
export async function timeModelFit(c: BenchCase, samples: number, epochs: number): Promise<number> {
  const spec = benchSpec(c, samples, epochs);
  const model = buildModel({ model: spec.model, channels: 3, task: spec.task, numClasses: 4, seed: 1, convention: modelConvention(spec), freezing: modelSemantics(spec) });
  const n = Math.floor(samples / c.batchSize) * c.batchSize;
  const x = tf.randomUniform([n, c.inputSize, c.inputSize, 3]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % 4), 'int32'), 4);
  model.compile({
    optimizer: tf.train.adam(1e-3),
    loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
  });
  const durations: number[] = [];
  let started = 0;
  try {
    await model.fit(x, y, {
      batchSize: c.batchSize,
      epochs,
      shuffle: true,
      verbose: 0,
      callbacks: {
        onEpochBegin: async () => {
          started = performance.now();
        },
        onEpochEnd: async () => {
          durations.push((performance.now() - started) / 1000);
        },
      },
    });
  } finally {
    tf.dispose([x, y]);
    model.dispose();
  }
  return samplesPerSecAfterWarmUp(durations, n);
}
