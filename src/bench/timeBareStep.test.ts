import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { timeBareStep } from './timeBareStep.ts';

describe('timeBareStep', () => {
  it('trains the case with its own optimizer, gives a rate, and releases every tensor it made', async () => {
    const before = tf.memory().numTensors;
    const { samplesPerSec, epochLosses } = await timeBareStep({ architecture: 'smallCnn', width: 0.25, inputSize: 16, batchSize: 4 }, 12, 6);
    expect(samplesPerSec).toBeGreaterThan(0);
    expect(Number.isFinite(samplesPerSec)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    // The same three batches every epoch: a model that is really updated fits them.
    expect(epochLosses).toHaveLength(6);
    expect(epochLosses.at(-1)!).toBeLessThan(epochLosses[0]! * 0.8);
  });
});
