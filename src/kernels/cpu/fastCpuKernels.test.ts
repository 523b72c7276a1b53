import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { relativeError, seeded, stockAndFast } from '../kernelParity.testkit.ts';
import { ACTIVATION_GRAD_KERNEL, ACTIVATION_KERNEL } from '../../core/models/activationGradKernel.ts';
import { BATCH_NORM_KERNELS } from '../../core/models/batchNormKernels.ts';
import { ADAM_UPDATE_KERNEL } from '../../core/optim/adamUpdateKernel.ts';
import { SGD_UPDATE_KERNEL } from '../../core/optim/sgdUpdateKernel.ts';
import { fastCpuKernels } from './fastCpuKernels.ts';

const initiallyRegistered = fastCpuKernels.registered;
afterAll(() => (initiallyRegistered ? fastCpuKernels.register() : fastCpuKernels.unregister()));

describe('registerFastCpuKernels', () => {
  it('replaces every listed cpu kernel, adds the fused ones, and unregister puts the very same stock configs back', () => {
    fastCpuKernels.unregister();
    const stock = fastCpuKernels.names.map((name) => tf.getKernel(name, 'cpu'));
    // tfjs has no fused optimizer steps, batch norm or activation gradients: they are the kernels added rather than replaced.
    expect(fastCpuKernels.names.filter((_, i) => stock[i] === undefined)).toEqual([ADAM_UPDATE_KERNEL, SGD_UPDATE_KERNEL, ...Object.values(BATCH_NORM_KERNELS), ACTIVATION_KERNEL, ACTIVATION_GRAD_KERNEL]);

    fastCpuKernels.register();
    expect(fastCpuKernels.registered).toBe(true);
    fastCpuKernels.names.forEach((name, i) => {
      const config = tf.getKernel(name, 'cpu');
      expect(config.kernelFunc, name).not.toBe(stock[i]?.kernelFunc);
      expect(config.backendName).toBe('cpu');
    });

    // A second call must not wrap the fast kernels again (the stock ones would be lost).
    fastCpuKernels.register();
    fastCpuKernels.unregister();
    expect(fastCpuKernels.registered).toBe(false);
    fastCpuKernels.names.forEach((name, i) => expect(tf.getKernel(name, 'cpu'), name).toBe(stock[i]));
  });

  it('covers the kernels a convnet training step spends its time in, dense layers’ products, standalone activations, paddings and slices', () => {
    expect([...fastCpuKernels.names].sort()).toEqual(
      [
        'Add',
        ADAM_UPDATE_KERNEL,
        SGD_UPDATE_KERNEL,
        ...Object.values(BATCH_NORM_KERNELS),
        ACTIVATION_GRAD_KERNEL,
        ACTIVATION_KERNEL,
        'BatchMatMul',
        '_FusedMatMul',
        'Conv2D',
        'Conv2DBackpropFilter',
        'Conv2DBackpropInput',
        'DepthwiseConv2dNative',
        'DepthwiseConv2dNativeBackpropFilter',
        'DepthwiseConv2dNativeBackpropInput',
        'FusedConv2D',
        'FusedBatchNorm',
        'MaxPoolGrad',
        'Mean',
        'Multiply',
        'PadV2',
        'RealDiv',
        'Relu',
        'Relu6',
        'Sigmoid',
        'Slice',
        'Sub',
        'Sum',
        'Tile',
      ].sort(),
    );
  });
});

describe('gradients of a small convnet', () => {
  // conv 3×3 (fused, as tfjs-layers calls it) + bias → ReLU → max-pool → depthwise 3×3/2 →
  // conv 1×1 → batch-norm-style centring → global average pool → dense → loss.
  const x = seeded([2, 9, 9, 3], 1);
  const w1 = seeded([3, 3, 3, 6], 2);
  const b1 = seeded([6], 3);
  const dw = seeded([3, 3, 6, 2], 4);
  const w2 = seeded([1, 1, 12, 5], 5);
  const dense = seeded([5, 4], 6);
  const params = [x, w1, b1, dw, w2, dense];
  afterAll(() => tf.dispose(params));

  const loss = (xs: tf.Tensor, k1: tf.Tensor, bias: tf.Tensor, depth: tf.Tensor, k2: tf.Tensor, fc: tf.Tensor): tf.Scalar => {
    let h = tf.relu(tf.fused.conv2d({ x: xs as tf.Tensor4D, filter: k1 as tf.Tensor4D, strides: 1, pad: 'same', bias }));
    h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'same');
    h = tf.depthwiseConv2d(h as tf.Tensor4D, depth as tf.Tensor4D, 2, 'same');
    h = tf.conv2d(h as tf.Tensor4D, k2 as tf.Tensor4D, 1, 'valid');
    h = tf.sub(h, tf.mean(h, [0, 1, 2]));
    const logits = tf.matMul(tf.mean(h, [1, 2]) as tf.Tensor2D, fc as tf.Tensor2D);
    return tf.sum(tf.square(logits));
  };
  const grads = tf.grads((xs, k1, bias, depth, k2, fc) => loss(xs, k1, bias, depth, k2, fc));

  it.each(['input', 'conv kernel', 'bias', 'depthwise kernel', '1×1 kernel', 'dense kernel'].map((name, index) => ({ name, index })))(
    'd loss / d $name with fast kernels matches stock within 1e-4',
    ({ index }) => {
      const { stock, fast } = stockAndFast(() => {
        const all = grads(params);
        const mine = all[index];
        tf.dispose(all.filter((_, i) => i !== index));
        return mine;
      });
      expect(stock.some((v) => v !== 0)).toBe(true);
      expect(relativeError(fast, stock)).toBeLessThan(1e-4);
    },
  );
});
