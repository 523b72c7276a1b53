import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../models/buildModel.ts';
import { parseRunSpec, type RunSpecInput } from '../spec/runSpec.ts';
import { exportModel } from './exportModel.ts';
import { preprocessingSpec } from './preprocessingSpec.ts';

const base = {
  version: 1,
  data: { source: { kind: 'synthetic', generator: 'shapes', classes: 3, perClass: 2 }, imageSize: 24, channels: 3, normalization: { preset: 'imagenet' } },
  model: { architecture: 'mobilenetV3Small', inputSize: 24, width: 0.25 },
  task: { kind: 'classification' },
  loss: { type: 'crossEntropy' },
  optimizer: { type: 'adam', lr: 0.001 },
  training: { epochs: 1, batchSize: 2 },
} as RunSpecInput;

describe('preprocessingSpec', () => {
  it('states the input a run trained on: size, channels, scale, mean/std, labels', () => {
    const p = preprocessingSpec(parseRunSpec(base), ['circle', 'square', 'triangle']);
    expect(p.input).toMatchObject({ height: 24, width: 24, channels: 3, channelOrder: 'RGB', scale: 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
    expect(p.labels).toEqual(['circle', 'square', 'triangle']);
    expect(p.outputs.map((o) => o.name)).toEqual(['logits']);
    expect(p.confidenceThreshold).toBeUndefined();
  });

  it('covers greyscale [-1, 1] input and the tracker cut', () => {
    const spec = parseRunSpec({ ...base, data: { ...base.data, channels: 1, normalization: { preset: 'half' } } });
    const p = preprocessingSpec({ ...spec, task: { kind: 'detection', confidenceThreshold: 0.9 } }, ['face', 'none']);
    expect(p.input).toMatchObject({ channels: 1, channelOrder: 'L', mean: [0.5], std: [0.5] });
    expect(p.outputs.map((o) => o.name)).toEqual(['class_logits', 'box']);
    expect(p.confidenceThreshold).toBe(0.9);
  });
});

describe('exportModel as tfjs', () => {
  it('writes model.json + weights that load back and predict the same (custom layers included)', async () => {
    const spec = parseRunSpec(base);
    const model = buildModel({ model: spec.model, channels: 3, task: spec.task, numClasses: 3, seed: 4, convention: 'torchvision' });
    const files = await exportModel(model, 'tfjs', preprocessingSpec(spec, ['a', 'b', 'c']));
    expect(files.map((f) => f.name)).toEqual(['model.json', 'weights.bin', 'preprocessing.json']);
    const json = JSON.parse(new TextDecoder().decode(files[0].bytes)) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
    // MobileNetV3 carries the studio's HardSwish / HardSigmoid layers.
    expect(JSON.stringify(json.modelTopology)).toContain('HardSwish');
    const weights = files[1].bytes;
    const loaded = await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
      }),
    );
    const x = tf.randomUniform([2, 24, 24, 3], 0, 1, 'float32', 3);
    const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });
});
