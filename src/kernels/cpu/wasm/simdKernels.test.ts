import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { relativeError, seeded } from '../../kernelParity.testkit.ts';
import { gemmAccumulate } from '../gemm.ts';
import { simdKernels, simdKernelsModuleBytes } from './simdKernels.ts';

afterEach(() => vi.restoreAllMocks());

describe('simdKernels', () => {
  it('compiles in Node: a small module, valid, with every kernel', () => {
    const bytes = simdKernelsModuleBytes();
    expect(bytes.length).toBeLessThan(4096);
    expect((globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate(bytes)).toBe(true);
    const simd = simdKernels();
    expect(simd).not.toBeNull();
    expect(Object.keys(simd!).sort()).toEqual(['adamStep', 'col2imRows', 'depthwiseFilterGrad', 'depthwiseForward', 'depthwiseInputGrad', 'elementwise', 'gemmBlock', 'heap', 'im2colRows', 'pool', 'threaded']);
  });

  it('refuses a memory past WebAssembly’s 4 GiB instead of throwing, and still serves smaller ones', () => {
    const simd = simdKernels()!;
    expect(simd.heap(2 ** 31)).toBeNull();
    expect(simd.heap(1024)!.length).toBeGreaterThanOrEqual(1024);
  });

  // A browser may refuse to grow the memory long before 4 GiB; that cannot be provoked here,
  // so the refusal is stubbed: every kernel must then compute in JavaScript, same values.
  it('leaves every kernel to its JavaScript loop when the memory cannot grow', () => {
    const simd = simdKernels()!;
    const run = () =>
      tf.tidy(() => {
        const x = seeded([2, 7, 6, 8], 1);
        const w = seeded([3, 3, 8, 1], 2);
        const dy = seeded([2, 4, 3, 8], 3);
        const attrs = { strides: 2, pad: 'same', dataFormat: 'NHWC', dilations: 1 };
        const a = new Float32Array(seeded([9, 13], 4).dataSync());
        const b = new Float32Array(seeded([13, 16], 5).dataSync());
        const c = new Float32Array(9 * 16);
        gemmAccumulate(9, 16, 13, { data: a, offset: 0, rowStride: 13, colStride: 1 }, { data: b, offset: 0, rowStride: 16, colStride: 1 }, { data: c, offset: 0, rowStride: 16, colStride: 1 });
        const adam = tf.engine().runKernel('StudioAdamUpdate', { param: seeded([37], 6), grad: seeded([37], 7), m: tf.zeros([37]), v: tf.zeros([37]) }, {
          beta1: 0.9, oneMinusBeta1: 0.1, beta2: 0.999, oneMinusBeta2: 0.001, eps: 1e-7, stepSize: 1e-3, biasCorrection2Sqrt: 0.0316, l2: 0, shrink: 1,
        }) as tf.Tensor[];
        return [
          c,
          tf.engine().runKernel('DepthwiseConv2dNative', { x, filter: w }, attrs) as tf.Tensor,
          tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape }) as tf.Tensor,
          tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape }) as tf.Tensor,
          ...adam,
        ].map((t) => (t instanceof Float32Array ? t : (t.dataSync() as Float32Array)));
      });
    const gemmBlock = vi.spyOn(simd, 'gemmBlock');
    const withSimd = run();
    expect(gemmBlock).toHaveBeenCalled();
    gemmBlock.mockClear();
    const heap = vi.spyOn(simd, 'heap').mockReturnValue(null);
    const withoutSimd = run();
    expect(heap).toHaveBeenCalled();
    expect(gemmBlock).not.toHaveBeenCalled();
    withoutSimd.forEach((values, i) => expect(relativeError(values, withSimd[i])).toBeLessThan(1e-5));
  });
});
