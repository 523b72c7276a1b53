import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizationParams, normalize } from '../src/core/data/normalization.ts';
import { buildModel } from '../src/core/models/buildModel.ts';
import { FACE_API_NORMALIZATION } from '../src/core/models/faceRecognitionNet.ts';
import { importFaceApiWeights } from '../src/core/pretrained/importFaceApiWeights.ts';
import type { WeightLoadReport } from '../src/core/pretrained/importNamedWeights.ts';
import { decodeImageFile } from '../src/node/decodeImage.ts';
import { RunDirectory } from '../src/node/runDirectory.ts';
import { readFaceApiWeights } from '../src/node/readFaceApiWeights.ts';
import { faceApiPackageDir } from './faceApiPackage.ts';
import { faceApiReference, parityImages } from './faceApiReference.ts';
import { runCli } from './runCli.ts';

// The zoo's faceRecognitionNet with face-api.js' weights computes face-api's function. The
// reference is @vladmandic/face-api itself: FaceRecognitionNet.computeFaceDescriptor run by
// test/reference/faceApiDescriptors.mjs in a Node process of its own, on the tfjs bundled in
// face-api.esm.js (its own engine, stock cpu kernels, its own weight loading), given the
// same RGB bytes. The studio's side reads the same manifest and .bin through its own
// reader, builds the network with the LayerFactory and runs it on the studio's kernels.

const SIZE = 150;
const TOLERANCE = 1e-4;
const FACES = 4;

describe('faceRecognitionNet computes face-api.js’ FaceRecognitionNet', () => {
  const pkg = faceApiPackageDir();
  let dir: string;
  let pixels: Uint8Array;
  let reference: Float32Array;
  let model: tfl.LayersModel;
  let report: WeightLoadReport;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'face-api-parity-'));
    // Four generated faces (two identities) and one image of uniform noise.
    pixels = await parityImages('faces', 2, 2, SIZE);
    reference = faceApiReference(pkg, dir, pixels, FACES + 1, SIZE);

    model = buildModel({
      model: { architecture: 'faceRecognitionNet', width: 1, inputSize: SIZE, head: { hidden: [], dropout: 0, batchNorm: false, activation: 'relu' }, frozenLayers: 0, embeddingSize: 128 },
      channels: 3,
      task: { kind: 'embedding' },
      numClasses: 2,
      seed: 1,
      convention: 'torchvision',
    });
    report = importFaceApiWeights(model, await readFaceApiWeights(join(pkg, 'model')));
  }, 180_000);
  afterAll(() => {
    model?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads every weight of the file, and the 128-d descriptors agree within 1e-4', () => {
    expect(report.mismatched).toEqual([]);
    expect(report.unused).toEqual([]);
    expect(report.fresh).toEqual([]);
    expect(report.loaded.length).toBe(117);
    expect(report.loaded.length).toBe(model.weights.length);

    const count = FACES + 1;
    const x = tf.tidy(() => normalize(tf.div(tf.tensor4d(Float32Array.from(pixels), [count, SIZE, SIZE, 3]), 255) as tf.Tensor4D, normalizationParams(FACE_API_NORMALIZATION, 3)));
    const trunk = tfl.model({ inputs: model.inputs, outputs: model.getLayer('embedding_fc').output as tfl.SymbolicTensor });
    const [raw, unit] = tf.tidy(() => [trunk.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor]);
    expect(raw.shape).toEqual([count, 128]);
    const got = raw.dataSync();
    let worst = 0;
    for (let k = 0; k < got.length; k++) worst = Math.max(worst, Math.abs(got[k] - reference[k]));
    expect(worst, 'max |Δ| of the descriptors').toBeLessThan(TOLERANCE);

    // The model's own output is the same descriptor, L2-normalized.
    const normed = unit.dataSync();
    for (let i = 0; i < count; i++) {
      const row = reference.subarray(i * 128, (i + 1) * 128);
      const norm = Math.hypot(...row);
      for (let k = 0; k < 128; k++) expect(Math.abs(normed[i * 128 + k] - row[k] / norm)).toBeLessThan(TOLERANCE);
    }
    // The comparison has teeth: descriptors are not near zero and differ from image to image
    // by far more than the tolerance.
    expect(Math.max(...Array.from(reference, Math.abs))).toBeGreaterThan(0.1);
    for (let i = 1; i < count; i++) {
      const d = Math.hypot(...Array.from(reference.subarray(0, 128), (v, k) => v - reference[i * 128 + k]));
      expect(d).toBeGreaterThan(100 * TOLERANCE);
    }
    tf.dispose([x, raw, unit]);
  });

  it('refuses another face-api model’s file in one sentence, and writes nothing', async () => {
    const landmarks = await readFaceApiWeights(join(pkg, 'model'), 'face_landmark_68_model');
    const before = model.getLayer('stem_conv').getWeights()[0].dataSync().slice();
    expect(() => importFaceApiWeights(model, landmarks)).toThrow(/^these weights are not face-api's face recognition model: only 0 of the 116 backbone weights were found with the right shape; it holds /);
    expect(model.getLayer('stem_conv').getWeights()[0].dataSync()).toEqual(before);
  });

  it('studio import-weights makes a run whose predict embedding is face-api’s descriptor of the picture', async () => {
    const made = await runCli(['make-data', 'faces', join(dir, 'pictures'), '--classes', '1', '--per-class', '1', '--size', String(SIZE)]);
    expect(made.code, made.stderr).toBe(0);
    const picture = join(dir, 'pictures', readdirSync(join(dir, 'pictures'))[0], '0000.png');
    const out = join(dir, 'run');
    const r = await runCli(['import-weights', join(pkg, 'model'), '--arch', 'faceRecognitionNet', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('loaded 117 tensors into faceRecognitionNet (face-api names)');
    const spec = JSON.parse(readFileSync(join(out, 'spec.json'), 'utf8')) as { model: { inputSize: number; embeddingSize: number }; data: { normalization: unknown } };
    expect(spec.model).toMatchObject({ inputSize: 150, embeddingSize: 128 });
    expect(spec.data.normalization).toEqual(FACE_API_NORMALIZATION);

    const p = await runCli(['predict', out, picture, '--json']);
    expect(p.code, p.stderr).toBe(0);
    const { embedding } = JSON.parse(p.stdout.trim()) as { embedding: number[] };
    const img = await decodeImageFile(new Uint8Array(readFileSync(picture)), picture);
    const rgb = new Uint8Array(SIZE * SIZE * 3);
    for (let k = 0; k < SIZE * SIZE; k++) for (let c = 0; c < 3; c++) rgb[k * 3 + c] = img.data[k * img.channels + c];
    const want = faceApiReference(pkg, dir, rgb, 1, SIZE);
    const norm = Math.hypot(...want);
    expect(embedding).toHaveLength(128);
    expect(Math.max(...embedding.map((v, k) => Math.abs(v - want[k] / norm)))).toBeLessThan(TOLERANCE);
  }, 180_000);

  it('a run trained from the imported run (initialWeights: checkpoint) starts from face-api’s weights, its frozen backbone kept', async () => {
    const imported = join(dir, 'run');
    const spec = {
      version: 2,
      name: 'face-head',
      data: { source: { kind: 'synthetic', generator: 'faces', classes: 2, perClass: 3 }, imageSize: SIZE, channels: 3, normalization: FACE_API_NORMALIZATION },
      // The backbone frozen whole: its 15 blocks (the stem and 14 residual blocks, everything before embedding_fc).
      model: { architecture: 'faceRecognitionNet', inputSize: SIZE, embeddingSize: 128, frozenLayers: 15, initialWeights: { from: 'checkpoint', path: imported } },
      task: { kind: 'classification' },
      loss: { type: 'crossEntropy' },
      optimizer: { type: 'adam', lr: 0.001 },
      training: { epochs: 1, batchSize: 2 },
    };
    writeFileSync(join(dir, 'head.json'), JSON.stringify(spec));
    const out = join(dir, 'head-run');
    const r = await runCli(['train', join(dir, 'head.json'), '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const from = new Map((await new RunDirectory(imported).readCheckpoint('final')).weights.map((w) => [w.name, w.data]));
    const trained = new Map((await new RunDirectory(out).readCheckpoint('final')).weights.map((w) => [w.name, w.data]));
    const same = (name: string) => from.get(name)!.every((v, i) => v === trained.get(name)![i]);
    // Frozen and loaded: the stem and the last block are face-api's; the trainable descriptor layer moved.
    expect(same('stem_conv/kernel')).toBe(true);
    expect(same('stage4_block4_scale2/gamma')).toBe(true);
    expect(same('embedding_fc/kernel')).toBe(false);
    expect(trained.has('logits/kernel')).toBe(true);
  }, 180_000);

  it('studio import-weights refuses a folder without face-api’s files, writing nothing', async () => {
    const out = join(dir, 'not-written');
    const r = await runCli(['import-weights', join(dir, 'pictures'), '--arch', 'faceRecognitionNet', '--out', out]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`no face-api.js weights manifest at ${join(dir, 'pictures', 'face_recognition_model-weights_manifest.json')}`);
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
