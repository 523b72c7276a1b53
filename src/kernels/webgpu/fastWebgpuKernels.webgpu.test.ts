import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { relativeError, seeded, stockAndFastWebgpu } from '../kernelParity.testkit.ts';
import { planConvGemm } from './convGemmProgram.ts';
import { planDepthwiseFilterGrad } from './fastDepthwiseConv2DBackpropFilter.ts';
import { fastWebgpuKernels } from './fastWebgpuKernels.ts';

// Parity of the studio's WGSL convolution gradients with tfjs-backend-webgpu 4.22's own, on
// whatever adapter Dawn gives (SwiftShader in CI), within the relative 1e-4.
const initiallyRegistered = fastWebgpuKernels.registered;
afterAll(() => (initiallyRegistered ? fastWebgpuKernels.register() : fastWebgpuKernels.unregister()));

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
  pad: Pad;
}

// The geometries of the zoo: stems (3×3/2, ResNet's 7×7/2), 3×3 and 1×1 bodies, odd sizes
// with asymmetric 'same' padding, explicit padding, valid, and shapes big enough that the
// batch is sliced across workgroups (partial sums).
const CONV_CASES: ConvCase[] = [
  { x: [2, 9, 9, 3], filter: [3, 3, 3, 8], stride: 1, pad: 'same' },
  { x: [2, 16, 16, 8], filter: [3, 3, 8, 16], stride: 2, pad: 'same' },
  { x: [2, 15, 13, 6], filter: [3, 3, 6, 10], stride: 2, pad: 'same' },
  { x: [1, 7, 7, 5], filter: [1, 1, 5, 7], stride: 1, pad: 'valid' },
  { x: [3, 11, 11, 4], filter: [5, 5, 4, 6], stride: 2, pad: 'valid' },
  { x: [2, 32, 32, 3], filter: [7, 7, 3, 16], stride: 2, pad: 'same' },
  { x: [2, 8, 8, 64], filter: [1, 1, 64, 96], stride: 1, pad: 'same' },
  { x: [2, 10, 9, 4], filter: [3, 3, 4, 5], stride: 1, pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
  { x: [8, 32, 32, 16], filter: [3, 3, 16, 32], stride: 1, pad: 'same' },
  // 1×1 stride 1 (the input gradient's direct 4×4-block product; rows and columns not multiples of 4) and ResNet's 1×1/2 shortcut.
  { x: [3, 5, 7, 144], filter: [1, 1, 144, 26], stride: 1, pad: 'same' },
  { x: [2, 9, 9, 8], filter: [1, 1, 8, 12], stride: 2, pad: 'same' },
];

function label(c: ConvCase): string {
  return `x [${c.x}] filter [${c.filter}] stride ${c.stride} pad ${JSON.stringify(c.pad)}`;
}

function outShape(c: ConvCase, channels: number): number[] {
  return tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros([c.filter[0], c.filter[1], c.x[3], channels]) as tf.Tensor4D, c.stride, c.pad).shape;
}

describe('Conv2DBackpropFilter on webgpu', () => {
  it.each(CONV_CASES)('matches stock: $x $filter', async (c) => {
    const x = seeded(c.x, 1);
    const dy = seeded(outShape(c, c.filter[3]), 2);
    const { stock, fast } = await stockAndFastWebgpu(
      () =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
          strides: c.stride,
          pad: c.pad,
          dataFormat: 'NHWC',
          filterShape: c.filter,
        }) as tf.Tensor,
    );
    expect(relativeError(fast, stock), label(c)).toBeLessThan(1e-4);
    tf.dispose([x, dy]);
  });
});

describe('Conv2DBackpropInput on webgpu', () => {
  it.each(CONV_CASES)('matches stock: $x $filter', async (c) => {
    const filter = seeded(c.filter, 3);
    const dy = seeded(outShape(c, c.filter[3]), 4);
    const { stock, fast } = await stockAndFastWebgpu(
      () =>
        tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, {
          inputShape: c.x,
          strides: c.stride,
          pad: c.pad,
          dataFormat: 'NHWC',
        }) as tf.Tensor,
    );
    expect(relativeError(fast, stock), label(c)).toBeLessThan(1e-4);
    tf.dispose([filter, dy]);
  });
});

// MobileNetV2's and EfficientNet-B0's depthwise layers: 3×3 and 5×5, stride 1 and 2, a
// channel multiplier, and a batch big enough to be sliced.
const DEPTHWISE_CASES: ConvCase[] = [
  { x: [2, 9, 9, 6], filter: [3, 3, 6, 1], stride: 1, pad: 'same' },
  { x: [2, 16, 16, 8], filter: [3, 3, 8, 2], stride: 2, pad: 'same' },
  { x: [1, 10, 11, 4], filter: [5, 5, 4, 1], stride: 2, pad: 'same' },
  { x: [3, 7, 7, 5], filter: [3, 3, 5, 1], stride: 1, pad: 'valid' },
  { x: [8, 32, 32, 72], filter: [3, 3, 72, 1], stride: 1, pad: 'same' },
];

describe('DepthwiseConv2dNativeBackpropFilter on webgpu', () => {
  it.each(DEPTHWISE_CASES)('matches stock: $x $filter', async (c) => {
    const x = seeded(c.x, 5);
    const probe = tf.depthwiseConv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.stride, c.pad as 'same' | 'valid');
    const dy = seeded(probe.shape, 6);
    probe.dispose();
    const { stock, fast } = await stockAndFastWebgpu(
      () =>
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, {
          strides: c.stride,
          pad: c.pad,
          dilations: 1,
          filterShape: c.filter,
        }) as tf.Tensor,
    );
    expect(relativeError(fast, stock), label(c)).toBeLessThan(1e-4);
    tf.dispose([x, dy]);
  });
});

describe('the webgpu kernels in training', () => {
  it('give a convnet the gradients stock gives', async () => {
    // conv 3×3/2 → ReLU → depthwise 5×5 → conv 1×1 → global mean → loss, as tf.grads runs it.
    const x = seeded([4, 17, 17, 3], 7);
    const w1 = seeded([3, 3, 3, 8], 8);
    const dw = seeded([5, 5, 8, 1], 9);
    const w2 = seeded([1, 1, 8, 12], 10);
    const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
      const h = tf.relu(tf.conv2d(x as tf.Tensor4D, a as tf.Tensor4D, 2, 'same'));
      const d = tf.depthwiseConv2d(h, b as tf.Tensor4D, 1, 'same');
      return tf.mean(tf.square(tf.conv2d(d, c as tf.Tensor4D, 1, 'valid')));
    };
    for (let i = 0; i < 3; i++) {
      const { stock, fast } = await stockAndFastWebgpu(() => tf.grads(loss)([w1, dw, w2])[i]);
      expect(relativeError(fast, stock), `gradient ${i}`).toBeLessThan(1e-4);
      expect(Math.max(...stock.map(Math.abs))).toBeGreaterThan(0);
    }
    tf.dispose([x, w1, dw, w2]);
  });

  it('release their partial sums', async () => {
    fastWebgpuKernels.register();
    const x = seeded([8, 32, 32, 16], 11);
    const dy = seeded([8, 32, 32, 32], 12);
    // Big enough to be sliced: the partials exist for a moment and must not outlive the call.
    expect(planConvGemm(3 * 3 * 16, 32, 8 * 32 * 32).splits).toBeGreaterThan(1);
    const backend = tf.backend();
    const before = backend.numDataIds();
    const dW = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 16, 32] }) as tf.Tensor;
    await dW.data();
    expect(backend.numDataIds()).toBe(before + 1);
    dW.dispose();
    expect(backend.numDataIds()).toBe(before);
    tf.dispose([x, dy]);
  });
});

describe('registerFastWebgpuKernels', () => {
  it('replaces the convolution gradients and unregister puts the very same stock configs back', () => {
    fastWebgpuKernels.unregister();
    expect([...fastWebgpuKernels.names].sort()).toEqual(['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'DepthwiseConv2dNativeBackpropFilter']);
    const stock = fastWebgpuKernels.names.map((name) => tf.getKernel(name, 'webgpu'));
    fastWebgpuKernels.register();
    fastWebgpuKernels.register();
    fastWebgpuKernels.names.forEach((name, i) => expect(tf.getKernel(name, 'webgpu').kernelFunc, name).not.toBe(stock[i].kernelFunc));
    fastWebgpuKernels.unregister();
    fastWebgpuKernels.names.forEach((name, i) => expect(tf.getKernel(name, 'webgpu'), name).toBe(stock[i]));
  });

  it('slices the batch only when the filter alone cannot fill the GPU', () => {
    // ResNet-18's last 3×3 conv at batch 32, 4×4 output: 4608×512 outputs is plenty of tiles.
    expect(planConvGemm(3 * 3 * 512, 512, 32 * 4 * 4).splits).toBe(1);
    // Its stem's filter gradient: 147×64 outputs, 32·64·64 pixels to sum over.
    const stem = planConvGemm(7 * 7 * 3, 64, 32 * 64 * 64);
    expect(stem.splits).toBeGreaterThan(16);
    expect(stem.splits * stem.kPerSplit).toBeGreaterThanOrEqual(32 * 64 * 64);
    expect((stem.splits - 1) * stem.kPerSplit).toBeLessThan(32 * 64 * 64);
    const dw = planDepthwiseFilterGrad(32 * 56 * 56, 144, 9 * 144);
    expect(dw.splits * dw.pixelsPerSplit).toBeGreaterThanOrEqual(32 * 56 * 56);
    expect((dw.splits - 1) * dw.pixelsPerSplit).toBeLessThan(32 * 56 * 56);
  });
});
