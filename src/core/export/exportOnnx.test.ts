import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { normalizationParams, normalize } from '../data/normalization.ts';
import { syntheticSource } from '../data/syntheticSource.ts';
import { buildModel } from '../models/buildModel.ts';
import { FACE_RECOGNITION_MIN_INPUT } from '../models/faceRecognitionNet.ts';
import { architectures, parseRunSpec, type Architecture, type ModelSpec, type TaskSpec } from '../spec/runSpec.ts';
import { Rng } from '../util/rng.ts';
import { exportOnnx } from './exportOnnx.ts';
import { preprocessingSpec } from './preprocessingSpec.ts';

// The independent check: onnxruntime (its own kernels, its own graph reader) must give the
// studio's outputs for the studio's file, on real generated images.
const SIZE = 32;
const TOLERANCE = 1e-4;

/** The zoo's tests run at 32 px; dlib's face network has no output below 103 (faceRecognitionNet.ts). */
function sizeFor(architecture: Architecture): number {
  return architecture === 'faceRecognitionNet' ? FACE_RECOGNITION_MIN_INPUT : SIZE;
}

function modelSpec(architecture: Architecture, over: Partial<ModelSpec> = {}): ModelSpec {
  return { architecture, width: 0.25, inputSize: sizeFor(architecture), head: { hidden: [], dropout: 0.2, batchNorm: false, activation: 'relu' }, embeddingSize: 16, frozenLayers: 0, ...over };
}

/** Moving statistics away from 0 / 1, so inference batch norm is really exercised. */
function perturbBatchNorm(model: tfl.LayersModel, seed: number): void {
  const rng = new Rng(seed);
  for (const w of model.weights) {
    const kind = w.originalName.split('/').pop();
    if (kind !== 'moving_mean' && kind !== 'moving_variance' && kind !== 'gamma' && kind !== 'beta') continue;
    const n = w.shape.reduce<number>((a, b) => a * (b ?? 1), 1);
    const values = Float32Array.from({ length: n }, () => (kind === 'moving_variance' ? 0.5 + rng.next() : kind === 'gamma' ? 0.5 + rng.next() : 0.4 * (rng.next() - 0.5)));
    const t = tf.tensor(values, w.shape as number[]);
    w.write(t);
    t.dispose();
  }
}

/** A few generated images as the studio feeds them: [0, 1], normalized, NHWC. */
async function images(channels: 1 | 3, preset: 'imagenet' | 'half', size = SIZE): Promise<tf.Tensor4D> {
  const source = syntheticSource({ generator: 'shapes', classes: 3, perClass: 1, imageSize: size, seed: 3 });
  const refs = await source.list();
  const pixels: number[] = [];
  for (const ref of refs) {
    const img = await source.read(ref);
    for (let p = 0; p < size * size; p++) {
      const s = p * img.channels;
      if (channels === 3) pixels.push(img.data[s] / 255, img.data[s + 1] / 255, img.data[s + 2] / 255);
      else pixels.push((0.299 * img.data[s] + 0.587 * img.data[s + 1] + 0.114 * img.data[s + 2]) / 255);
    }
  }
  return tf.tidy(() => normalize(tf.tensor4d(pixels, [refs.length, size, size, channels]), normalizationParams({ preset }, channels)));
}

const OUTPUT_NAMES: Record<TaskSpec['kind'], string[]> = { classification: ['logits'], embedding: ['embedding'], detection: ['class_logits', 'box'] };

async function expectSameOutputs(model: tfl.LayersModel, task: TaskSpec, channels: 1 | 3 = 3): Promise<void> {
  const classifier = parseRunSpec({
    version: 1,
    data: { source: { kind: 'synthetic', generator: 'shapes', classes: 3, perClass: 1 }, imageSize: SIZE, channels, normalization: { preset: 'imagenet' } },
    model: { architecture: 'smallCnn', inputSize: SIZE },
    task: { kind: 'classification' },
    loss: { type: 'crossEntropy' },
    optimizer: { type: 'adam', lr: 0.001 },
    training: { epochs: 1, batchSize: 2 },
  });
  // Only the task and the input side matter to the preprocessing spec.
  const spec = { ...classifier, task };
  const bytes = await exportOnnx(model, { preprocessing: preprocessingSpec(spec, ['a', 'b', 'c']) });
  const session = await ort.InferenceSession.create(bytes);
  expect(session.inputNames).toEqual(['input']);
  expect(session.outputNames).toEqual(OUTPUT_NAMES[task.kind]);
  const all = await images(channels, 'imagenet', model.inputs[0].shape[1] as number);
  // The whole batch, then one image alone: the batch dimension is symbolic.
  for (const x of [all, tf.slice(all, 1, 1)]) {
    const expected = tf.tidy(() => [model.predict(x)].flat() as tf.Tensor[]);
    const nchw = tf.transpose(x, [0, 3, 1, 2]);
    const results = await session.run({ input: new ort.Tensor('float32', (await nchw.data()) as Float32Array, nchw.shape) });
    for (const [i, name] of session.outputNames.entries()) {
      const want = (await expected[i].data()) as Float32Array;
      const got = results[name].data as Float32Array;
      expect(results[name].dims).toEqual(expected[i].shape);
      let worst = 0;
      for (let k = 0; k < want.length; k++) worst = Math.max(worst, Math.abs(want[k] - got[k]) / Math.max(1, Math.abs(want[k])));
      // Absolute within 1e-4 for values up to 1, relative beyond (logits of deep nets can be large).
      expect(worst, `${model.name} output ${name}, batch ${x.shape[0]}`).toBeLessThan(TOLERANCE);
    }
    tf.dispose([x, nchw, ...expected]);
  }
  await session.release();
}

describe('exportOnnx, checked by onnxruntime', () => {
  it.each(architectures)('%s classifier gives the studio outputs within 1e-4', async (architecture) => {
    const model = buildModel({ model: modelSpec(architecture), channels: 3, task: { kind: 'classification' }, numClasses: 3, seed: 11, convention: 'torchvision' });
    try {
      perturbBatchNorm(model, 7);
      await expectSameOutputs(model, { kind: 'classification' });
    } finally {
      model.dispose();
    }
  }, 120_000);

  it.each(['iresnet18Lite', 'mobilenetV2', 'faceRecognitionNet'] as const)('%s embedding (L2-normalized) matches', async (architecture) => {
    const model = buildModel({ model: modelSpec(architecture), channels: 3, task: { kind: 'embedding' }, numClasses: 3, seed: 12, convention: 'torchvision' });
    try {
      perturbBatchNorm(model, 8);
      await expectSameOutputs(model, { kind: 'embedding' });
    } finally {
      model.dispose();
    }
  }, 120_000);

  it.each(['smallCnn', 'resnet18'] as const)('%s two-head tracker matches on both heads', async (architecture) => {
    const model = buildModel({ model: modelSpec(architecture, { head: { hidden: [16], dropout: 0, batchNorm: false, activation: 'relu' } }), channels: 3, task: { kind: 'detection', confidenceThreshold: 0.9 }, numClasses: 3, seed: 13, convention: 'torchvision' });
    try {
      perturbBatchNorm(model, 9);
      await expectSameOutputs(model, { kind: 'detection', confidenceThreshold: 0.9 });
    } finally {
      model.dispose();
    }
  }, 120_000);

  it.each(['gelu', 'leakyRelu'] as const)('a hidden head with batch norm and %s on greyscale input matches', async (activation) => {
    const model = buildModel({ model: modelSpec('mobilenetV3Small', { head: { hidden: [24, 12], dropout: 0.3, batchNorm: true, activation } }), channels: 1, task: { kind: 'classification' }, numClasses: 3, seed: 14, convention: 'torchvision' });
    try {
      perturbBatchNorm(model, 10);
      await expectSameOutputs(model, { kind: 'classification' }, 1);
    } finally {
      model.dispose();
    }
  }, 120_000);

  it('names the layer and class it cannot export', async () => {
    const input = tfl.input({ shape: [8, 8, 3] });
    const pooled = tfl.layers.upSampling2d({ size: [2, 2], name: 'odd_upsample' }).apply(input) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: tfl.layers.globalAveragePooling2d({}).apply(pooled) as tfl.SymbolicTensor });
    try {
      await expect(exportOnnx(model, { preprocessing: {} as never })).rejects.toThrow('layer odd_upsample (UpSampling2D) has no ONNX export');
    } finally {
      model.dispose();
    }
  });

  it('refuses layer settings it would convert wrongly (dilation, a non-channel batch-norm axis)', async () => {
    const cases: [tfl.layers.Layer, string][] = [
      [tfl.layers.conv2d({ filters: 4, kernelSize: 3, dilationRate: 2, name: 'wide' }), 'layer wide (Conv2D): dilation [2,2] has no ONNX export'],
      [tfl.layers.batchNormalization({ axis: 1, name: 'rows_bn' }), 'layer rows_bn (BatchNormalization): normalizing axis 1 has no ONNX export; only the channel (last) axis'],
      [tfl.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'same_pool' }), "layer same_pool (AveragePooling2D): 'same' padding has no ONNX export; use 'valid'"],
    ];
    for (const [layer, message] of cases) {
      const input = tfl.input({ shape: [8, 8, 3] });
      const y = tfl.layers.globalAveragePooling2d({}).apply(layer.apply(input)) as tfl.SymbolicTensor;
      const model = tfl.model({ inputs: input, outputs: y });
      try {
        await expect(exportOnnx(model, { preprocessing: {} as never })).rejects.toThrow(message);
      } finally {
        model.dispose();
      }
    }
  });

  it('carries the preprocessing spec in the metadata', async () => {
    const model = buildModel({ model: modelSpec('smallCnn'), channels: 3, task: { kind: 'classification' }, numClasses: 3, seed: 1, convention: 'torchvision' });
    try {
      const bytes = await exportOnnx(model, { preprocessing: { format: 'studio-preprocessing/1', labels: ['x,y'] } as never });
      const text = new TextDecoder('latin1').decode(bytes);
      expect(text).toContain('studio.preprocessing');
      expect(text).toContain('"labels":["x,y"]');
    } finally {
      model.dispose();
    }
  });
});
