import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ACTIVATION_GRAD_KERNEL, ACTIVATION_KERNEL, FUSED_ACTIVATIONS, activationGradArrays, isCompositeActivation } from '../../core/models/activationGradKernel.ts';
import { BATCH_NORM_KERNELS } from '../../core/models/batchNormKernels.ts';
import { ADAM_UPDATE_KERNEL } from '../../core/optim/adamUpdateKernel.ts';
import { SGD_UPDATE_KERNEL } from '../../core/optim/sgdUpdateKernel.ts';
import { ACTIVATION_PARITY_SHAPES, BATCH_NORM_PARITY_CASES, activationTrace, batchNormTrace, launches } from '../fusedOpsParity.testkit.ts';
import { OPTIMIZER_PARITY_CONFIGS, OPTIMIZER_PARITY_SHAPES, optimizerAfterSteps, parityConfigLabel } from '../optimizerParity.testkit.ts';
import { relativeError, seeded, stockAndFastWebgpu } from '../kernelParity.testkit.ts';
import { planConvGemm } from './convGemmProgram.ts';
import { stridePhases } from './fastConvBackprop.ts';
import { planChannelSums } from './fastBatchNorm.ts';
import { planDepthwiseFilterGrad } from './fastDepthwiseConv2DBackpropFilter.ts';
import { planPointwise } from './pointwiseProductProgram.ts';
import { planSumSlices } from './sumSplitsProgram.ts';
import { fastWebgpuKernels } from './fastWebgpuKernels.ts';
import { webgpuParityError } from './webgpuParity.ts';
import { PARITY_TOLERANCE, WEBGPU_PARITY_CASES, parityCaseLabel } from './webgpuParityCases.ts';

// Parity of the studio's WGSL convolution gradients with tfjs-backend-webgpu 4.22's own, on
// whatever adapter Dawn gives (SwiftShader in CI), within the relative 1e-4. The same
// cases run in Chromium through bench.html (e2e/bench.spec.ts).
const initiallyRegistered = fastWebgpuKernels.registered;
/** The kernels tfjs does not have at all: the fused optimizer steps and batch norm's. */
const ADDED_KERNELS = [ADAM_UPDATE_KERNEL, SGD_UPDATE_KERNEL, ...Object.values(BATCH_NORM_KERNELS), ACTIVATION_KERNEL, ACTIVATION_GRAD_KERNEL];
afterAll(() => (initiallyRegistered ? fastWebgpuKernels.register() : fastWebgpuKernels.unregister()));

describe('the studio webgpu kernels vs stock', () => {
  it.each(WEBGPU_PARITY_CASES.map((c) => [parityCaseLabel(c), c] as const))('match within 1e-4: %s', async (_, c) => {
    expect(await webgpuParityError(c)).toBeLessThan(PARITY_TOLERANCE);
  });

  it('cover every kernel they replace', () => {
    expect(new Set(WEBGPU_PARITY_CASES.map((c) => c.kernel))).toEqual(new Set(fastWebgpuKernels.names.filter((n) => !ADDED_KERNELS.includes(n))));
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
    // A 1×1 filter gradient: the direct pointwise product, its k sliced too.
    expect(planPointwise(16, 32, 8 * 32 * 32, true)?.splits).toBeGreaterThan(1);
    const dW1 = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [1, 1, 16, 32] }) as tf.Tensor;
    await Promise.all([dW.data(), dW1.data()]);
    expect(backend.numDataIds()).toBe(before + 2);
    tf.dispose([dW, dW1]);
    expect(backend.numDataIds()).toBe(before);
    tf.dispose([x, dy]);
  });

  it('release the partial sums of a sliced forward convolution, reduction and product', async () => {
    fastWebgpuKernels.register();
    // The parity grid's second fused geometry and bias-gradient reduction are sliced; so are these.
    expect(planConvGemm(4 * 2 * 2, 24, 3 * 3 * 64).splits).toBeGreaterThan(1);
    expect(planSumSlices(6, 8 * 32 * 32).splits).toBeGreaterThan(1);
    expect(planSumSlices(8 * 3, 700).splits).toBeGreaterThan(1);
    const a = seeded([1, 8, 700], 21);
    const b = seeded([1, 700, 3], 22);
    const matBias = seeded([3], 23);
    const x = seeded([4, 2, 2, 64], 14);
    const filter = seeded([3, 3, 64, 24], 15);
    const bias = seeded([24], 16);
    const images = seeded([8, 32, 32, 6], 17);
    const backend = tf.backend();
    const before = backend.numDataIds();
    const y = tf.engine().runKernel('FusedConv2D', { x, filter, bias }, { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1, activation: 'relu' }) as tf.Tensor;
    const sum = tf.engine().runKernel('Sum', { x: images }, { axis: [0, 1, 2], keepDims: false }) as tf.Tensor;
    const product = tf.engine().runKernel('_FusedMatMul', { a, b, bias: matBias }, { transposeA: false, transposeB: false, activation: 'relu' }) as tf.Tensor;
    await Promise.all([y.data(), sum.data(), product.data()]);
    expect(backend.numDataIds()).toBe(before + 3);
    tf.dispose([x, filter, bias, images, y, sum, a, b, matBias, product]);
  });

  it('leave what they do not cover to stock: a prelu fusion, a reduction over the innermost axis', async () => {
    const x = seeded([2, 6, 6, 4], 18);
    const filter = seeded([3, 3, 4, 5], 19);
    const alpha = seeded([5], 20);
    const prelu = await stockAndFastWebgpu(
      () => tf.engine().runKernel('FusedConv2D', { x, filter, preluActivationWeights: alpha }, { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1, activation: 'prelu' }) as tf.Tensor,
    );
    expect(prelu.fast).toEqual(prelu.stock);
    const innermost = await stockAndFastWebgpu(() => tf.engine().runKernel('Sum', { x }, { axis: [3], keepDims: false }) as tf.Tensor);
    expect(innermost.fast).toEqual(innermost.stock);
    tf.dispose([x, filter, alpha]);
  });
});

describe('the fused optimizer steps on webgpu', () => {
  const cases = OPTIMIZER_PARITY_CONFIGS.flatMap((c) => OPTIMIZER_PARITY_SHAPES.map((shape) => [parityConfigLabel(c), shape, c] as const));
  it.each(cases)('give the composed step’s values within float32 rounding: %s, %j', async (_, shape, config) => {
    const composed = await optimizerAfterSteps(config, fastWebgpuKernels, false, shape);
    const fused = await optimizerAfterSteps(config, fastWebgpuKernels, true, shape);
    // Only the order of rounding may differ (a shader compiler may fuse a multiply-add).
    expect(relativeError(fused.param, composed.param)).toBeLessThan(1e-6);
    fused.slots.forEach((slot, i) => expect(relativeError(slot, composed.slots[i]), `slot ${i}`).toBeLessThan(1e-6));
    expect(fused.slots.length).toBe(composed.slots.length);
    expect(fused.tensorsAfter).toBe(fused.tensorsBefore);
  });
});

describe('the batch-norm and activation kernels on webgpu', () => {
  it.each(BATCH_NORM_PARITY_CASES.map((c) => [c.shape, c] as const))('train a layer as tfjs-layers does on stock tfjs-webgpu: %j', async (_, c) => {
    const stock = await batchNormTrace(fastWebgpuKernels, 'stock', c);
    const fused = await batchNormTrace(fastWebgpuKernels, 'kernels', c);
    for (const [name, want] of Object.entries(stock.values)) {
      expect(relativeError(fused.values[name], want), name).toBeLessThan(c.tolerance);
    }
    expect(fused.tensorsLeaked).toBe(0);
    for (const kernel of Object.values(BATCH_NORM_KERNELS)) expect(fused.kernels).toContain(kernel);
    expect(launches(fused.kernels)).toBeLessThan(launches(stock.kernels) / 2);
  });

  const activationCases = FUSED_ACTIVATIONS.flatMap((a) => ACTIVATION_PARITY_SHAPES.map((shape) => [a, shape] as const));
  it.each(activationCases)('and the %s activation trains as on stock tfjs-webgpu, forward and gradient: %j', async (activation, shape) => {
    const stock = await activationTrace(fastWebgpuKernels, 'stock', activation, shape);
    const fused = await activationTrace(fastWebgpuKernels, 'kernels', activation, shape);
    expect(relativeError(fused.values.y, stock.values.y)).toBeLessThan(1e-6);
    expect(relativeError(fused.values.dx, stock.values.dx)).toBeLessThan(1e-5);
    expect(fused.kernels).toContain(ACTIVATION_GRAD_KERNEL);
    // Swish and the hard activations' forward is one kernel too; the others are one stock kernel already.
    expect(fused.kernels.includes(ACTIVATION_KERNEL)).toBe(isCompositeActivation(activation));
    expect(launches(fused.kernels)).toBeLessThan(launches(stock.kernels));
    expect(fused.tensorsLeaked).toBe(0);
  });

  it.each([
    ['one value', 65535 * 64 + 6],
    ['four values', 4 * 65535 * 64 + 8],
  ])('cover every element of an output larger than one dispatch, %s per invocation', async (_, size) => {
    // Past 65535 workgroups of 64 invocations the element-wise kernels loop over the rest.
    fastWebgpuKernels.register();
    const [dy, x] = [21, 22].map((seed) => tf.tidy(() => tf.mul(tf.randomUniform([size], -1, 1, 'float32', seed), 5)));
    const dx = tf.engine().runKernel(ACTIVATION_GRAD_KERNEL, { dy, x }, { activation: 'hardSwish' }) as tf.Tensor;
    const want = activationGradArrays((await dy.data()) as Float32Array, (await x.data()) as Float32Array, 'hardSwish');
    expect(relativeError((await dx.data()) as Float32Array, want)).toBeLessThan(1e-6);
    tf.dispose([dy, x, dx]);
  });

  it('release their partial sums', async () => {
    fastWebgpuKernels.register();
    const x = seeded([8, 16, 16, 8], 13);
    expect(planChannelSums(8 * 16 * 16, 8).splits).toBeGreaterThan(1);
    const backend = tf.backend();
    const before = backend.numDataIds();
    const stats = tf.engine().runKernel(BATCH_NORM_KERNELS.moments, { x }, {}) as tf.Tensor[];
    await Promise.all(stats.map((t) => t.data()));
    expect(backend.numDataIds()).toBe(before + 2);
    tf.dispose([x, ...stats]);
  });

  it('slice the rows so that every channel block gets many invocations, and cover every row once', () => {
    for (const [rows, channels] of [
      [32 * 56 * 56, 16],
      [32 * 4 * 4, 1280],
      [9, 5],
    ]) {
      const plan = planChannelSums(rows, channels);
      expect(plan.splits * plan.rowsPerSplit).toBeGreaterThanOrEqual(rows);
      expect((plan.splits - 1) * plan.rowsPerSplit).toBeLessThan(rows);
    }
    expect(planChannelSums(32 * 56 * 56, 16).splits).toBeGreaterThan(256);
    expect(planChannelSums(9, 5).splits).toBe(1);
  });
});

describe('registerFastWebgpuKernels', () => {
  it('replaces the convolutions, reductions, products and batch norm and unregister puts the very same stock configs back', () => {
    fastWebgpuKernels.unregister();
    const replaced = ['Conv2D', 'FusedConv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'DepthwiseConv2dNative', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'];
    replaced.push('Sum', 'Mean', 'BatchMatMul', '_FusedMatMul', 'FusedBatchNorm');
    expect([...fastWebgpuKernels.names].sort()).toEqual([...replaced, ...ADDED_KERNELS].sort());
    const stock = fastWebgpuKernels.names.map((name) => tf.getKernel(name, 'webgpu'));
    expect(fastWebgpuKernels.names.filter((_, i) => stock[i] === undefined).sort()).toEqual([...ADDED_KERNELS].sort());
    fastWebgpuKernels.register();
    fastWebgpuKernels.register();
    fastWebgpuKernels.names.forEach((name, i) => expect(tf.getKernel(name, 'webgpu').kernelFunc, name).not.toBe(stock[i]?.kernelFunc));
    fastWebgpuKernels.unregister();
    fastWebgpuKernels.names.forEach((name, i) => expect(tf.getKernel(name, 'webgpu'), name).toBe(stock[i]));
  });

  it('splits a strided input gradient into stride phases that cover every input pixel once and every tap once', () => {
    for (const [inSize, filter, stride, pad] of [
      [16, 3, 2, 'same'],
      [15, 3, 2, 'same'],
      [11, 5, 2, 'valid'],
      [32, 7, 2, 'same'],
      [9, 1, 2, 'same'],
      [10, 2, 3, 'same'],
    ] as const) {
      const info = tf.backend_util.computeConv2DInfo([1, inSize, inSize, 1], [filter, filter, 1, 1], stride, 1, pad);
      const phases = stridePhases(info);
      expect(phases).toHaveLength(stride * stride);
      const pixels = new Set<number>();
      const taps = new Set<number>();
      for (const p of phases) {
        for (let i = 0; i < p.rows; i++) for (let j = 0; j < p.cols; j++) pixels.add((p.firstRow + i * stride) * inSize + p.firstCol + j * stride);
        for (let u = 0; u < p.tapsRow; u++) for (let v = 0; v < p.tapsCol; v++) taps.add((p.tapRow + u * stride) * filter + p.tapCol + v * stride);
        // A pixel's taps are those of its phase: (x + pad − w) divisible by the stride.
        expect((p.firstRow + info.padInfo.top - p.tapRow) % stride).toBe(0);
        expect((p.firstCol + info.padInfo.left - p.tapCol) % stride).toBe(0);
      }
      expect(pixels.size, `${inSize} ${filter}/${stride}`).toBe(inSize * inSize);
      expect(phases.reduce((n, p) => n + p.rows * p.cols, 0)).toBe(inSize * inSize);
      expect(taps.size).toBe(filter * filter);
    }
  });

  it('slices a 1×1 filter gradient’s pixels into partial sums that cover k once, and never the forward or input gradient', () => {
    // MobileNetV2's first expansion at batch 32, 16 px: an 8×48 filter over 8,192 pixels.
    const dW = planPointwise(8, 48, 32 * 16 * 16, true)!;
    expect(dW.splits).toBeGreaterThan(16);
    expect(dW.splits * dW.kPerSplit).toBeGreaterThanOrEqual(32 * 16 * 16);
    expect((dW.splits - 1) * dW.kPerSplit).toBeLessThan(32 * 16 * 16);
    // The parity grid's sliced 1×1 case.
    expect(planPointwise(6, 10, 8 * 16 * 16, true)!.splits).toBeGreaterThan(1);
    expect(planPointwise(32 * 16 * 16, 48, 8, false)).toMatchObject({ splits: 1, kPerSplit: 8 });
    // Enough blocks already: a 320×1280 filter over 32 pixels is not sliced.
    expect(planPointwise(320, 1280, 32, true)!.splits).toBe(1);
    // More blocks than one dispatch dimension takes: the tiled product runs it instead.
    expect(planPointwise(4 * 65535 * 64 + 4, 4, 8, false)).toBeUndefined();
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
