import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers no gradients itself; tfjs-layers does, as in every host that trains a model.
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { softmaxCrossEntropy } from './softmaxCrossEntropy.ts';
import { expectClose } from '../../../test/expectClose.ts';

// reference: test/reference/losses_softmaxCrossEntropy.py, torch.nn.CrossEntropyLoss (torch 1.13, float64)
const LOGITS = [
  [1.2, -0.7, 0.3, 2.1, -1.5],
  [-0.4, 0.9, 1.8, -2.2, 0.05],
  [3.0, 2.5, -1.0, 0.0, 0.7],
  [-1.1, -0.3, 0.6, 1.4, -0.8],
];
const INDICES = [3, 1, 0, 2];
const SOFT = [
  [0.0, 0.0, 0.3, 0.7, 0.0],
  [0.75, 0.25, 0.0, 0.0, 0.0],
  [0.1, 0.2, 0.3, 0.2, 0.2],
  [0.0, 0.0, 0.0, 0.0, 1.0],
];
const LARGE = [
  [1000.0, 998.0, -1000.0],
  [-500.0, 700.0, 690.0],
];
const LARGE_INDICES = [1, 2];

const REF = {
  indices_s0: { loss: 0.9795657956109158, grad: [[0.061230284387211946, 0.009158129090404563, 0.02489437588912889, -0.09939780202418869, 0.004115012657443272], [0.016204386585758953, -0.19054129830006067, 0.1462448076865238, 0.002678567086938746, 0.025413536940839206], [-0.10914637604808444, 0.08543204145847051, 0.0025798241124728445, 0.007012689005555417, 0.014121821471585666], [0.011245132555815572, 0.02502650274929066, -0.18844473597646672, 0.1369937594485332, 0.015179341222827297]] },
  indices_s01: { loss: 1.1118157956109158, grad: [[0.05623028438721195, 0.004158129090404563, 0.019894375889128887, -0.0793978020241887, -0.000884987342556728], [0.011204386585758952, -0.17054129830006068, 0.14124480768652378, -0.0023214329130612542, 0.020413536940839205], [-0.08914637604808445, 0.08043204145847051, -0.0024201758875271556, 0.002012689005555417, 0.009121821471585665], [0.006245132555815572, 0.02002650274929066, -0.16844473597646675, 0.1319937594485332, 0.010179341222827296]] },
  soft_s0: { loss: 2.298315795610916, grad: [[0.061230284387211946, 0.009158129090404563, -0.050105624110871105, -0.024397802024188675, 0.004115012657443272], [-0.17129561341424104, -0.0030412983000606755, 0.1462448076865238, 0.002678567086938746, 0.025413536940839206], [0.11585362395191556, 0.03543204145847051, -0.07242017588752715, -0.04298731099444458, -0.03587817852841434], [0.011245132555815572, 0.02502650274929066, 0.06155526402353327, 0.1369937594485332, -0.2348206587771727]] },
  soft_s02: { loss: 2.299065795610916, grad: [[0.051230284387211944, -0.0008418709095954369, -0.0451056241108711, 0.0006021979758113194, -0.005884987342556728], [-0.14379561341424107, -0.000541298300060667, 0.1362448076865238, -0.0073214329130612535, 0.01541353694083921], [0.11085362395191556, 0.0354320414584705, -0.06742017588752715, -0.04298731099444459, -0.035878178528414344], [0.0012451325558155745, 0.015026502749290665, 0.05155526402353328, 0.12699375944853322, -0.19482065877717272]] },
  large_s0: { loss: 6.063486704971095, grad: [[0.44039853898894116, -0.4403985389889412, 0.0], [0.0, 0.4999773010656488, -0.4999773010656488]] },
};

function lossAndGrad(labels: () => tf.Tensor, logits: number[][], smoothing: number): { loss: number; grad: Float32Array } {
  const x = tf.tidy(() => tf.variable(tf.tensor2d(logits)));
  const labelTensor = labels();
  const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(labelTensor, x as tf.Tensor2D, smoothing), [x]);
  const result = { loss: value.dataSync()[0], grad: grads[x.name].dataSync() as Float32Array };
  tf.dispose([x, labelTensor, value, grads[x.name]]);
  return result;
}

describe('softmaxCrossEntropy', () => {
  const cases: [keyof typeof REF, () => tf.Tensor, number[][], number][] = [
    ['indices_s0', () => tf.tensor1d(INDICES, 'int32'), LOGITS, 0],
    ['indices_s01', () => tf.tensor1d(INDICES, 'int32'), LOGITS, 0.1],
    ['soft_s0', () => tf.tensor2d(SOFT), LOGITS, 0],
    ['soft_s02', () => tf.tensor2d(SOFT), LOGITS, 0.2],
    ['large_s0', () => tf.tensor1d(LARGE_INDICES, 'int32'), LARGE, 0],
  ];
  it.each(cases)('matches torch in value and gradient (%s)', (key, labels, logits, smoothing) => {
    const { loss, grad } = lossAndGrad(labels, logits, smoothing);
    expectClose([loss], [REF[key].loss]);
    expectClose(grad, REF[key].grad.flat());
  });

  it('treats one-hot soft targets like class indices', () => {
    const a = tf.tidy(() => softmaxCrossEntropy(tf.tensor1d(INDICES, 'int32'), tf.tensor2d(LOGITS), 0.1).dataSync()[0]);
    const b = tf.tidy(() => softmaxCrossEntropy(tf.oneHot(tf.tensor1d(INDICES, 'int32'), 5, 1, 0, 'float32'), tf.tensor2d(LOGITS), 0.1).dataSync()[0]);
    expect(a).toBeCloseTo(b, 6);
  });

  it('accepts float class indices', () => {
    const value = tf.tidy(() => softmaxCrossEntropy(tf.tensor1d(INDICES), tf.tensor2d(LOGITS)).dataSync()[0]);
    expectClose([value], [REF.indices_s0.loss]);
  });

  it('rejects labels that do not fit the logits', () => {
    tf.tidy(() => {
      const logits = tf.tensor2d(LOGITS);
      expect(() => softmaxCrossEntropy(tf.tensor1d([0, 1], 'int32'), logits)).toThrow(/2 class indices for a batch of 4/);
      expect(() => softmaxCrossEntropy(tf.zeros([4, 3]), logits)).toThrow(/soft targets \[4, 5\]/);
      expect(() => softmaxCrossEntropy(tf.tensor1d(INDICES, 'int32'), logits, 1)).toThrow(/labelSmoothing/);
    });
  });

  it('leaks no tensor when called in a loop inside tf.tidy', () => {
    const logits = tf.tensor2d(LOGITS);
    const indices = tf.tensor1d(INDICES, 'int32');
    const soft = tf.tensor2d(SOFT);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      tf.tidy(() => {
        softmaxCrossEntropy(indices, logits, 0.1);
        softmaxCrossEntropy(soft, logits);
      });
      const grads = tf.grads((x: tf.Tensor) => softmaxCrossEntropy(indices, x as tf.Tensor2D, 0.1))([logits]);
      tf.dispose(grads);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([logits, indices, soft]);
  });
});
