import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createMarginHead } from './marginHead.ts';
import type { MarginLossConfig } from './marginHead.ts';
import { softmaxCrossEntropy } from './softmaxCrossEntropy.ts';

// reference: test/reference/losses_marginHead.py, a torch 1.13 float64 re-implementation of the
// three heads (F.normalize, torch.nn.CrossEntropyLoss, autograd for the gradients).
const W = [
  [0.8, -0.3, 0.1],
  [0.2, 0.9, -0.5],
  [-0.4, 0.1, 0.7],
  [0.3, -0.2, 0.6],
];
// Sample 3 points away from its class centre (cos θ ≈ −0.996), so ArcFace's fallback branch is hit.
const EMBEDDINGS = [
  [1.0, 0.3, -0.5, 0.2],
  [-0.2, 1.1, 0.3, 0.1],
  [0.5, 0.4, 0.3, -0.6],
  [-0.75, -0.25, 0.45, -0.3],
  [0.6, 0.2, -0.1, 0.9],
];
const LABELS = [0, 1, 2, 0, 1];

interface Reference {
  loss: number;
  logits: number[][];
  gradEmbeddings: number[][];
  gradW: number[][];
}

const REF = {
  cosine: [[0.9886373304871018, -0.10480449271555031, -0.2262335439297358], [-0.026773977630083275, 0.9360028656592977, -0.24507154069793596], [0.20127127845741674, 0.3982827274273293, -0.3070510166706282], [-0.9959632566467654, 0.11246683147929229, 0.18331888309000263], [0.7792139209275258, -0.17648665950605602, 0.3695107272079988]],
  arcface_s30_m05: {"loss": 23.71710545676775, "logits": [[23.86630298372299, -3.1441347814665095, -6.787006317892074], [-0.8032193289024983, 19.579969694531137, -7.352146220938079], [6.038138353722502, 11.948481822819879, -21.771857216426078], [-37.070280778466014, 3.3740049443787687, 5.499566492700079], [23.376417627825774, -18.803448783203347, 11.085321816239965]], "gradEmbeddings": [[-1.5325938021233062e-12, 1.0694385066181186e-11, 4.559832889895012e-13, -7.238650366181546e-12], [8.280139544259826e-09, 1.1037368596012682e-09, -7.766538801680634e-10, 6.7491352734099184e-09], [-4.5772588998417625, 6.451948771651418, -3.749881199231753, -1.3880238350497334], [0.8761086197360468, -1.4223977034364241, 2.9365924409217894, 3.399948531572917], [3.1182778144335934, -3.748021802789512, -2.242383828717025, -1.4951119010821747]], "gradW": [[-0.904657919522414, 1.1889486224737411, -6.411774492090468], [0.46642980990429317, -1.5257913121094642, -2.061065435847273], [1.101719599761144, 2.3889354374401055, -0.4012050563208327], [3.570427378471766, -7.455016119483148, -0.18085288215001238]]},
  cosface_s30_m035: {"loss": 23.36499369992898, "logits": [[19.159119914613054, -3.1441347814665095, -6.787006317892074], [-0.8032193289024983, 17.58008596977893, -7.352146220938079], [6.038138353722502, 11.948481822819879, -19.711530500118844], [-40.37889769940296, 3.3740049443787687, 5.499566492700079], [23.376417627825774, -15.79459978518168, 11.085321816239965]], "gradEmbeddings": [[-2.0905541737430785e-10, 1.0367825593962823e-09, 7.016364947475222e-11, -3.344876285360046e-10], [5.2100828136358986e-08, 1.0458507093503e-08, -1.4342365165135169e-08, 3.2185173739590595e-08], [-5.044226721997665, 7.065338707534163, -5.1191258302992075, -2.0528593784582148], [0.8761086197360468, -1.4223977034364241, 2.9365924409217894, 3.399948531572917], [3.358163405198478, -4.829410815126452, -2.3404323043074347, -1.4256212339161562]], "gradW": [[-0.9046579279341866, 0.5618191452441491, -7.30859656921124], [0.4664298630203465, -1.9671046482573877, -2.511776018137745], [1.1017196135797147, 2.481843499638429, -1.2336399073840116], [3.570427383917227, -8.453777885205255, 0.5641993050350997]]},
  cdml_s64_m049_a02: {"loss": 48.592788472444866, "logits": [[47.73151123983503, -6.70748753379522, -14.478946811503091], [-1.7135345683253296, 38.12259177158505, -15.684578604667902], [12.881361821274671, 25.490094555349074, -44.24275744925659], [-73.32620451372388, 7.1978772146747065, 11.732408517760168], [49.869690939361654, -38.29210828650376, 23.648686541311925]], "gradEmbeddings": [[-5.420997446036554e-24, 2.357345810262206e-23, 1.4449654201974755e-24, -4.6427863732566286e-24], [4.5484381961999656e-17, 1.2832173822957555e-17, -2.2488052715658544e-17, 1.7279010018441818e-17], [-9.941853130820862, 13.959334071564898, -8.366016629480796, -3.1616632093811834], [2.4569356946246863, -4.804459468824428, 6.9428895472148335, 8.275711308280885], [6.707410690480555, -8.243942912710565, -4.8063112615021355, -3.1736543976627063]], "gradW": [[-1.9432844987193612, 3.3596405403949676, -14.863158996957548], [0.9810866876841562, -2.893992379069624, -4.7260690644067385], [2.335761155331058, 4.5498930963450235, -0.6828815336478242], [7.642382411903595, -15.787479968233244, -0.6645025982568971]]},
  cdml_s64_m049_a15: {"loss": 47.27279597269545, "logits": [[47.30975798947444, -6.70748753379522, -14.478946811503091], [-1.7135345683253296, 37.34741324631457, -15.684578604667902], [12.881361821274671, 25.490094555349074, -41.429928562906085], [-73.32620451372388, 7.1978772146747065, 11.732408517760168], [49.869690939361654, -34.50497467410715, 23.648686541311925]], "gradEmbeddings": [[-8.265027673263478e-24, 3.5940855075506094e-23, 2.203040917049787e-24, -7.078541954317284e-24], [9.874566842020344e-17, 2.7858388457180957e-17, -4.8821105203357324e-17, 3.7512379421488283e-17], [-10.091539211129948, 14.15595561773361, -8.804926661573543, -3.3747755949059863], [2.4569356946246863, -4.804459468824428, 6.9428895472148335, 8.275711308280885], [6.809594245230084, -8.70457988967669, -4.8480767620545215, -3.1440536060090736]], "gradW": [[-1.9432844987193612, 3.0925035329783443, -15.150634439786613], [0.9810866876841562, -3.081977680585025, -4.870543902341345], [2.335761155331058, 4.589468949295634, -0.9497177139148008], [7.642382411903595, -16.212920387452314, -0.4256768457527511]]},
};

const CASES: [string, MarginLossConfig, Reference][] = [
  ['arcface', { type: 'arcface', scale: 30, margin: 0.5 }, REF.arcface_s30_m05],
  ['cosface', { type: 'cosface', scale: 30, margin: 0.35 }, REF.cosface_s30_m035],
  // α = 0.2 clips one sample's margin at 0.8·m; α = 1.5 clips every margin to 0.8·m or 1.2·m.
  ['cdml α=0.2', { type: 'cdml', scale: 64, margin: 0.49, alpha: 0.2 }, REF.cdml_s64_m049_a02],
  ['cdml α=1.5', { type: 'cdml', scale: 64, margin: 0.49, alpha: 1.5 }, REF.cdml_s64_m049_a15],
];

/** Float32 against float64: relative to each value, with a floor relative to the largest. */
function expectClose(actual: ArrayLike<number>, expected: number[], rtol = 2e-5): void {
  expect(actual.length).toBe(expected.length);
  const floor = rtol * Math.max(...expected.map(Math.abs));
  for (let i = 0; i < expected.length; i++) {
    const tolerance = floor + rtol * Math.abs(expected[i]);
    if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) {
      expect.fail(`element ${i}: got ${actual[i]}, expected ${expected[i]} ± ${tolerance}`);
    }
  }
}

function headWithFixedW(config: MarginLossConfig) {
  const head = createMarginHead(config, 4, 3, 7);
  tf.tidy(() => head.variables[0].assign(tf.tensor2d(W)));
  return head;
}

describe('createMarginHead', () => {
  it('computes the cosine between normalized embeddings and normalized class centres', () => {
    const head = headWithFixedW({ type: 'arcface', scale: 30, margin: 0.5 });
    const cos = tf.tidy(() => head.cosine(tf.tensor2d(EMBEDDINGS)).dataSync());
    expectClose(cos, REF.cosine.flat(), 1e-6);
    head.dispose();
  });

  it.each(CASES)('%s matches torch in loss, logits and gradients w.r.t. embeddings and W', (_name, config, ref) => {
    const head = headWithFixedW(config);
    const [w] = head.variables;
    const embeddings = tf.tidy(() => tf.variable(tf.tensor2d(EMBEDDINGS)));
    const labels = tf.tensor1d(LABELS, 'int32');
    const logits = tf.tidy(() => head.logits(embeddings as tf.Tensor2D, labels).dataSync());
    const { value, grads } = tf.variableGrads(() => head.loss(embeddings as tf.Tensor2D, labels), [embeddings, w]);
    expectClose(logits, ref.logits.flat());
    expectClose([value.dataSync()[0]], [ref.loss]);
    expectClose(grads[embeddings.name].dataSync(), ref.gradEmbeddings.flat());
    expectClose(grads[w.name].dataSync(), ref.gradW.flat());
    tf.dispose([embeddings, labels, value, grads]);
    head.dispose();
  });

  it('reduces to a scaled-cosine softmax when the ArcFace margin is 0', () => {
    const head = headWithFixedW({ type: 'arcface', scale: 30, margin: 0 });
    tf.tidy(() => {
      const embeddings = tf.tensor2d(EMBEDDINGS);
      const labels = tf.tensor1d(LABELS, 'int32');
      const scaledCosine = tf.mul(head.cosine(embeddings), 30);
      expectClose(head.logits(embeddings, labels).dataSync(), Array.from(scaledCosine.dataSync()), 1e-6);
      expectClose([head.loss(embeddings, labels).dataSync()[0]], [softmaxCrossEntropy(labels, scaledCosine as tf.Tensor2D).dataSync()[0]], 1e-6);
    });
    head.dispose();
  });

  it('initializes W deterministically from the seed with a Glorot scale', () => {
    const config: MarginLossConfig = { type: 'cosface', scale: 30, margin: 0.35 };
    const a = createMarginHead(config, 64, 100, 11);
    const b = createMarginHead(config, 64, 100, 11);
    const c = createMarginHead(config, 64, 100, 12);
    const [wa, wb, wc] = [a, b, c].map((h) => Array.from(h.variables[0].dataSync() as Float32Array));
    expect(a.variables[0].shape).toEqual([64, 100]);
    expect(a.variables[0].trainable).toBe(true);
    expect(wb).toEqual(wa);
    expect(wc).not.toEqual(wa);
    const std = Math.sqrt(wa.reduce((sum, v) => sum + v * v, 0) / wa.length);
    expect(std).toBeGreaterThan(0.85 * Math.sqrt(2 / 164));
    expect(std).toBeLessThan(1.15 * Math.sqrt(2 / 164));
    [a, b, c].forEach((h) => h.dispose());
  });

  it('accepts float labels', () => {
    const head = headWithFixedW({ type: 'arcface', scale: 30, margin: 0.5 });
    const loss = tf.tidy(() => head.loss(tf.tensor2d(EMBEDDINGS), tf.tensor1d(LABELS)).dataSync()[0]);
    expectClose([loss], [REF.arcface_s30_m05.loss]);
    head.dispose();
  });

  it('rejects mismatched shapes and too few classes', () => {
    const head = headWithFixedW({ type: 'arcface', scale: 30, margin: 0.5 });
    tf.tidy(() => {
      expect(() => head.cosine(tf.zeros([2, 5]) as tf.Tensor2D)).toThrow(/\[batch, 4\]/);
      expect(() => head.logits(tf.tensor2d(EMBEDDINGS), tf.tensor1d([0, 1], 'int32'))).toThrow(/labels must be \[5\]/);
    });
    head.dispose();
    expect(() => createMarginHead({ type: 'arcface', scale: 30, margin: 0.5 }, 4, 1, 0)).toThrow(/at least 2 classes/);
  });

  it('leaks no tensor in a training loop and frees W on dispose', () => {
    const before = tf.memory().numTensors;
    const head = createMarginHead({ type: 'cdml', scale: 64, margin: 0.49, alpha: 0.2 }, 4, 3, 3);
    const embeddings = tf.tidy(() => tf.variable(tf.tensor2d(EMBEDDINGS)));
    const labels = tf.tensor1d(LABELS, 'int32');
    const during = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      tf.tidy(() => {
        head.logits(embeddings as tf.Tensor2D, labels);
        const { value, grads } = tf.variableGrads(() => head.loss(embeddings as tf.Tensor2D, labels), [embeddings, ...head.variables]);
        tf.dispose([value, grads]);
      });
    }
    expect(tf.memory().numTensors).toBe(during);
    tf.dispose([embeddings, labels]);
    head.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
