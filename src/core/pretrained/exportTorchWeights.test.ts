import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../models/buildModel.ts';
import type { Architecture, HeadSpec, TaskSpec } from '../spec/runSpec.ts';
import { exportTorchWeights } from './exportTorchWeights.ts';
import { importStudioTorchWeights } from './importStudioTorchWeights.ts';
import { readSafetensors, writeSafetensors } from './safetensors.ts';

// Small on purpose: every forward pass runs on the CPU backend.
const SIZE = 32;
const CLASSES = 3;
const NO_HIDDEN: HeadSpec = { hidden: [], dropout: 0, batchNorm: false, activation: 'relu' };
const HIDDEN: HeadSpec = { hidden: [16, 8], dropout: 0, batchNorm: true, activation: 'gelu' };

interface Case {
  architecture: Architecture;
  task: TaskSpec;
  head: HeadSpec;
  width: number;
}

const CASES: Case[] = [
  ...(['resnet18', 'mobilenetV2', 'efficientnetB0', 'iresnet18'] as const).map((architecture) => ({ architecture, task: { kind: 'classification' } as TaskSpec, head: NO_HIDDEN, width: 0.25 })),
  { architecture: 'resnet18', task: { kind: 'classification' }, head: HIDDEN, width: 0.25 },
  { architecture: 'mobilenetV3Small', task: { kind: 'classification' }, head: HIDDEN, width: 0.5 },
  { architecture: 'mobilenetV2', task: { kind: 'embedding' }, head: HIDDEN, width: 0.25 },
  { architecture: 'iresnet18', task: { kind: 'embedding' }, head: NO_HIDDEN, width: 0.25 },
  { architecture: 'efficientnetB0', task: { kind: 'detection', confidenceThreshold: 0.9 }, head: NO_HIDDEN, width: 0.25 },
  { architecture: 'vgg16', task: { kind: 'classification' }, head: NO_HIDDEN, width: 0.125 },
  { architecture: 'mlp', task: { kind: 'detection', confidenceThreshold: 0.9 }, head: HIDDEN, width: 0.25 },
  { architecture: 'smallCnn', task: { kind: 'embedding' }, head: NO_HIDDEN, width: 0.25 },
];

function build(c: Case, seed: number): tfl.LayersModel {
  return buildModel({
    model: { architecture: c.architecture, width: c.width, inputSize: SIZE, head: c.head, embeddingSize: 8, frozenLayers: 0 },
    channels: 3,
    task: c.task,
    numClasses: CLASSES,
    seed,
    convention: 'torchvision',
  });
}

function outputs(model: tfl.LayersModel, x: tf.Tensor): Float32Array[] {
  const y = model.predict(x);
  const list = Array.isArray(y) ? y : [y];
  const values = list.map((t) => t.dataSync() as Float32Array);
  tf.dispose(list);
  return values;
}

describe.each(CASES)('$architecture $task.kind (hidden $head.hidden)', (c) => {
  it('export → safetensors → import into another seed gives the same weights and outputs', () => {
    const a = build(c, 1);
    const b = build(c, 2);
    try {
      const file = readSafetensors(writeSafetensors(exportTorchWeights(a, c.architecture)));
      const names = importStudioTorchWeights(b, file, c.architecture);
      expect(names.length).toBe(a.weights.length);
      expect(new Set(names).size).toBe(names.length);
      a.weights.forEach((w, i) => expect(Array.from(b.weights[i].read().dataSync()), w.originalName).toEqual(Array.from(w.read().dataSync())));
      const x = tf.randomNormal([2, SIZE, SIZE, 3], 0, 1, 'float32', 7);
      expect(outputs(b, x)).toEqual(outputs(a, x));
      x.dispose();
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});

describe('studio-torch names', () => {
  const c: Case = { architecture: 'resnet18', task: { kind: 'classification' }, head: HIDDEN, width: 0.25 };

  it('names torchvision layers as torchvision does, the studio’s own by their zoo name, in PyTorch’s layouts', () => {
    const model = build(c, 1);
    const byName = new Map(exportTorchWeights(model, c.architecture).map((t) => [t.name, t.shape]));
    expect(byName.get('conv1.weight')).toEqual([16, 3, 7, 7]);
    expect(byName.get('layer2.0.downsample.1.running_var')).toEqual([32]);
    expect(byName.get('head_dense1.weight')).toEqual([16, 128]);
    expect(byName.get('head_dense1_bn.running_mean')).toEqual([16]);
    expect(byName.get('fc.weight')).toEqual([CLASSES, 8]);
    model.dispose();
  });

  it('writes squeeze-excite as 1×1 convolutions and PReLU as [C]', () => {
    const v3 = build({ architecture: 'mobilenetV3Small', task: { kind: 'classification' }, head: NO_HIDDEN, width: 1 }, 1);
    const ir = build({ architecture: 'iresnet18Lite', task: { kind: 'embedding' }, head: NO_HIDDEN, width: 1 }, 1);
    const v3Names = new Map(exportTorchWeights(v3, 'mobilenetV3Small').map((t) => [t.name, t.shape]));
    const irNames = new Map(exportTorchWeights(ir, 'iresnet18Lite').map((t) => [t.name, t.shape]));
    expect(v3Names.get('features.1.block.1.fc1.weight')).toEqual([8, 16, 1, 1]);
    expect(v3Names.get('features.0.0.weight')).toEqual([16, 3, 3, 3]);
    expect(v3Names.get('features.1.block.0.0.weight')).toEqual([16, 1, 3, 3]);
    expect(irNames.get('prelu.weight')).toEqual([32]);
    expect(irNames.get('fc.weight')).toEqual([8, 256 * 2 * 2]);
    v3.dispose();
    ir.dispose();
  });

  it('refuses a missing, extra or mis-shaped tensor naming it, and writes nothing then', () => {
    const a = build(c, 1);
    const b = build(c, 2);
    const before = b.weights.map((w) => Array.from(w.read().dataSync()));
    const tensors = exportTorchWeights(a, c.architecture);
    const without = tensors.filter((t) => t.name !== 'layer1.0.bn1.weight');
    const extra = [...tensors, { name: 'head_dense9.weight', shape: [1], data: new Float32Array(1) }];
    const misshaped = tensors.map((t) => (t.name === 'fc.weight' ? { ...t, shape: [t.shape[1], t.shape[0]] } : t));
    const counters = [...tensors, { name: 'bn1.num_batches_tracked', shape: [], data: new Float32Array(1) }, { name: 'loss.centres', shape: [1], data: new Float32Array(1) }];
    expect(() => importStudioTorchWeights(b, readSafetensors(writeSafetensors(without)), 'resnet18')).toThrow('layer1.0.bn1.weight is missing');
    expect(() => importStudioTorchWeights(b, readSafetensors(writeSafetensors(extra)), 'resnet18')).toThrow('head_dense9.weight is not part of this resnet18');
    expect(() => importStudioTorchWeights(b, readSafetensors(writeSafetensors(misshaped)), 'resnet18')).toThrow(`fc.weight is [8, ${CLASSES}] where logits/kernel needs [${CLASSES}, 8]`);
    b.weights.forEach((w, i) => expect(Array.from(w.read().dataSync())).toEqual(before[i]));
    expect(importStudioTorchWeights(b, readSafetensors(writeSafetensors(counters)), 'resnet18')).toHaveLength(tensors.length);
    a.dispose();
    b.dispose();
  });
});
