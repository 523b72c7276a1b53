import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers no gradients itself; tfjs-layers does, as in every host that trains a model.
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { boxLoss } from './boxLoss.ts';
import type { BoxLossKind } from './boxLoss.ts';
import { expectClose } from '../../../test/expectClose.ts';
import { Y_PRED, Y_TRUE } from './fixtures/boxPairs.ts';

// reference: test/reference/losses_boxLoss.py (torch 1.13, float64): 'seed001' is seed 001's
// localization_loss transcribed to torch, 'giou' torchvision.ops.generalized_box_iou_loss
// (torchvision 0.14, reduction='mean'), 'l1' torch.nn.L1Loss.

const REF: Record<BoxLossKind, { loss: number; grad: number[][] }> = {
  seed001: { loss: 0.6315999999999999, grad: [[0.14000000000000007, -0.20000000000000018, -0.10000000000000009, 0.16000000000000014], [0.3599999999999999, 0.2600000000000001, -0.2599999999999999, -0.22000000000000008], [0.7000000000000001, 0.8, 0.29999999999999993, 0.2], [-0.5000000000000001, -0.3999999999999999, 0.30000000000000004, 0.29999999999999993]] },
  giou: { loss: 0.7503250944101084, grad: [[0.5568599402404733, -0.40084656211366093, -0.5568599402404733, 0.40084656211366093], [0.5104164539931442, 0.2812498828125488, -0.5104164539931442, -0.2812498828125488], [0.1211072496737371, 0.1211072496737371, -0.05088536803355094, -0.05088536803355094], [-0.2203854968418031, -0.2693600516955372, 0.2203854968418031, 0.2693600516955372]] },
  l1: { loss: 0.1825, grad: [[0.0625, -0.0625, -0.0625, 0.0625], [0.0625, 0.0625, -0.0625, -0.0625], [0.0625, 0.0625, 0.0625, 0.0625], [-0.0625, -0.0625, 0.0625, 0.0625]] },
};

describe('boxLoss', () => {
  it.each(['seed001', 'giou', 'l1'] as const)('%s matches torch in value and gradient', (kind) => {
    const yTrue = tf.tensor2d(Y_TRUE);
    const yPred = tf.tidy(() => tf.variable(tf.tensor2d(Y_PRED)));
    const { value, grads } = tf.variableGrads(() => boxLoss(kind, yTrue, yPred as tf.Tensor2D), [yPred]);
    expectClose([value.dataSync()[0]], [REF[kind].loss]);
    expectClose(grads[yPred.name].dataSync(), REF[kind].grad.flat());
    tf.dispose([yTrue, yPred, value, grads]);
  });

  it('keeps seed 001’s sum reduction: doubling the batch doubles the loss', () => {
    const [single, doubled] = tf.tidy(() => {
      const t = tf.tensor2d(Y_TRUE);
      const p = tf.tensor2d(Y_PRED);
      return [boxLoss('seed001', t, p), boxLoss('seed001', tf.concat([t, t]), tf.concat([p, p]))].map((x) => x.dataSync()[0]);
    });
    expect(doubled).toBeCloseTo(2 * single, 5);
  });

  it('is zero for a perfect prediction', () => {
    tf.tidy(() => {
      const t = tf.tensor2d(Y_TRUE);
      for (const kind of ['seed001', 'giou', 'l1'] as const) expect(Math.abs(boxLoss(kind, t, t).dataSync()[0])).toBeLessThan(1e-5);
    });
  });

  it('rejects boxes that are not [batch, 4]', () => {
    tf.tidy(() => {
      expect(() => boxLoss('l1', tf.zeros([2, 4]) as tf.Tensor2D, tf.zeros([3, 4]) as tf.Tensor2D)).toThrow(/\[batch, 4\]/);
      expect(() => boxLoss('giou', tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([2, 3]) as tf.Tensor2D)).toThrow(/\[batch, 4\]/);
    });
  });

  it('leaks no tensor when called in a loop inside tf.tidy', () => {
    const yTrue = tf.tensor2d(Y_TRUE);
    const yPred = tf.tensor2d(Y_PRED);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      for (const kind of ['seed001', 'giou', 'l1'] as const) {
        tf.tidy(() => {
          boxLoss(kind, yTrue, yPred);
          tf.grad((p: tf.Tensor) => boxLoss(kind, yTrue, p as tf.Tensor2D))(yPred);
        });
      }
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([yTrue, yPred]);
  });
});
