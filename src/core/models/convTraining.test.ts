import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, describe, expect, it } from 'vitest';
import { withSeparateConvGradients } from './convTraining.ts';
import { FUSED_OPS_FLAG } from './fusedOpsFlag.ts';

/** input → conv (the stem) → conv → mean: the stem's input is data, the second conv's is not. */
function twoConvModel(opts: { bias: boolean; activation?: 'linear' | 'relu' }): tfl.LayersModel {
  const input = tfl.input({ shape: [9, 9, 3] });
  const conv = (name: string, filters: number, strides: number) =>
    withSeparateConvGradients(
      tfl.layers.conv2d({ name, filters, kernelSize: 3, strides, padding: 'same', useBias: opts.bias, activation: opts.activation, kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }), biasInitializer: tfl.initializers.randomUniform({ seed: 2 }) }),
    );
  const h = conv('stem', 4, 2).apply(input) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: conv('body', 5, 1).apply(h) as tfl.SymbolicTensor });
}

/** The loss's value and its gradients for every trainable weight, and the kernels the step ran. */
async function trainingStep(model: tfl.LayersModel, x: tf.Tensor): Promise<{ loss: number; grads: Float32Array[]; kernels: string[] }> {
  let result: { loss: tf.Scalar; grads: tf.Tensor[] } | undefined;
  const profile = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar);
    result = { loss: value, grads: Object.values(grads) };
    return [value, ...Object.values(grads)];
  });
  const out = { loss: (await result!.loss.data())[0], grads: await Promise.all(result!.grads.map((g) => g.data() as Promise<Float32Array>)), kernels: profile.kernels.map((k) => k.name) };
  tf.dispose([result!.loss, ...result!.grads]);
  return out;
}

afterEach(() => tf.env().set(FUSED_OPS_FLAG, true));

describe('withSeparateConvGradients', () => {
  it.each([true, false])('trains to the same loss and gradients as the fused convolution (bias %s), without the image’s gradient', async (bias) => {
    const x = tf.randomUniform([2, 9, 9, 3], -1, 1, 'float32', 3);
    const model = twoConvModel({ bias });
    tf.env().set(FUSED_OPS_FLAG, false);
    const fused = await trainingStep(model, x);
    tf.env().set(FUSED_OPS_FLAG, true);
    const separate = await trainingStep(model, x);
    expect(separate.loss).toBeCloseTo(fused.loss, 6);
    expect(separate.grads.length).toBe(bias ? 4 : 2);
    separate.grads.forEach((g, i) => g.forEach((v, j) => expect(v, `gradient ${i}[${j}]`).toBeCloseTo(fused.grads[i][j], 6)));
    // The fused op computes both convolutions' input gradients; per input, only the body's is needed.
    expect(fused.kernels.filter((k) => k === 'Conv2DBackpropInput')).toHaveLength(2);
    expect(separate.kernels.filter((k) => k === 'Conv2DBackpropInput')).toHaveLength(1);
    // The body's input carries a gradient anyway: with a bias it keeps the fused op (no separate Add), the stem does not.
    expect(separate.kernels.filter((k) => k === 'FusedConv2D')).toHaveLength(bias ? 1 : 0);
    expect(separate.kernels.filter((k) => k === 'Conv2D')).toHaveLength(bias ? 1 : 2);
    x.dispose();
    model.dispose();
  });

  it('decides at each step from what is frozen: behind a frozen stem no input gradient is computed at all', async () => {
    const x = tf.randomUniform([2, 9, 9, 3], -1, 1, 'float32', 5);
    const model = twoConvModel({ bias: true });
    const all = await trainingStep(model, x);
    model.getLayer('stem').trainable = false;
    const frozen = await trainingStep(model, x);
    expect(frozen.grads).toHaveLength(2);
    expect(frozen.kernels.filter((k) => k === 'Conv2DBackpropInput')).toHaveLength(0);
    expect(frozen.kernels).not.toContain('FusedConv2D');
    // The body's gradients are the same ones either way.
    frozen.grads.forEach((g, i) => expect(Array.from(g)).toEqual(Array.from(all.grads[i + 2])));
    model.getLayer('stem').trainable = true;
    const unfrozen = await trainingStep(model, x);
    expect(unfrozen.kernels.filter((k) => k === 'FusedConv2D')).toHaveLength(1);
    x.dispose();
    model.dispose();
  });

  it('leaves inference on the layer’s own fused call, and a layer with an activation as tfjs trains it', async () => {
    const x = tf.randomUniform([1, 9, 9, 3], -1, 1, 'float32', 4);
    const plain = twoConvModel({ bias: true });
    const inference = await tf.profile(() => plain.predict(x) as tf.Tensor);
    expect(inference.kernels.map((k) => k.name).filter((k) => k === 'FusedConv2D')).toHaveLength(2);
    // tfjs itself trains a fused conv with an activation unfused (conv2d, add, relu): nothing to change.
    const relu = twoConvModel({ bias: true, activation: 'relu' });
    tf.env().set(FUSED_OPS_FLAG, false);
    const own = await trainingStep(relu, x);
    tf.env().set(FUSED_OPS_FLAG, true);
    const wrapped = await trainingStep(relu, x);
    expect(wrapped.kernels).toEqual(own.kernels);
    expect(wrapped.grads).toEqual(own.grads);
    tf.dispose([x, inference.result as tf.Tensor]);
    plain.dispose();
    relu.dispose();
  });

  it('keeps the layer a plain Conv2D for saving and export', () => {
    const model = twoConvModel({ bias: true });
    const stem = model.getLayer('stem');
    expect(stem.getClassName()).toBe('Conv2D');
    expect(stem.getConfig()).toMatchObject({ filters: 4, strides: [2, 2], padding: 'same', useBias: true });
    model.dispose();
  });
});
