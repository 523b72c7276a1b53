import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { relativeError, seeded, stockAndFast } from '../kernelParity.testkit.ts';
import { setSimdKernels } from './wasm/simdKernels.ts';

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

interface DepthwiseCase {
  batch: number;
  height: number;
  width: number;
  channels: number;
  multiplier: number;
  kernel: number;
  stride: number;
  pad: Pad;
}

// Kernel size × stride × padding × channel multiplier 1–2; batch, odd/even sizes and
// channels (1–8) vary across the grid.
const GRID: DepthwiseCase[] = [];
let n = 0;
for (const kernel of [1, 3, 5, 7]) {
  for (const stride of [1, 2]) {
    for (const padKind of ['same', 'valid', 'explicit'] as const) {
      const pad: Pad = padKind === 'explicit' ? [[0, 0], [1, kernel >> 1], [kernel >> 1, 0], [0, 0]] : padKind;
      GRID.push({
        batch: 1 + (n % 3),
        height: kernel + 1 + (n % 3),
        width: kernel + 2 + ((n * 3) % 4),
        channels: 1 + ((n * 5) % 8),
        multiplier: 1 + (n % 2),
        kernel,
        stride,
        pad,
      });
      n++;
    }
  }
}

// The zoo's depthwise layers (multiplier 1, channels in fours) take the WebAssembly SIMD loop
// where the runtime has it: the same kinds of geometry with such channels, run on both loops.
const SIMD_GRID: DepthwiseCase[] = [];
for (const kernel of [3, 5]) {
  for (const stride of [1, 2]) {
    for (const padKind of ['same', 'valid', 'explicit'] as const) {
      const pad: Pad = padKind === 'explicit' ? [[0, 0], [1, kernel >> 1], [kernel >> 1, 0], [0, 0]] : padKind;
      SIMD_GRID.push({ batch: 1 + (n % 3), height: kernel + 2 + (n % 3), width: kernel + 1 + ((n * 3) % 4), channels: 4 * (1 + (n % 4)), multiplier: 1, kernel, stride, pad });
      n++;
    }
  }
}
// A batch whose filter gradient sums thousands of products per weight.
SIMD_GRID.push({ batch: 4, height: 28, width: 28, channels: 8, multiplier: 1, kernel: 3, stride: 1, pad: 'same' });

const TOLERANCE = 1e-4;
const tensors: tf.Tensor[] = [];
const keep = <T extends tf.Tensor>(t: T): T => (tensors.push(t), t);
afterAll(() => tf.dispose(tensors));

function label(c: DepthwiseCase): string {
  const pad = typeof c.pad === 'string' ? c.pad : JSON.stringify(c.pad.slice(1, 3));
  return `x[${c.batch},${c.height},${c.width},${c.channels}] ×${c.multiplier} k${c.kernel} s${c.stride} ${pad}`;
}

const CASES = [
  ...GRID.map((c, i) => ({ c, i, simd: true, name: label(c) })),
  ...SIMD_GRID.flatMap((c, j) => [true, false].map((simd) => ({ c, i: GRID.length + j, simd, name: `${label(c)} (SIMD ${simd})` }))),
];

describe.each(CASES)('depthwise $name', ({ c, i, simd }) => {
  beforeEach(() => {
    const previous = setSimdKernels(simd);
    return () => void setSimdKernels(previous);
  });
  const x = keep(seeded([c.batch, c.height, c.width, c.channels], 20 + i));
  const filter = keep(seeded([c.kernel, c.kernel, c.channels, c.multiplier], 200 + i));
  const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dilations: 1 };
  const dyShape = tf.tidy(() => tf.depthwiseConv2d(x as tf.Tensor4D, filter as tf.Tensor4D, c.stride, c.pad).shape);
  const dy = keep(seeded(dyShape, 2000 + i));

  it('DepthwiseConv2dNative matches stock', () => {
    const { stock, fast } = stockAndFast(() => tf.engine().runKernel('DepthwiseConv2dNative', { x, filter }, attrs) as tf.Tensor);
    expect(relativeError(fast, stock)).toBeLessThan(TOLERANCE);
  });

  it('DepthwiseConv2dNativeBackpropInput matches stock', () => {
    const { stock, fast } = stockAndFast(
      () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { ...attrs, inputShape: x.shape }) as tf.Tensor,
    );
    expect(relativeError(fast, stock)).toBeLessThan(TOLERANCE);
  });

  it('DepthwiseConv2dNativeBackpropFilter matches stock', () => {
    const { stock, fast } = stockAndFast(
      () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: filter.shape }) as tf.Tensor,
    );
    expect(relativeError(fast, stock)).toBeLessThan(TOLERANCE);
  });
});

it('depthwise with dilation 2 is left to the stock kernel and gives its exact result', () => {
  const x = keep(seeded([1, 9, 9, 3], 8));
  const filter = keep(seeded([3, 3, 3, 2], 9));
  const { stock, fast } = stockAndFast(() => tf.depthwiseConv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 1, 'same', 'NHWC', 2));
  expect(Array.from(fast)).toEqual(Array.from(stock));
});
