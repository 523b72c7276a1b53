import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizationParams, normalize } from '../src/core/data/normalization.ts';
import { buildModel } from '../src/core/models/buildModel.ts';
import { FACE_EXPRESSION_INPUT } from '../src/core/models/faceExpressionNet.ts';
import { FACE_API_NORMALIZATION } from '../src/core/models/faceRecognitionNet.ts';
import { importFaceApiWeights } from '../src/core/pretrained/importFaceApiWeights.ts';
import type { WeightLoadReport } from '../src/core/pretrained/importNamedWeights.ts';
import { readFaceApiWeights } from '../src/node/readFaceApiWeights.ts';
import { faceApiPackageDir } from './faceApiPackage.ts';
import { faceApiReference, parityImages } from './faceApiReference.ts';

// The zoo's faceExpressionNet with face-api.js' weights computes face-api's function. The
// reference is @vladmandic/face-api itself: FaceExpressionNet's face feature extractor (the
// 256 features its classifier reads) run by test/reference/faceApiDescriptors.mjs in a Node
// process of its own, on the tfjs bundled in face-api.esm.js, given the same RGB bytes at
// face-api's 112 px. The studio's side reads the same manifest and .bin through its own
// reader, builds the network with the LayerFactory and runs it on the studio's kernels.

const SIZE = FACE_EXPRESSION_INPUT;
const TOLERANCE = 1e-4;
const FACES = 4;
const FEATURES = 256;

function expressionNet(classes: number, width = 1): tfl.LayersModel {
  return buildModel({
    model: { architecture: 'faceExpressionNet', width, inputSize: SIZE, head: { hidden: [], dropout: 0, batchNorm: false, activation: 'relu' }, frozenLayers: 0 },
    channels: 3,
    task: { kind: 'classification' },
    numClasses: classes,
    seed: 1,
    convention: 'torchvision',
  });
}

describe('faceExpressionNet computes face-api.js’ FaceExpressionNet features', () => {
  const pkg = faceApiPackageDir();
  let dir: string;
  let pixels: Uint8Array;
  let reference: Float32Array;
  let model: tfl.LayersModel;
  let report: WeightLoadReport;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'face-api-expression-'));
    // Four generated faces with expressions and one image of uniform noise.
    pixels = await parityImages('expressions', 4, 1, SIZE);
    reference = faceApiReference(pkg, dir, pixels, FACES + 1, SIZE, 'expression');
    model = expressionNet(5);
    report = importFaceApiWeights(model, await readFaceApiWeights(join(pkg, 'model'), 'face_expression_model'));
  }, 180_000);
  afterAll(() => {
    model?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads every backbone weight of the file, keeps its own head, and the 256 features agree within 1e-4', () => {
    expect(report.mismatched).toEqual([]);
    // 4 blocks × (3 + 3 + 3 + 3) tensors, less the first block's plain conv having no depthwise half: 47.
    expect(report.loaded.length).toBe(47);
    expect(report.fresh.map((f) => f.weight)).toEqual(['logits/kernel', 'logits/bias']);
    expect(report.fresh[0].reason).toContain("the studio's own head");
    // face-api's own classifier is left out on purpose (its seven expressions in its order), not reported unused.
    expect(report.unused).toEqual([]);

    const count = FACES + 1;
    const x = tf.tidy(() => normalize(tf.div(tf.tensor4d(Float32Array.from(pixels), [count, SIZE, SIZE, 3]), 255) as tf.Tensor4D, normalizationParams(FACE_API_NORMALIZATION, 3)));
    const trunk = tfl.model({ inputs: model.inputs, outputs: model.getLayer('avg_pool').output as tfl.SymbolicTensor });
    const features = tf.tidy(() => trunk.predict(x) as tf.Tensor);
    expect(features.shape).toEqual([count, FEATURES]);
    const got = features.dataSync();
    let worst = 0;
    for (let k = 0; k < got.length; k++) worst = Math.max(worst, Math.abs(got[k] - reference[k]));
    expect(worst, 'max |Δ| of the features').toBeLessThan(TOLERANCE);
    // The comparison has teeth: features are far from zero and differ between faces by far more than the tolerance.
    expect(Math.max(...Array.from(reference, Math.abs))).toBeGreaterThan(0.1);
    for (let i = 1; i < count; i++) {
      const d = Math.hypot(...Array.from(reference.subarray(0, FEATURES), (v, k) => v - reference[i * FEATURES + k]));
      expect(d).toBeGreaterThan(100 * TOLERANCE);
    }
    tf.dispose([x, features]);
  });

  it('refuses the face recognition model’s file and a narrowed network in one sentence each, writing nothing', async () => {
    const recognition = await readFaceApiWeights(join(pkg, 'model'));
    const before = model.getLayer('dense0_conv0').getWeights()[0].dataSync().slice();
    expect(() => importFaceApiWeights(model, recognition)).toThrow(/^these weights are not face-api's facial expression model: only 0 of the 47 backbone weights were found with the right shape; it holds /);
    expect(model.getLayer('dense0_conv0').getWeights()[0].dataSync()).toEqual(before);
    const narrow = expressionNet(5, 0.5);
    try {
      const file = await readFaceApiWeights(join(pkg, 'model'), 'face_expression_model');
      expect(() => importFaceApiWeights(narrow, file)).toThrow(/\(pretrained weights need model.width 1\)$/);
    } finally {
      narrow.dispose();
    }
  });
});

