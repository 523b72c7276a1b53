import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../src/core/models/buildModel.ts';
import type { WeightLoadReport } from '../src/core/pretrained/importNamedWeights.ts';
import { importTorchWeights } from '../src/core/pretrained/importTorchWeights.ts';
import { readSafetensors } from '../src/core/pretrained/safetensors.ts';
import type { Architecture, ModelSpec, TaskSpec } from '../src/core/spec/runSpec.ts';
import { relativeError } from '../src/core/util/relativeError.ts';
import { torchReference, type TorchReference } from './torchReference.ts';

// The zoo under the torchvision convention computes PyTorch's function: each network is
// built by torchvision 0.14 (Debian's python3-torchvision; IResNet from insightface's
// definition in the script) with seeded random weights and batch-norm statistics, saved as
// safetensors with torchvision's names, imported through the studio's importer, and run in
// eval mode on the same input (test/reference/torchvision_parity.py). Outputs and the last
// feature map agree within 1e-4 relative (max |Δ| / max(1, max |reference|)); one forward
// pass in training mode moves every batch norm's running statistics as PyTorch's does.

const TOLERANCE = 1e-4;

interface Case {
  architecture: Architecture;
  size: number;
  /** The layer whose output is the backbone's last feature map. */
  features: string;
  /** VGG-16's classifier (480 MB) stays out of the file; at 64 px torchvision pools to 7×7 first, the zoo does not. */
  noClassifier?: boolean;
  /** The file named as timm names these networks (the Hub's timm repositories), not as torchvision does. */
  names?: 'timm';
}

const CASES: Case[] = [
  { architecture: 'resnet18', size: 64, features: 'stage4_block2_out' },
  { architecture: 'resnet34', size: 48, features: 'stage4_block3_out' },
  { architecture: 'resnet50', size: 48, features: 'stage4_block3_out' },
  { architecture: 'mobilenetV2', size: 64, features: 'last_relu6' },
  { architecture: 'mobilenetV3Small', size: 64, features: 'last_hardSwish' },
  { architecture: 'efficientnetB0', size: 64, features: 'last_swish' },
  { architecture: 'mobilenetV2', size: 64, features: 'last_relu6', names: 'timm' },
  { architecture: 'efficientnetB0', size: 64, features: 'last_swish', names: 'timm' },
  { architecture: 'vgg16', size: 64, features: 'block5_pool', noClassifier: true },
  { architecture: 'iresnet18', size: 48, features: 'features_bn' },
  { architecture: 'iresnet34Lite', size: 32, features: 'features_bn' },
  { architecture: 'iresnet50Lite', size: 32, features: 'features_bn' },
];

function spec(c: Case): { model: ModelSpec; task: TaskSpec; numClasses: number } {
  const embedding = c.architecture.startsWith('iresnet');
  return {
    model: { architecture: c.architecture, width: 1, inputSize: c.size, head: { hidden: [], dropout: 0, batchNorm: false, activation: 'relu' }, frozenLayers: 0, ...(embedding ? { embeddingSize: 512 } : {}) },
    task: embedding ? { kind: 'embedding' } : { kind: 'classification' },
    numClasses: 1000,
  };
}

function floats(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

describe.each(CASES)('$architecture computes PyTorch’s function (names: $names)', (c) => {
  let ref: TorchReference;
  let model: tfl.LayersModel;
  let report: WeightLoadReport;

  beforeAll(() => {
    ref = torchReference({ arch: c.architecture, size: c.size, noClassifier: c.noClassifier, ...(c.names ? { names: c.names } : {}) });
    model = buildModel({ ...spec(c), channels: 3, seed: 1, convention: 'torchvision' });
    report = importTorchWeights(model, readSafetensors(readFileSync(`${ref.dir}/weights.safetensors`)), { architecture: c.architecture, ...(c.names ? { naming: c.names } : {}) });
  }, 180_000);
  afterAll(() => model?.dispose());

  it('imports every tensor of the file, in eval mode gives its outputs and feature map', () => {
    expect(report.mismatched).toEqual([]);
    expect(report.unused).toEqual([]);
    const fresh = new Set(report.fresh.map((f) => f.weight.split('/')[0]));
    expect(fresh).toEqual(new Set(c.noClassifier ? ['fc1', 'fc2', 'logits'] : []));
    expect(report.loaded.length + report.fresh.length).toBe(model.weights.length);
    // The report speaks the file's own names.
    if (c.names === 'timm') expect(report.loaded.map((l) => l.from)).toContain('blocks.1.0.conv_dw.weight');

    const [batch] = ref.meta.output;
    const x = tf.tensor4d(floats(`${ref.dir}/input.bin`), [batch, c.size, c.size, 3]);
    const expected = floats(`${ref.dir}/eval.bin`);
    const outputSize = ref.meta.output.reduce((a, b) => a * b, 1);
    const trunk = tfl.model({ inputs: model.inputs, outputs: model.getLayer(c.features).output as tfl.SymbolicTensor });
    const [out, features] = tf.tidy(() => [model.predict(x) as tf.Tensor, trunk.predict(x) as tf.Tensor]);
    expect(features.shape).toEqual(ref.meta.features);
    expect(relativeError(features.dataSync(), expected.subarray(outputSize)), 'feature map').toBeLessThan(TOLERANCE);
    if (!c.noClassifier) {
      expect(out.shape).toEqual(ref.meta.output);
      expect(relativeError(out.dataSync(), expected.subarray(0, outputSize)), 'output').toBeLessThan(TOLERANCE);
    }
    // The comparison has teeth: the reference's values are not near zero.
    expect(Math.max(...Array.from(expected.subarray(outputSize, outputSize + 1000), Math.abs))).toBeGreaterThan(0.1);
    tf.dispose([x, out, features]);
  });

  // VGG-16 has no batch norm.
  it.skipIf(c.architecture === 'vgg16')('one training-mode pass moves the running statistics as PyTorch’s batch norm does', () => {
    const after = readSafetensors(readFileSync(`${ref.dir}/train.safetensors`));
    const [batch] = ref.meta.output;
    const x = tf.tensor4d(floats(`${ref.dir}/input.bin`), [batch, c.size, c.size, 3]);
    tf.tidy(() => {
      model.apply(x, { training: true });
    });
    const file = readSafetensors(readFileSync(`${ref.dir}/weights.safetensors`));
    const byWeight = new Map(report.loaded.map((l) => [l.weight, l.from]));
    let compared = 0;
    let moved = 0;
    for (const w of model.weights) {
      if (!/moving_(mean|variance)$/.test(w.originalName)) continue;
      const from = byWeight.get(w.originalName);
      expect(from, w.originalName).toBeDefined();
      const want = after.tensors.get(from!)!.data!;
      const got = w.read().dataSync();
      expect(relativeError(got, want), w.originalName).toBeLessThan(TOLERANCE);
      if (relativeError(file.tensors.get(from!)!.data!, want) > 1e-3) moved++;
      compared++;
    }
    expect(compared).toBeGreaterThan(0);
    // The statistics did move (MobileNetV3's momentum of 0.01 moves them least).
    expect(moved).toBeGreaterThan(compared / 2);
    x.dispose();
  });
});

describe('timm names', () => {
  it('a timm file read as torchvision names, or timm names for a network timm names otherwise, is refused in one sentence', () => {
    const timmFile = readSafetensors(readFileSync(`${torchReference({ arch: 'efficientnetB0', size: 64, names: 'timm' }).dir}/weights.safetensors`));
    const model = buildModel({ ...spec({ architecture: 'efficientnetB0', size: 64, features: '' }), channels: 3, seed: 1, convention: 'torchvision' });
    try {
      expect(() => importTorchWeights(model, timmFile, { architecture: 'efficientnetB0' })).toThrow(
        `these weights are not for efficientnetB0 with torchvision's names: it holds timm's EfficientNet (stem of 32 channels) (a file with timm's names needs naming "timm")`,
      );
      expect(() => importTorchWeights(model, timmFile, { architecture: 'vgg16', naming: 'timm' })).toThrow(
        "timm's names are read for resnet18, resnet34, resnet50, mobilenetV2, efficientnetB0, not vgg16: use a file with torchvision's names",
      );
    } finally {
      model.dispose();
    }
  });
});
