import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { architectures } from '../spec/runSpec.ts';
import { buildModel } from './buildModel.ts';
import { modelCost } from './modelCost.ts';
import { zooTable } from './zooTable.ts';

describe('zooTable', () => {
  const opts = { inputSize: 32, channels: 1 as const, numClasses: 3, width: 0.25 };

  it('lists every architecture with the cost of its classifier, and leaks no tensors', () => {
    const before = tf.memory().numTensors;
    const rows = zooTable(opts);
    expect(tf.memory().numTensors).toBe(before);
    // dlib's face network has no output below 103 px: it is left out of a 32-px table, and listed at 112.
    expect(rows.map((r) => r.architecture)).toEqual(architectures.filter((a) => a !== 'faceRecognitionNet'));
    expect(zooTable({ ...opts, inputSize: 112 }).map((r) => r.architecture)).toEqual([...architectures]);
    for (const r of rows) {
      expect(r.params).toBeGreaterThan(0);
      expect(r.bytes).toBe(4 * r.params);
      expect(r.flops).toBe(2 * r.macs);
    }
    const model = buildModel({
      model: { architecture: 'resnet18', width: 0.25, inputSize: 32, head: { hidden: [], dropout: 0, batchNorm: false, activation: 'relu' }, frozenLayers: 0 },
      channels: 1,
      task: { kind: 'classification' },
      numClasses: 3,
      seed: 9,
      convention: 'torchvision',
    });
    expect(rows.find((r) => r.architecture === 'resnet18')).toEqual({ architecture: 'resnet18', ...modelCost(model) });
    model.dispose();
    // Lite halves every width: a quarter of the convolution cost.
    const byName = new Map(rows.map((r) => [r.architecture, r]));
    expect(byName.get('iresnet50Lite')!.macs).toBeLessThan(byName.get('iresnet50')!.macs / 3);
  });

  it('stays flat when called repeatedly', () => {
    zooTable({ ...opts, width: 0.125 });
    const before = tf.memory().numTensors;
    zooTable({ ...opts, width: 0.125 });
    expect(tf.memory().numTensors).toBe(before);
  });
});
