import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers no gradients itself; tfjs-layers does, as in every host that trains a model.
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { boxLoss } from './boxLoss.ts';
import { multiTaskLoss } from './multiTaskLoss.ts';
import { softmaxCrossEntropy } from './softmaxCrossEntropy.ts';
import { expectClose } from '../../../test/expectClose.ts';
import { Y_PRED, Y_TRUE } from './fixtures/boxPairs.ts';

// reference: test/reference/losses_multiTaskLoss.py (torch 1.13, float64): seed 001's
// localization_loss + 0.5 · torch.nn.CrossEntropyLoss.
const CLASS_LOGITS = [
  [2.0, -1.0, 0.5],
  [0.1, 0.3, -0.4],
  [-1.2, 0.8, 1.9],
  [0.0, 1.5, -0.5],
];
const CLASS_LABELS = [0, 2, 2, 1];

const REF = { total: 0.9325735670163446, loc: 0.6315999999999999, class: 0.6019471340326894, gradBoxes: [[0.14000000000000007, -0.20000000000000018, -0.10000000000000009, 0.16000000000000014], [0.3599999999999999, 0.2600000000000001, -0.2599999999999999, -0.22000000000000008], [0.7000000000000001, 0.8, 0.29999999999999993, 0.2], [-0.5000000000000001, -0.3999999999999999, 0.30000000000000004, 0.29999999999999993]], gradLogits: [[-0.026800370676340515, 0.004889071658835931, 0.021911299017504587], [0.044201889340812726, 0.05398830955675928, -0.09819019889757202], [0.0040867025154024276, 0.030196874145949532, -0.03428357666135197], [0.020531453453135975, -0.032984409460925776, 0.012452956007789787]] };

describe('multiTaskLoss', () => {
  it('weights seed 001’s terms as loc + 0.5·class, keeps unweighted parts, and matches torch gradients', () => {
    const yTrue = tf.tensor2d(Y_TRUE);
    const labels = tf.tensor1d(CLASS_LABELS, 'int32');
    const boxes = tf.tidy(() => tf.variable(tf.tensor2d(Y_PRED)));
    const logits = tf.tidy(() => tf.variable(tf.tensor2d(CLASS_LOGITS)));
    let parts: Record<string, number> = {};
    const { value, grads } = tf.variableGrads(() => {
      const result = multiTaskLoss([
        { name: 'loc', weight: 1, value: boxLoss('seed001', yTrue, boxes as tf.Tensor2D) },
        { name: 'class', weight: 0.5, value: softmaxCrossEntropy(labels, logits as tf.Tensor2D) },
      ]);
      parts = Object.fromEntries(Object.entries(result.parts).map(([k, v]) => [k, v.dataSync()[0]]));
      return result.total;
    }, [boxes, logits]);
    expectClose([value.dataSync()[0]], [REF.total]);
    expectClose([parts.loc, parts.class], [REF.loc, REF.class]);
    expectClose(grads[boxes.name].dataSync(), REF.gradBoxes.flat());
    expectClose(grads[logits.name].dataSync(), REF.gradLogits.flat());
    tf.dispose([yTrue, labels, boxes, logits, value, grads]);
  });

  it('rejects an empty list, duplicate names and non-scalar terms', () => {
    tf.tidy(() => {
      const a = tf.scalar(1);
      expect(() => multiTaskLoss([])).toThrow(/at least one term/);
      expect(() => multiTaskLoss([{ name: 'x', weight: 1, value: a }, { name: 'x', weight: 2, value: a }])).toThrow(/duplicate/);
      expect(() => multiTaskLoss([{ name: 'x', weight: 1, value: tf.ones([2]) as unknown as tf.Scalar }])).toThrow(/scalar/);
      expect(() => multiTaskLoss([{ name: 'x', weight: Number.NaN, value: a }])).toThrow(/finite/);
    });
  });

  it('leaks no tensor when called in a loop inside tf.tidy', () => {
    const a = tf.scalar(2);
    const b = tf.scalar(3);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      const total = tf.tidy(() => multiTaskLoss([{ name: 'a', weight: 1, value: a }, { name: 'b', weight: 0.5, value: b }]).total);
      expect(total.dataSync()[0]).toBeCloseTo(3.5, 6);
      total.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });
});
