import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizationParams, normalize } from '../src/core/data/normalization.ts';
import { syntheticSource } from '../src/core/data/syntheticSource.ts';
import { equalErrorRate } from '../src/core/metrics/equalErrorRate.ts';
import { rocAuc } from '../src/core/metrics/rocAuc.ts';
import { buildModel } from '../src/core/models/buildModel.ts';
import { FACE_API_NORMALIZATION } from '../src/core/models/faceRecognitionNet.ts';
import { importFaceApiWeights } from '../src/core/pretrained/importFaceApiWeights.ts';
import { verificationPairs, type Pair } from '../src/core/train/verificationPairs.ts';
import { readFaceApiWeights } from '../src/node/readFaceApiWeights.ts';
import { faceApiPackageDir } from './faceApiPackage.ts';

// What face-api.js' pretrained descriptor is worth on the studio's generated faces (the
// synthetic 'faces' generator: cartoon identities varied in pose, lighting, expression and
// noise), before any training: verification of 20 identities × 4 pictures at 150 px, cosine
// similarity of the L2-normalized descriptors, the studio's balanced genuine/impostor pairs.
// The numbers are measured here (docs/pretrained.md quotes them); the assertions are floors
// a little under them, and the comparison with the same network untrained.

const SIZE = 150;
const IDENTITIES = 20;
const PER_ID = 4;
const BATCH = 10;
/** dlib's same-person threshold on the Euclidean distance of raw descriptors (real, aligned faces). */
const DLIB_THRESHOLD = 0.6;

interface Embeddings {
  unit: Float32Array[];
  raw: Float32Array[];
}

function build(seed: number): tfl.LayersModel {
  return buildModel({
    model: { architecture: 'faceRecognitionNet', width: 1, inputSize: SIZE, head: { hidden: [], dropout: 0, batchNorm: false, activation: 'relu' }, frozenLayers: 0, embeddingSize: 128 },
    channels: 3,
    task: { kind: 'embedding' },
    numClasses: IDENTITIES,
    seed,
    convention: 'torchvision',
  });
}

function embed(model: tfl.LayersModel, pixels: Float32Array, count: number): Embeddings {
  const both = tfl.model({ inputs: model.inputs, outputs: [model.outputs[0], model.getLayer('embedding_fc').output as tfl.SymbolicTensor] });
  const out: Embeddings = { unit: [], raw: [] };
  const image = SIZE * SIZE * 3;
  for (let i = 0; i < count; i += BATCH) {
    const n = Math.min(BATCH, count - i);
    const [unit, raw] = tf.tidy(() => {
      const x = normalize(tf.tensor4d(pixels.subarray(i * image, (i + n) * image), [n, SIZE, SIZE, 3]), normalizationParams(FACE_API_NORMALIZATION, 3));
      return (both.predict(x) as tf.Tensor[]).map((t) => t.dataSync() as Float32Array);
    });
    for (let k = 0; k < n; k++) {
      out.unit.push(unit.slice(k * 128, (k + 1) * 128));
      out.raw.push(raw.slice(k * 128, (k + 1) * 128));
    }
  }
  return out;
}

function verification(e: Embeddings, pairs: Pair[]) {
  const scores = pairs.map((p) => e.unit[p.a].reduce((s, v, k) => s + v * e.unit[p.b][k], 0));
  const labels = pairs.map((p) => p.same);
  const accepted = pairs.map((p) => Math.hypot(...Array.from(e.raw[p.a], (v, k) => v - e.raw[p.b][k])) < DLIB_THRESHOLD);
  const atDlib = pairs.filter((p, i) => accepted[i] === (p.same === 1)).length / pairs.length;
  const impostorsAccepted = pairs.filter((p, i) => accepted[i] && p.same === 0).length / pairs.filter((p) => p.same === 0).length;
  return { auc: rocAuc(scores, labels), eer: equalErrorRate(scores, labels).eer, atDlib, impostorsAccepted };
}

describe('face-api’s descriptor on the studio’s generated faces, before any training', () => {
  const models: tfl.LayersModel[] = [];
  let pairs: Pair[];
  let pixels: Float32Array;
  let count: number;

  beforeAll(async () => {
    const source = syntheticSource({ generator: 'faces', classes: IDENTITIES, perClass: PER_ID, imageSize: SIZE, seed: 1 });
    const refs = await source.list();
    count = refs.length;
    pixels = new Float32Array(count * SIZE * SIZE * 3);
    const identities: number[] = [];
    for (const [i, ref] of refs.entries()) {
      const img = await source.read(ref);
      identities.push(Number(ref.identity!.slice('id_'.length)));
      for (let p = 0; p < SIZE * SIZE; p++) for (let c = 0; c < 3; c++) pixels[(i * SIZE * SIZE + p) * 3 + c] = img.data[p * img.channels + c] / 255;
    }
    // Every pair of the 80 pictures, each once (the standard protocol, issue 26).
    pairs = verificationPairs(identities);
  }, 120_000);
  afterAll(() => models.forEach((m) => m.dispose()));

  it('separates generated identities (ROC AUC 0.94, EER 0.13), far better than the same network untrained', async () => {
    const pretrained = build(1);
    const untrained = build(1);
    models.push(pretrained, untrained);
    importFaceApiWeights(pretrained, await readFaceApiWeights(join(faceApiPackageDir(), 'model')));
    const face = verification(embed(pretrained, pixels, count), pairs);
    const fresh = verification(embed(untrained, pixels, count), pairs);
    // Measured on all 3,160 pairs: pretrained AUC 0.937, EER 0.125; untrained (Fixup-scaled He init) AUC 0.691, EER 0.373
    // (on the earlier balanced 240 pairs: 0.937 / 0.142 and 0.721 / 0.333).
    expect(pairs.length).toBe((80 * 79) / 2);
    expect(face.auc).toBeGreaterThan(0.92);
    expect(face.eer).toBeLessThan(0.16);
    expect(fresh.auc).toBeLessThan(0.8);
    expect(face.auc - fresh.auc).toBeGreaterThan(0.15);
    // dlib's own threshold (Euclidean 0.6, set on real faces) is no operating point for these
    // cartoons: it accepts most impostor pairs (measured: 95 % of them, accuracy 0.09 over all pairs).
    expect(face.atDlib).toBeLessThan(0.7);
    console.log(`faceRecognitionNet on generated faces: pretrained AUC ${face.auc.toFixed(3)} EER ${face.eer.toFixed(3)} (at dlib's 0.6: accuracy ${face.atDlib.toFixed(3)}, impostors accepted ${face.impostorsAccepted.toFixed(3)}); untrained AUC ${fresh.auc.toFixed(3)} EER ${fresh.eer.toFixed(3)}`);
  }, 600_000);
});
