import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { HardSigmoid, HardSwish } from './hardActivations.ts';

// reference: test/reference/models_layers.py, torch.nn.functional.hardsigmoid / hardswish (torch 1.13)
const INPUTS = [-5.0, -3.0, -2.5, -1.0, -0.25, 0.0, 0.5, 1.5, 2.999, 3.0, 4.0];
const HARD_SIGMOID = [0.0, 0.0, 0.08333333333333333, 0.3333333333333333, 0.4583333333333333, 0.5, 0.5833333333333334, 0.75, 0.9998333333333335, 1.0, 1.0];
const HARD_SWISH = [-0.0, -0.0, -0.20833333333333334, -0.3333333333333333, -0.11458333333333333, 0.0, 0.2916666666666667, 1.125, 2.9985001666666666, 3.0, 4.0];

function expectClose(actual: ArrayLike<number>, expected: number[]): void {
  expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, 5));
}

describe('hard activations', () => {
  it("match torch's hardsigmoid and hardswish", () => {
    const x = tf.tensor1d(INPUTS);
    const before = tf.memory().numTensors;
    const sig = new HardSigmoid().apply(x) as tf.Tensor;
    const swish = new HardSwish().apply(x) as tf.Tensor;
    expectClose(sig.dataSync(), HARD_SIGMOID);
    expectClose(swish.dataSync(), HARD_SWISH);
    tf.dispose([sig, swish]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('are differentiable: hardSwish has slope (2x + 3) / 6 inside (-3, 3)', () => {
    const x = tf.tensor1d([-4, -1, 0.5, 4]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(new HardSwish().apply(t) as tf.Tensor))(x);
    expectClose(g.dataSync(), [0, 1 / 6, 4 / 6, 1]);
    tf.dispose([x, g]);
  });
});
